#include "dispatch/engine.h"

#include <algorithm>
#include <chrono>

#include "dispatch/explain.h"
#include "dispatch/flow_solver.h"
#include "dispatch/general_solver.h"
#include "dispatch/model.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {

Bound Evaluate(const Instance& instance, const std::vector<std::pair<int, int>>& pairs) {
  Model model(instance);
  Bound total;
  for (auto [s, v] : pairs) {
    total.coverage += instance.shifts[s].priority;
    total.cost += model.Cost(v, s);
  }
  return total;
}

Plan Solve(const Instance& instance, const SolveOptions& options) {
  auto started = std::chrono::steady_clock::now();
  Model model(instance);
  VolunteerGrid homes(instance);
  std::optional<Solution> solution;
  if (std::optional<SlotGrid> grid = FindSlotGrid(model)) {
    solution = SolveSlotFlow(model, *grid, homes, options.progress);
  }
  if (!solution) solution = SolveGeneral(model, homes, options.progress);

  Plan plan;
  plan.method = solution->method;
  std::vector<std::int64_t> filled(instance.shifts.size(), 0);
  for (auto [s, v] : solution->pairs) {
    plan.assignments.push_back({instance.shifts[s].id, instance.volunteers[v].id});
    plan.coverage += instance.shifts[s].priority;
    plan.cost += model.Cost(v, s);
    ++filled[s];
  }
  std::sort(plan.assignments.begin(), plan.assignments.end(),
            [](const Assignment& a, const Assignment& b) {
              return a.shift != b.shift ? a.shift < b.shift : a.volunteer < b.volunteer;
            });
  // An exact method proves its own plan optimal.
  plan.bound = solution->bound ? *solution->bound : Bound{plan.coverage, plan.cost};
  plan.unfilled = ExplainUnfilled(model, filled);
  plan.solve_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  return plan;
}

}  // namespace muster::dispatch
