#pragma once

#include "dispatch/model.h"
#include "dispatch/solution.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {

// Solves an instance whose shifts overlap or differ in length (docs/dispatch.md, "General
// instances"). Instances with few usable pairs go to the integer program on GLPK and come back
// proven optimal ("exact_small"). The others, and small ones that branch and bound does not
// close, get the best plan of a large-neighbourhood search whose neighbourhoods are min-cost
// flows, and a bound proven by Lagrangian relaxation over every usable pair
// ("heuristic_bounded"): no plan covers more than bound.coverage, and no plan covering at least
// as much as the returned plan costs less than bound.cost. Deterministic.
Solution SolveGeneral(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress);

// The large-instance path of SolveGeneral on its own (no integer program), whatever the size:
// the plan of the search and the Lagrangian bound. Method "bounded" when the plan is within
// kTargetGap of the bound on both coverage and cost, else "heuristic_bounded". Exposed so that
// tests can compare it with exact optima on small instances.
Solution SolveBounded(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress);

// The contract's tolerance for large general instances: coverage at least 99.5% of the coverage
// bound and, at that coverage, cost at most 100.5% of the cost bound.
inline constexpr double kTargetGap = 0.005;

}  // namespace muster::dispatch
