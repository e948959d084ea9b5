#include "dispatch/slice_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dispatch/assignment_flow.h"

namespace muster::dispatch {
namespace {

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

// Coverage and cost of the crews of some shifts.
std::pair<std::int64_t, std::int64_t> Totals(const Model& model, const std::vector<int>& shifts,
                                             const std::vector<std::vector<Candidate>>& crews) {
  std::int64_t coverage = 0, cost = 0;
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    for (const Candidate& c : crews[i]) {
      coverage += model.instance().shifts[shifts[i]].priority;
      cost += c.cost;
    }
  }
  return {coverage, cost};
}

}  // namespace

SliceSearch::SliceSearch(const Model& model, const CandidatePool& pool)
    : model_(model),
      pool_(pool),
      schedule_(model.volunteer_count()),
      crew_(model.shift_count()),
      in_slice_(model.shift_count(), 0),
      node_of_(model.volunteer_count(), -1),
      changed_at_(model.volunteer_count(), 0) {
  const auto& shifts = model.instance().shifts;
  std::vector<std::int64_t> starts;
  for (const Shift& s : shifts) {
    if (s.headcount > 0) starts.push_back(s.starts_at);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  // Each shift contains its own start, so every shift lies in some neighbourhood.
  std::vector<int> order;
  for (int s = 0; s < model.shift_count(); ++s) {
    if (shifts[s].headcount > 0) order.push_back(s);
  }
  slices_.resize(starts.size());
  for (int s : order) {
    auto lo = std::lower_bound(starts.begin(), starts.end(), shifts[s].starts_at);
    auto hi = std::lower_bound(starts.begin(), starts.end(), shifts[s].ends_at);
    for (auto it = lo; it != hi; ++it) slices_[std::size_t(it - starts.begin())].push_back(s);
  }
  solved_at_.assign(slices_.size(), 0);
}

bool SliceSearch::Dirty(std::size_t i) const {
  for (int s : slices_[i]) {
    for (const Candidate& c : pool_.Of(s)) {
      if (changed_at_[c.volunteer] > solved_at_[i]) return true;
    }
  }
  return false;
}

bool SliceSearch::Fits(int v, int s) const {
  const auto& shifts = model_.instance().shifts;
  std::int64_t hours = model_.Duration(s);
  for (int o : schedule_[v]) {
    if (in_slice_[o]) continue;
    if (Overlap(shifts[o], shifts[s])) return false;
    if (model_.ShiftDay(o) == model_.ShiftDay(s)) hours += model_.Duration(o);
  }
  return hours <= model_.instance().volunteers[v].max_seconds_per_day;
}

bool SliceSearch::SolveSlice(const std::vector<int>& slice) {
  const auto& shifts = model_.instance().shifts;
  // Arcs for the pairs that fit once the volunteer's shifts of this slice are released.
  for (int s : slice) in_slice_[s] = 1;
  std::vector<AssignmentArc> arcs;
  std::vector<const Candidate*> pairs;
  std::int64_t places = 0, widest = 1, volunteers = 0;
  for (std::size_t i = 0; i < slice.size(); ++i) {
    places += shifts[slice[i]].headcount;
    for (const Candidate& c : pool_.Of(slice[i])) {
      if (!Fits(c.volunteer, slice[i])) continue;
      if (node_of_[c.volunteer] < 0) node_of_[c.volunteer] = 0, ++volunteers;
      arcs.push_back({c.volunteer, int(i), c.cost});
      pairs.push_back(&c);
      widest = std::max(widest, c.cost);
    }
  }
  for (int s : slice) in_slice_[s] = 0;
  for (const AssignmentArc& a : arcs) node_of_[a.left] = -1;
  places = std::min(places, volunteers);
  // One unit of priority must outweigh the cost of every assignment of the neighbourhood.
  long double weight = static_cast<long double>(widest) * (places + 1) + 1;
  if (arcs.empty() ||
      weight * 100 * (places + 4) * 4 >= static_cast<long double>(std::int64_t{1} << 61)) {
    return false;
  }
  std::vector<std::int64_t> capacity, reward;
  for (int s : slice) {
    capacity.push_back(shifts[s].headcount);
    reward.push_back(shifts[s].priority * static_cast<std::int64_t>(weight));
  }
  std::optional<std::vector<char>> chosen = SolveAssignment(arcs, capacity, reward);
  if (!chosen) return false;
  std::vector<std::vector<Candidate>> crews(slice.size());
  for (std::size_t j = 0; j < arcs.size(); ++j) {
    if ((*chosen)[j]) crews[std::size_t(arcs[j].right)].push_back(*pairs[j]);
  }
  return AcceptIfBetter(slice, std::move(crews));
}

bool SliceSearch::AcceptIfBetter(const std::vector<int>& slice,
                                 std::vector<std::vector<Candidate>> crews) {
  std::vector<std::vector<Candidate>> old;
  for (int s : slice) old.push_back(crew_[s]);
  auto [old_coverage, old_cost] = Totals(model_, slice, old);
  auto [new_coverage, new_cost] = Totals(model_, slice, crews);
  // Equal plans keep the old crews, so that sweeps end.
  if (new_coverage < old_coverage || (new_coverage == old_coverage && new_cost >= old_cost)) {
    return false;
  }
  coverage_ += new_coverage - old_coverage;
  cost_ += new_cost - old_cost;
  Apply(slice, std::move(crews));
  return true;
}

void SliceSearch::Apply(const std::vector<int>& slice, std::vector<std::vector<Candidate>> crews) {
  for (std::size_t i = 0; i < slice.size(); ++i) {
    int s = slice[i];
    for (const Candidate& c : crew_[s]) {
      auto& mine = schedule_[c.volunteer];
      mine.erase(std::find(mine.begin(), mine.end(), s));
      Touch(c.volunteer);
    }
    crew_[s] = std::move(crews[i]);
    for (const Candidate& c : crew_[s]) {
      schedule_[c.volunteer].push_back(s);
      Touch(c.volunteer);
    }
  }
}

void SliceSearch::Reset(const std::vector<std::pair<int, int>>& pairs) {
  for (auto& crew : crew_) crew.clear();
  for (auto& mine : schedule_) mine.clear();
  coverage_ = cost_ = 0;
  for (auto [s, v] : pairs) Join(s, *pool_.Find(v, s));
  std::fill(solved_at_.begin(), solved_at_.end(), 0);
}

bool SliceSearch::Sweep() {
  if (pool_.size() != pool_size_) {
    pool_size_ = pool_.size();
    std::fill(solved_at_.begin(), solved_at_.end(), 0);
  }
  bool improved = false;
  for (std::size_t i = 0; i < slices_.size(); ++i) {
    // A slice whose volunteers are all as they were when it was solved would come out the same.
    if (solved_at_[i] > 0 && !Dirty(i)) continue;
    if (SolveSlice(slices_[i])) improved = true;
    solved_at_[i] = ++clock_;
  }
  return improved;
}

int SliceSearch::SweepUntilStable(int max_sweeps) {
  int sweeps = 0;
  while (sweeps < max_sweeps) {
    ++sweeps;
    if (!Sweep()) break;
  }
  return sweeps;
}

std::vector<std::pair<int, int>> SliceSearch::Pairs() const {
  std::vector<std::pair<int, int>> pairs;
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (const Candidate& c : crew_[s]) pairs.push_back({s, c.volunteer});
  }
  return pairs;
}

}  // namespace muster::dispatch
