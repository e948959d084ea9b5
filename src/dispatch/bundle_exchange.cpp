#include <algorithm>

#include "dispatch/assignment_flow.h"
#include "dispatch/slice_search.h"

namespace muster::dispatch {
namespace {

// Each bundle is offered to its owner and at most this many other volunteers, the cheapest.
constexpr std::size_t kTakersPerBundle = 64;

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

}  // namespace

std::int64_t SliceSearch::BundleCost(int v, const std::vector<int>& bundle) const {
  const auto& shifts = model_.instance().shifts;
  std::int64_t cost = 0, hours = 0;
  for (int s : bundle) {
    const Candidate* c = pool_.Find(v, s);
    if (c == nullptr) return -1;
    cost += c->cost;
    hours += model_.Duration(s);
  }
  if (hours > model_.instance().volunteers[v].max_seconds_per_day) return -1;
  std::int64_t day = model_.ShiftDay(bundle[0]);
  for (int o : schedule_[v]) {
    if (model_.ShiftDay(o) == day) continue;
    for (int s : bundle) {
      if (Overlap(shifts[o], shifts[s])) return -1;
    }
  }
  return cost;
}

std::vector<AssignmentArc> SliceSearch::BundleTakers(
    const std::vector<int>& owners, const std::vector<std::vector<int>>& bundles) const {
  // The shortest pool list of a bundle is scanned and the others searched.
  std::vector<AssignmentArc> arcs;
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    int base = *std::min_element(bundles[b].begin(), bundles[b].end(), [&](int x, int y) {
      return pool_.Of(x).size() < pool_.Of(y).size();
    });
    std::vector<AssignmentArc> mine;
    for (const Candidate& c : pool_.Of(base)) {
      std::int64_t cost = BundleCost(c.volunteer, bundles[b]);
      if (cost >= 0) mine.push_back({c.volunteer, int(b), cost});
    }
    // The owner and the cheapest takers suffice for a good exchange and keep the flow small.
    std::sort(mine.begin(), mine.end(), [&](const AssignmentArc& x, const AssignmentArc& y) {
      bool x_owns = x.left == owners[b], y_owns = y.left == owners[b];
      if (x_owns != y_owns) return x_owns;
      return x.cost != y.cost ? x.cost < y.cost : x.left < y.left;
    });
    if (mine.size() > kTakersPerBundle) mine.resize(kTakersPerBundle);
    arcs.insert(arcs.end(), mine.begin(), mine.end());
  }
  return arcs;
}

bool SliceSearch::ExchangeDay(std::int64_t day) {
  std::vector<int> owners;
  std::vector<std::vector<int>> bundles;
  for (int v = 0; v < model_.volunteer_count(); ++v) {
    std::vector<int> mine;
    for (int s : schedule_[v]) {
      if (model_.ShiftDay(s) == day) mine.push_back(s);
    }
    if (mine.empty()) continue;
    std::sort(mine.begin(), mine.end());
    owners.push_back(v);
    bundles.push_back(std::move(mine));
  }
  if (bundles.size() < 2) return false;
  std::vector<AssignmentArc> arcs = BundleTakers(owners, bundles);
  std::int64_t old_cost = 0, widest = 1;
  for (std::size_t b = 0; b < bundles.size(); ++b) old_cost += BundleCost(owners[b], bundles[b]);
  for (const AssignmentArc& a : arcs) widest = std::max(widest, a.cost);
  // Every bundle must keep a volunteer: its reward outweighs any total cost.
  const std::int64_t n = std::int64_t(bundles.size());
  long double weight = static_cast<long double>(widest) * (n + 1) + 1;
  if (weight * (n + 4) * 4 >= static_cast<long double>(std::int64_t{1} << 61)) return false;
  std::optional<std::vector<char>> chosen =
      SolveAssignment(arcs, std::vector<std::int64_t>(bundles.size(), 1),
                      std::vector<std::int64_t>(bundles.size(), std::int64_t(weight)));
  if (!chosen) return false;
  std::vector<int> taker(bundles.size(), -1);
  std::int64_t new_cost = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (!(*chosen)[i]) continue;
    taker[std::size_t(arcs[i].right)] = arcs[i].left;
    new_cost += arcs[i].cost;
  }
  if (std::count(taker.begin(), taker.end(), -1) > 0 || new_cost >= old_cost) return false;
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    for (int s : bundles[b]) Leave(s, owners[b]);
  }
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    for (int s : bundles[b]) Join(s, *pool_.Find(taker[b], s));
  }
  return true;
}

bool SliceSearch::ExchangeDays() {
  std::vector<std::int64_t> days;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (!crew_[s].empty()) days.push_back(model_.ShiftDay(s));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  bool improved = false;
  for (std::int64_t day : days) improved = ExchangeDay(day) || improved;
  return improved;
}

}  // namespace muster::dispatch
