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

}  // namespace muster::dispatch
