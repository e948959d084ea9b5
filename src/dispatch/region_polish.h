#pragma once

#include <utility>
#include <vector>

#include "dispatch/candidate_pool.h"
#include "dispatch/model.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// Improves a feasible plan, given as (shift, volunteer) index pairs, region by region. A region
// is a set of seed shifts, the volunteers working them (with all their shifts) and volunteers
// who could replace them; it forms a smaller instance whose places are those the rest of the
// plan leaves, and the schedule program's cost stage, started from the region's present plan,
// finds the cheapest plan covering at least as much, which replaces theirs when it costs less.
// Each pass takes two kinds of region in turn:
//   - paired: the shifts paired with one unit, with every volunteer paired with one of them
//     (unit or department) who may take it (with `pool`, who has a pool pair to it), living
//     anywhere;
//   - tiles: the shifts of one tile of a grid over the sites, with the idle volunteers living in
//     it (passes 2 to 4 shift the grid by half a tile along both axes, one, then the other).
// When `pool` is given, regions use only its pairs and the plan's (the pairs a cost bound found
// useful), so larger regions stay small programs. Never makes the plan worse lexicographically.
// Deterministic.
std::vector<std::pair<int, int>> PolishByRegions(const Model& model, const CandidatePool* pool,
                                                 std::vector<std::pair<int, int>> pairs, int passes,
                                                 const ProgressFn& progress);

}  // namespace muster::dispatch
