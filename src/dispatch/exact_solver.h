#pragma once

#include "dispatch/model.h"
#include "dispatch/solution.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {

// Solves an instance whose shifts overlap or differ in length as an integer program on GLPK: binary
// x(v, s) for eligible pairs; per shift at most headcount; per volunteer at most one shift at any
// instant (one row per start time where shifts overlap) and at most max hours per calendar day.
// Coverage is maximised first, then cost at that coverage, each as its own program. Small programs
// are solved to optimality ("exact_small"); large ones on candidate pairs grown by LP pricing, with
// the bound of the full LP relaxation reported ("heuristic_bounded"). Meant for small instances:
// branch and bound has a fixed node budget, so large ones end with the best plan found and the LP
// bound.
Solution SolveIntegerProgram(const Model& model, const VolunteerGrid& homes,
                             const ProgressFn& progress);

}  // namespace muster::dispatch
