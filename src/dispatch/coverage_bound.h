#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// Returns a proven upper bound on the coverage of every feasible plan, over every usable pair,
// with the LP behind it (a starting point for plans, see RoundCoverageLp).
//
// Lagrangian relaxation of the headcounts: for multipliers 0 <= l(s) <= priority(s),
//   coverage <= sum_s l(s) headcount(s) + sum_v max over v's schedules of sum (priority - l)(s),
// where a schedule is a set of shifts v could work (DP of BestSchedule, itself a relaxation).
// Volunteers who may take the same shifts under the same cap solve the same subproblem, so they
// are grouped into classes first. The multipliers are the duals of a column generation over the
// classes' schedules (GLPK), which stops at `target` (the coverage of a known plan) or when the
// LP has nothing left to gain; each evaluation is exact integer arithmetic, so the bound holds
// whatever multipliers the LP ends with. `schedules` (per volunteer, the shifts of a known
// feasible plan of coverage `target`) seed the LP. Deterministic.
// The coverage bound and the LP it came from: per class of interchangeable volunteers its
// members, and the schedules of the last LP with how many of the class work each (fractional).
struct CoverageLp {
  struct Column {
    int klass = 0;
    std::vector<int> shifts;
    double value = 0;
  };
  std::int64_t bound = 0;
  std::vector<std::vector<int>> members;
  std::vector<Column> columns;
};

CoverageLp CoverageBound(const Model& model, const ShiftTimes& times,
                         const std::vector<std::vector<int>>& schedules, std::int64_t target,
                         const ProgressFn& progress);

}  // namespace muster::dispatch
