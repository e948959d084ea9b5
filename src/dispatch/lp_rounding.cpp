#include "dispatch/lp_rounding.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace muster::dispatch {
namespace {

// Returns the shifts of `schedule` that volunteer v can work together, earliest first.
std::vector<int> Trim(const Model& model, int v, std::vector<int> schedule) {
  const auto& shifts = model.instance().shifts;
  std::sort(schedule.begin(), schedule.end(),
            [&](int a, int b) { return shifts[a].starts_at < shifts[b].starts_at; });
  std::vector<int> kept;
  for (int s : schedule) {
    std::int64_t hours = model.Duration(s);
    bool fits = true;
    for (int o : kept) {
      if (shifts[o].starts_at < shifts[s].ends_at && shifts[s].starts_at < shifts[o].ends_at)
        fits = false;
      if (model.ShiftDay(o) == model.ShiftDay(s)) hours += model.Duration(o);
    }
    if (fits && hours <= model.instance().volunteers[v].max_seconds_per_day) kept.push_back(s);
  }
  return kept;
}

// Chooses how many volunteers of each class work each column: per class, column indices.
std::vector<std::vector<int>> ChooseColumns(const Model& model, const CoverageLp& lp) {
  const auto& shifts = model.instance().shifts;
  std::vector<std::int64_t> room(shifts.size());
  for (std::size_t s = 0; s < shifts.size(); ++s) room[s] = shifts[s].headcount;
  std::vector<std::int64_t> free(lp.members.size());
  for (std::size_t k = 0; k < lp.members.size(); ++k) free[k] = std::int64_t(lp.members[k].size());
  std::vector<std::size_t> order(lp.columns.size());
  for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return lp.columns[a].value > lp.columns[b].value;
  });
  std::vector<std::vector<int>> chosen(lp.members.size());
  auto take = [&](std::size_t j, std::int64_t copies) {
    const CoverageLp::Column& c = lp.columns[j];
    copies = std::min(copies, free[std::size_t(c.klass)]);
    for (int s : c.shifts) copies = std::min(copies, room[s]);
    for (std::int64_t i = 0; i < copies; ++i) chosen[std::size_t(c.klass)].push_back(int(j));
    free[std::size_t(c.klass)] -= std::max<std::int64_t>(copies, 0);
    for (int s : c.shifts) room[s] -= std::max<std::int64_t>(copies, 0);
  };
  for (std::size_t j : order) take(j, std::int64_t(std::floor(lp.columns[j].value + 1e-9)));
  for (std::size_t j : order) {
    if (lp.columns[j].value > 1e-9) take(j, 1);
  }
  return chosen;
}

}  // namespace

std::vector<std::pair<int, int>> RoundCoverageLp(const Model& model, const CoverageLp& lp) {
  std::vector<std::vector<int>> chosen = ChooseColumns(model, lp);
  std::vector<std::pair<int, int>> pairs;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const std::vector<int>& members = lp.members[k];
    std::vector<char> used(members.size(), 0);
    for (int j : chosen[k]) {
      const std::vector<int>& schedule = lp.columns[std::size_t(j)].shifts;
      std::size_t best = members.size();
      std::int64_t best_cost = std::numeric_limits<std::int64_t>::max();
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (used[i]) continue;
        std::int64_t cost = 0;
        for (int s : schedule) cost += model.Cost(members[i], s);
        if (cost < best_cost) best = i, best_cost = cost;
      }
      if (best == members.size()) break;
      used[best] = 1;
      for (int s : Trim(model, members[best], schedule)) pairs.push_back({s, members[best]});
    }
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

std::vector<std::pair<int, int>> RoundCostLp(const Model& model,
                                             const std::vector<ScheduleValue>& lp) {
  const auto& shifts = model.instance().shifts;
  std::vector<double> per_place(lp.size(), 0);
  for (std::size_t j = 0; j < lp.size(); ++j) {
    std::int64_t cost = 0, places = 0;
    for (int s : lp[j].shifts) cost += model.Cost(lp[j].volunteer, s), ++places;
    per_place[j] = places > 0 ? double(cost) / double(places) : 0;
  }
  std::vector<std::size_t> order(lp.size());
  for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (lp[a].value != lp[b].value) return lp[a].value > lp[b].value;
    return per_place[a] < per_place[b];
  });
  std::vector<std::int64_t> room(shifts.size());
  for (std::size_t s = 0; s < shifts.size(); ++s) room[s] = shifts[s].headcount;
  std::vector<char> busy(model.instance().volunteers.size(), 0);
  std::vector<std::pair<int, int>> pairs;
  for (std::size_t j : order) {
    int v = lp[j].volunteer;
    if (busy[std::size_t(v)]) continue;
    bool took = false;
    for (int s : Trim(model, v, lp[j].shifts)) {
      if (room[std::size_t(s)] <= 0) continue;
      --room[std::size_t(s)];
      pairs.push_back({s, v});
      took = true;
    }
    busy[std::size_t(v)] = took;
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace muster::dispatch
