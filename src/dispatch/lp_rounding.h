#pragma once

#include <utility>
#include <vector>

#include "dispatch/coverage_bound.h"
#include "dispatch/model.h"

namespace muster::dispatch {

// Returns a feasible plan, as (shift, volunteer) pairs, rounded from the coverage LP: the whole
// part of each schedule's value first, then one more of each fractional schedule while headcounts
// and class sizes allow. Each class's schedules go to its members, the cheapest member for each
// schedule in turn; a schedule one volunteer cannot work exactly (the LP counts whole units and
// lets days overlap at midnight) drops shifts until it fits. Deterministic.
std::vector<std::pair<int, int>> RoundCoverageLp(const Model& model, const CoverageLp& lp);

}  // namespace muster::dispatch
