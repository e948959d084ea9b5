#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/plan.h"

namespace muster::dispatch {

// Returns, for every shift whose `filled[s]` is below its headcount, the number of missing places
// and the first rule that leaves no volunteer, in the order a coordinator would relax them: skills,
// availability at that time, consent to high risk, age range, daily hours; when some volunteer
// passes them all, the reason is that every eligible volunteer is already used. Sorted by shift id.
std::vector<Unfilled> ExplainUnfilled(const Model& model, const std::vector<std::int64_t>& filled);

}  // namespace muster::dispatch
