#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/schedule_search.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// What SolveSchedules may spend. Every limit is a count, not a time, so that runs repeat.
struct ScheduleBudget {
  std::int64_t max_pairs = 80'000;          // usable pairs; beyond, nothing is tried
  std::int64_t max_columns = 400'000;       // schedules held by the program
  std::int64_t search_nodes = 200'000'000;  // steps of the schedule searches, all rounds
  int mip_nodes = 3000;                     // branch-and-bound nodes per integer program
  bool complete = true;  // whether a stage may add the schedules that could beat its plan
  bool pump = true;      // whether GLPK's search with its feasibility pump may run
};

// Solves a general instance as a set-packing integer program over schedules on GLPK
// (docs/dispatch.md, "Small and medium instances: the schedule program"): a column is a set of
// shifts one volunteer can work on one day (no overlap, within the cap), or on several days
// when its shifts cross midnight; rows are the shifts' headcounts and one choice per volunteer
// and day. Coverage first, then cost at the optimal coverage. Each stage generates columns by
// exact pricing, which gives a Lagrangian bound over every schedule; dives in the LP for a plan
// (and runs GLPK's search in the coverage stage); and, when the plan does not meet the bound,
// adds every schedule whose reduced cost could still lead to a better plan and solves the
// integer program on those. Returns method "exact_small" when both stages are proven, else
// "heuristic_bounded" with the bounds proven so far (the cost bound holds for every plan
// covering at least as much as the returned plan); nothing when the instance exceeds `budget`
// before a plan is found. Deterministic.
std::optional<Solution> SolveSchedules(const Model& model, const ScheduleBudget& budget,
                                       const ProgressFn& progress);

// Runs the schedule program's cost stage alone, from the feasible `plan` ((shift, volunteer)
// pairs) and at its coverage: returns the cheapest plan found among those covering at least as
// much (never dearer than `plan`), method "exact_small" when proven the cheapest. With
// `allowed`, only the usable pairs it allows are considered ("cheapest" then among plans of
// those pairs). Nothing when the instance exceeds `budget`. REQUIRES: `allowed` allows every
// pair of `plan`. Deterministic.
std::optional<Solution> ImproveCost(const Model& model,
                                    const std::vector<std::pair<int, int>>& plan,
                                    const ScheduleBudget& budget,
                                    const PairFilter& allowed = nullptr);

}  // namespace muster::dispatch
