#pragma once

#include <cstdint>
#include <string>

#include "dispatch/instance.h"

namespace muster::bench {

// What GLPK reaches on the full integer program of a general instance.
struct BaselineResult {
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
  std::int64_t coverage_bound = 0;  // floor of the LP relaxation
  std::int64_t cost_bound = 0;
  std::string status;  // "optimal", "limit" (time ran out) or "none" (no plan found)
};

// Solves `instance` the plain way: every usable pair a binary column, the engine's rows
// (dispatch/integer_program.h), branch and bound on GLPK for at most `seconds` per stage
// (coverage, then cost at that coverage).
BaselineResult SolveWithGlpk(const dispatch::Instance& instance, int seconds);

// Returns the LP relaxation of the same program: the coverage optimum (floored) and the cost
// optimum among fractional plans of coverage at least `coverage` (ceiled); a cross-check of the
// engine's Lagrangian bounds, which can only be tighter.
std::pair<std::int64_t, std::int64_t> LpBounds(const dispatch::Instance& instance,
                                               std::int64_t coverage);

}  // namespace muster::bench
