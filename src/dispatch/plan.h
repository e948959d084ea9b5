#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace muster::dispatch {

// One volunteer on one shift, by their ids in the instance.
struct Assignment {
  std::int64_t shift = 0;
  std::int64_t volunteer = 0;
  bool operator==(const Assignment&) const = default;
};

// Why a shift is below its headcount. `code` is stable for programs ("skills", "availability",
// "high_risk", "age", "daily_hours", "all_used"); `reason` is the sentence for a coordinator.
struct Unfilled {
  std::int64_t shift = 0;
  std::int64_t missing = 0;
  std::string code;
  std::string reason;
  bool operator==(const Unfilled&) const = default;
};

// A proven bound: no feasible plan has higher coverage, and none with that coverage costs less.
struct Bound {
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
  bool operator==(const Bound&) const = default;
};

// How a plan was found: "flow_exact" (slot-aligned, min-cost flow, optimal), "exact_small"
// (integer program solved to optimality), "bounded" (coverage at least 99.5% of bound.coverage and
// cost at most 100.5% of bound.cost) or "heuristic_bounded" (a proven bound, a wider gap). For the
// last two, bound.cost holds for every plan covering at least as much as this one.
struct Plan {
  std::vector<Assignment> assignments;  // sorted by shift id, then volunteer id
  std::int64_t coverage = 0;            // sum of the priorities of the assignments' shifts
  std::int64_t cost = 0;                // sum of c(v, s) over the assignments
  std::vector<Unfilled> unfilled;       // sorted by shift id
  std::optional<Bound> bound;
  std::string method;
  std::int64_t solve_ms = 0;

  // Returns whether the plan is proven optimal (its coverage and cost equal its bound).
  bool ProvenOptimal() const { return bound && bound->coverage == coverage && bound->cost == cost; }
};

// Serialises `plan` as the JSON of shared/spec/DISPATCH.md ("Plan"), plus "method".
std::string PlanToJson(const Plan& plan);

}  // namespace muster::dispatch
