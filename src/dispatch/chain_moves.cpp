#include <algorithm>

#include "dispatch/slice_search.h"

// The moves of SliceSearch that cross instants: chains into short shifts (this file) and
// exchanges of whole days between volunteers (bundle_exchange.cpp).
namespace muster::dispatch {
namespace {

// A breadth-first search for a chain into a short shift visits at most this many shifts.
constexpr std::size_t kMaxPathShifts = 400;
// FillShortShifts examines at most this many candidates per call.
constexpr std::int64_t kChainWork = 4'000'000;

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

}  // namespace

bool SliceSearch::Blockers(int v, int s, std::vector<int>* leave) const {
  const auto& shifts = model_.instance().shifts;
  std::int64_t hours = model_.Duration(s);
  int spare = -1;  // the same-day shift whose leaving would best make room under the cap
  for (int o : schedule_[v]) {
    if (o == s) return false;
    if (Overlap(shifts[o], shifts[s])) {
      leave->push_back(o);
    } else if (model_.ShiftDay(o) == model_.ShiftDay(s)) {
      hours += model_.Duration(o);
      if (spare < 0 || shifts[o].priority < shifts[spare].priority ||
          (shifts[o].priority == shifts[spare].priority &&
           model_.Duration(o) > model_.Duration(spare))) {
        spare = o;
      }
    }
  }
  std::int64_t cap = model_.instance().volunteers[v].max_seconds_per_day;
  if (hours <= cap) return true;
  if (spare < 0 || hours - model_.Duration(spare) > cap) return false;
  leave->push_back(spare);
  return true;
}

std::optional<SliceSearch::Chain> SliceSearch::BestChain(int s, std::int64_t* work) const {
  const auto& shifts = model_.instance().shifts;
  std::optional<Chain> best;
  for (const Candidate& c : pool_.Of(s)) {
    if (--*work < 0) return std::nullopt;
    Chain chain{c, s, {}, {}, shifts[s].priority, c.cost};
    if (!Blockers(c.volunteer, s, &chain.leave)) continue;
    for (int o : chain.leave) {
      std::int64_t was = 0;
      for (const Candidate& m : crew_[o]) {
        if (m.volunteer == c.volunteer) was = m.cost;
      }
      chain.cost_gain -= was;
      // The cheapest free volunteer who fits o, not already refilling another shift here.
      const Candidate* by = nullptr;
      *work -= std::int64_t(pool_.Of(o).size());
      for (const Candidate& w : pool_.Of(o)) {
        if (w.volunteer == c.volunteer || (by != nullptr && w.cost >= by->cost)) continue;
        bool taken = std::any_of(chain.refill.begin(), chain.refill.end(),
                                 [&](const auto& r) { return r.second.volunteer == w.volunteer; });
        bool on = std::any_of(crew_[o].begin(), crew_[o].end(),
                              [&](const Candidate& m) { return m.volunteer == w.volunteer; });
        if (!taken && !on && Fits(w.volunteer, o)) by = &w;
      }
      if (by != nullptr) {
        chain.refill.push_back({o, *by});
        chain.cost_gain += by->cost;
      } else {
        chain.coverage_gain -= shifts[o].priority;
      }
    }
    if (chain.coverage_gain <= 0) continue;
    if (!best || chain.coverage_gain > best->coverage_gain ||
        (chain.coverage_gain == best->coverage_gain && chain.cost_gain < best->cost_gain)) {
      best = std::move(chain);
    }
  }
  return best;
}

void SliceSearch::Join(int s, const Candidate& c) {
  auto& crew = crew_[s];
  crew.insert(std::lower_bound(
                  crew.begin(), crew.end(), c,
                  [](const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; }),
              c);
  schedule_[c.volunteer].push_back(s);
  Touch(c.volunteer);
  coverage_ += model_.instance().shifts[s].priority;
  cost_ += c.cost;
}

void SliceSearch::Leave(int s, int v) {
  auto& crew = crew_[s];
  auto it =
      std::find_if(crew.begin(), crew.end(), [&](const Candidate& m) { return m.volunteer == v; });
  coverage_ -= model_.instance().shifts[s].priority;
  cost_ -= it->cost;
  crew.erase(it);
  auto& mine = schedule_[v];
  mine.erase(std::find(mine.begin(), mine.end(), s));
  Touch(v);
}

std::vector<std::pair<int, Candidate>> SliceSearch::AugmentingPath(int s,
                                                                   std::int64_t* work) const {
  // Breadth-first over shifts: from shift o, a volunteer v who can join o once it leaves the one
  // shift b blocking it leads to b, which then needs someone in v's place.
  struct Step {
    int from = -1;  // the shift the volunteer joins
    Candidate joiner;
  };
  std::vector<std::pair<int, Step>> parent;  // (shift reached, how)
  std::vector<int> queue{s};
  std::vector<int> leave;
  auto seen = [&](int o) {
    return o == s ||
           std::any_of(parent.begin(), parent.end(), [&](const auto& p) { return p.first == o; });
  };
  auto step_of = [&](int o) -> const Step& {
    return std::find_if(parent.begin(), parent.end(), [&](const auto& p) { return p.first == o; })
        ->second;
  };
  for (std::size_t head = 0; head < queue.size() && head < kMaxPathShifts; ++head) {
    int o = queue[head];
    *work -= std::int64_t(pool_.Of(o).size());
    if (*work < 0) return {};
    for (const Candidate& c : pool_.Of(o)) {
      leave.clear();
      if (!Blockers(c.volunteer, o, &leave) || leave.size() > 1) continue;
      if (leave.empty()) {
        std::vector<std::pair<int, Candidate>> path{{o, c}};
        for (int at = o; at != s; at = step_of(at).from)
          path.push_back({step_of(at).from, step_of(at).joiner});
        std::vector<int> who;
        for (const auto& p : path) who.push_back(p.second.volunteer);
        std::sort(who.begin(), who.end());
        if (std::adjacent_find(who.begin(), who.end()) == who.end()) return path;
        continue;
      }
      if (!seen(leave[0])) {
        parent.push_back({leave[0], Step{o, c}});
        queue.push_back(leave[0]);
      }
    }
  }
  return {};
}

int SliceSearch::FillShortShifts() {
  int moves = 0;
  // A count of candidates examined, not a time, so that runs repeat exactly.
  std::int64_t work = kChainWork;
  for (int s = 0; s < model_.shift_count() && work > 0; ++s) {
    while (std::int64_t(crew_[s].size()) < model_.instance().shifts[s].headcount) {
      if (std::optional<Chain> chain = BestChain(s, &work)) {
        for (int o : chain->leave) Leave(o, chain->joiner.volunteer);
        Join(s, chain->joiner);
        for (const auto& [o, w] : chain->refill) Join(o, w);
        ++moves;
        continue;
      }
      std::vector<std::pair<int, Candidate>> path = AugmentingPath(s, &work);
      if (path.empty()) break;
      // Each volunteer of the path leaves the shift the next one joins; the last fits freely.
      for (const auto& [joined, c] : path) {
        std::vector<int> leave;
        Blockers(c.volunteer, joined, &leave);
        for (int o : leave) Leave(o, c.volunteer);
        Join(joined, c);
      }
      ++moves;
    }
  }
  return moves;
}

}  // namespace muster::dispatch
