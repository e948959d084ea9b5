#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/candidate_pool.h"
#include "dispatch/model.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/slice_search.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// One schedule of the cost bound's last master LP and its value there (0 < value <= 1).
struct ScheduleValue {
  int volunteer = 0;
  std::vector<int> shifts;
  double value = 0;
};

// Returns a proven lower bound on the cost of every feasible plan whose coverage is at least that
// of `plan`, over every usable pair of the instance (not only the pool's).
//
// Lagrangian relaxation of the headcounts and of the coverage target C: with a price n(s) per
// place of each shift that some volunteer may take (the set F), P = sum over F of priority x
// headcount, and mu = max(0, max over F of n(s) / priority(s)),
//   cost >= sum_F n(s) headcount(s) - sum_v max over v's schedules of sum (n(s) - c(v, s))
//           - mu (P - C),
// the schedules being those of BestSchedule (a relaxation). Pairs with c(v, s) >= n(s) never
// count, so before each evaluation the pool is grown (CandidatePool::AddWithin) by every pair
// cheaper than its shift's price: the bound then holds for all pairs. The prices are the duals
// of a column generation over the pool's schedules (the LP relaxation of the plan's program, on
// CLP), started from the plan's schedules; the pool grows with the pairs each settled master's
// duals price in, until none does. The bound holds whatever the LP ends with. Exact integer
// arithmetic. Deterministic. With `lp`, sets it to the schedules of the last master LP's
// solution (a cheap fractional plan covering as much as `plan`, see RoundCostLp). The LP's
// solves stop after `max_work` simplex iterations x rows in all; the prices of the basis then
// reached are certified like any others, and a subgradient method from prices read off the plan
// (a few pricing rounds) takes the bound on, the higher kept.
inline constexpr std::int64_t kCostBoundWork = 4'000'000'000;
std::int64_t CostBound(const Model& model, const ShiftTimes& times, CandidatePool& pool,
                       const SliceSearch& plan, const ProgressFn& progress,
                       std::vector<ScheduleValue>* lp = nullptr,
                       std::int64_t max_work = kCostBoundWork);

}  // namespace muster::dispatch
