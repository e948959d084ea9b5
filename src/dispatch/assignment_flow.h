#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace muster::dispatch {

// A possible assignment of left item `left` (any id >= 0) to right item `right` at `cost`.
struct AssignmentArc {
  int left = 0;
  int right = 0;
  std::int64_t cost = 0;
};

// Solves a b-matching exactly as a min-cost flow (LEMON NetworkSimplex): each left item takes at
// most one arc, right item r at most capacity[r] arcs, maximising the sum over chosen arcs of
// reward[r] - cost. Returns per arc whether it is chosen, or nothing if the solver failed.
// REQUIRES: |sums| of rewards and costs far below 2^62 (callers check their folded weights).
// Deterministic: the same arcs in the same order give the same answer.
std::optional<std::vector<char>> SolveAssignment(const std::vector<AssignmentArc>& arcs,
                                                 const std::vector<std::int64_t>& capacity,
                                                 const std::vector<std::int64_t>& reward);

}  // namespace muster::dispatch
