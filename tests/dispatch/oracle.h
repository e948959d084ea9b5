#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dispatch/instance.h"
#include "dispatch/plan.h"

// Reference implementations for the dispatch tests and the benchmark baseline, written from
// shared/spec/DISPATCH.md without the engine's code: eligibility, cost, a feasibility checker and
// two exact solvers.
namespace muster::dispatch::oracle {

struct Optimum {
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
  std::vector<Assignment> assignments;
};

// Returns whether volunteer index `v` may take shift index `s`.
bool Eligible(const Instance& instance, int v, int s);
// Returns c(v, s) for volunteer index `v` and shift index `s`.
std::int64_t Cost(const Instance& instance, int v, int s);

// Returns an empty string when `plan` is feasible for `instance` and its coverage, cost and
// unfilled list agree with its assignments; otherwise a description of the first problem.
std::string CheckPlan(const Instance& instance, const Plan& plan);

// Solves a slot-aligned instance with one arc for every eligible pair (LEMON NetworkSimplex).
// REQUIRES: all shifts have equal length and aligned starts.
Optimum FullFlow(const Instance& instance);

// Solves any instance by exhaustive search over eligible pairs. REQUIRES: few pairs (about 24).
Optimum Exhaustive(const Instance& instance);

}  // namespace muster::dispatch::oracle
