#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/candidate_pool.h"
#include "dispatch/model.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/slice_search.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// The prices a cost bound ended with, to go on from: the best certified prices (every pair
// cheaper than its shift's price is in the pool) and the subgradient's step scale.
struct CostPrices {
  std::vector<std::int64_t> prices;  // per shift; empty: start from the plan
  double scale = 1.0;
  // Whether the step scale carries over from one pricing round to the next (else each round
  // starts at full scale and halves after fewer steps without progress). Either rule can give
  // the higher bound: kept, the one-day city of seed 7 reaches 193.5 M instead of 188.4 M; at
  // full scale, the 2,000 x 400 city 30,870,512 instead of 30,855,420.
  bool keep_scale = true;
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
// count, so before each certified evaluation the pool is grown (CandidatePool::AddWithin) by
// every pair cheaper than its shift's price: the bound then holds for all pairs. Prices follow a
// subgradient method aimed at the plan's cost, started from `state` when it holds prices for
// every shift (a bound computed before for the same coverage, now aimed at a cheaper plan), else
// from the plan's crews; `state`, when given, receives the prices and scale it ended with. The
// bound holds whatever the start. Exact integer arithmetic. Deterministic.
std::int64_t CostBound(const Model& model, const ShiftTimes& times, CandidatePool& pool,
                       const SliceSearch& plan, const ProgressFn& progress,
                       CostPrices* state = nullptr);

}  // namespace muster::dispatch
