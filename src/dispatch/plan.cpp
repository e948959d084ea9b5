#include "dispatch/plan.h"

#include <nlohmann/json.hpp>

namespace muster::dispatch {

std::string PlanToJson(const Plan& plan) {
  // Written by hand rather than through a DOM: a city-wide plan has 10^5 assignments.
  std::string out = "{\n  \"assignments\": [";
  for (std::size_t i = 0; i < plan.assignments.size(); ++i) {
    const Assignment& a = plan.assignments[i];
    out += i == 0 ? "\n    " : ",\n    ";
    out += "{\"shift\": " + std::to_string(a.shift) +
           ", \"volunteer\": " + std::to_string(a.volunteer) + "}";
  }
  out += plan.assignments.empty() ? "],\n" : "\n  ],\n";
  out += "  \"coverage\": " + std::to_string(plan.coverage) + ",\n";
  out += "  \"cost\": " + std::to_string(plan.cost) + ",\n";
  out += "  \"unfilled\": [";
  for (std::size_t i = 0; i < plan.unfilled.size(); ++i) {
    const Unfilled& u = plan.unfilled[i];
    out += i == 0 ? "\n    " : ",\n    ";
    out += "{\"shift\": " + std::to_string(u.shift) +
           ", \"missing\": " + std::to_string(u.missing) +
           ", \"code\": " + nlohmann::json(u.code).dump() +
           ", \"reason\": " + nlohmann::json(u.reason).dump() + "}";
  }
  out += plan.unfilled.empty() ? "],\n" : "\n  ],\n";
  if (plan.bound) {
    out += "  \"bound\": {\"coverage\": " + std::to_string(plan.bound->coverage) +
           ", \"cost\": " + std::to_string(plan.bound->cost) + "},\n";
  }
  out += "  \"method\": " + nlohmann::json(plan.method).dump() + ",\n";
  out += "  \"solve_ms\": " + std::to_string(plan.solve_ms) + "\n}\n";
  return out;
}

}  // namespace muster::dispatch
