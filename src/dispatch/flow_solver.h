#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/solution.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {

// The slots of a slot-aligned instance: every shift lasts `length` seconds and all start times are
// congruent modulo `length`, so two shifts either coincide in time or do not overlap.
struct SlotGrid {
  std::int64_t length = 0;
  std::vector<int> shift_slot;         // slot index of each shift
  std::vector<std::int64_t> slot_day;  // calendar day of each slot
};

// Returns the slot grid of the model's instance, or nothing when shifts differ in length or are
// not aligned (the instance is then a general integer program).
std::optional<SlotGrid> FindSlotGrid(const Model& model);

// Solves a slot-aligned instance exactly as a min-cost flow with the lexicographic objective folded
// into the costs. Only a sparse set of candidate arcs (nearest eligible volunteers per shift) is
// built; the node potentials of each solve price every excluded pair, through the spatial grid, and
// pairs with negative reduced cost join until none remains, which proves optimality on the full
// graph. Returns nothing when the folded costs could overflow 64 bits (then use the general
// solver). `model`, `grid` and `homes` must describe the same instance.
std::optional<Solution> SolveSlotFlow(const Model& model, const SlotGrid& grid,
                                      const VolunteerGrid& homes, const ProgressFn& progress);

}  // namespace muster::dispatch
