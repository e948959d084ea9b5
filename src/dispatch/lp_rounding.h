#pragma once

#include <utility>
#include <vector>

#include "dispatch/cost_bound.h"
#include "dispatch/coverage_bound.h"
#include "dispatch/model.h"

namespace muster::dispatch {

// Returns a feasible plan, as (shift, volunteer) pairs, rounded from the coverage LP: the whole
// part of each schedule's value first, then one more of each fractional schedule while headcounts
// and class sizes allow. Each class's schedules go to its members, the cheapest member for each
// schedule in turn; a schedule one volunteer cannot work exactly (the LP counts whole units and
// lets days overlap at midnight) drops shifts until it fits. Deterministic.
std::vector<std::pair<int, int>> RoundCoverageLp(const Model& model, const CoverageLp& lp);

// Returns a feasible plan rounded from the cost bound's master LP (schedules of single
// volunteers): schedules by value, highest first (ties: cheaper per place first, then their
// order), each trimmed to what its volunteer can work exactly and taken, as far as headcounts
// allow, when its volunteer has none yet. Its coverage may fall short of the LP's; the search
// fills it. Deterministic.
std::vector<std::pair<int, int>> RoundCostLp(const Model& model,
                                             const std::vector<ScheduleValue>& lp);

}  // namespace muster::dispatch
