#pragma once

#include <utility>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// Improves a feasible plan, given as (shift, volunteer) index pairs, region by region: the
// shifts whose sites lie in one tile of a grid over the sites, the volunteers working them (with
// all their shifts) and the idle volunteers living nearby form a smaller instance, whose places
// are those the rest of the plan leaves; the schedule program's cost stage, started from their
// present plan, finds the cheapest plan covering at least as much, which replaces theirs when
// it costs less. `passes` 2 adds a second grid shifted by half a tile. Never makes the plan
// worse lexicographically. Deterministic.
std::vector<std::pair<int, int>> PolishByRegions(const Model& model,
                                                 std::vector<std::pair<int, int>> pairs, int passes,
                                                 const ProgressFn& progress);

}  // namespace muster::dispatch
