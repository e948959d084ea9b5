#pragma once

#include "dispatch/instance.h"
#include "dispatch/plan.h"
#include "dispatch/solution.h"

namespace muster::dispatch {

// Tuning that never changes which plans are optimal.
struct SolveOptions {
  // Called with a sentence at each stage of a solve (e.g. "flow round 2: ..."); may be empty.
  ProgressFn progress;
};

// Solves `instance` (shared/spec/DISPATCH.md): maximal coverage, then minimal cost. Slot-aligned
// instances are solved exactly as a min-cost flow ("flow_exact"); other instances exactly when
// small ("exact_small"), otherwise with a proven bound, "bounded" when the plan is within 0.5% of
// it and "heuristic_bounded" when not (docs/dispatch.md). Deterministic: the same instance gives
// the same assignments. The plan's coverage and cost are those of its assignments; every shift
// below headcount is explained.
Plan Solve(const Instance& instance, const SolveOptions& options = {});

// Returns the coverage and cost of the pairs (shift index, volunteer index) of `instance`.
Bound Evaluate(const Instance& instance, const std::vector<std::pair<int, int>>& pairs);

}  // namespace muster::dispatch
