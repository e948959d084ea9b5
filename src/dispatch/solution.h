#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatch/plan.h"

namespace muster::dispatch {

// What a solver hands back to the engine: the chosen (shift index, volunteer index) pairs, the
// bound it proved, and how. The engine turns it into a Plan (ids, totals, explanations).
struct Solution {
  std::vector<std::pair<int, int>> pairs;
  std::optional<Bound> bound;
  std::string method;
};

// Reports solver progress as a sentence ("pricing round 3: 120 arcs added"); may be empty.
using ProgressFn = std::function<void(std::string_view)>;

}  // namespace muster::dispatch
