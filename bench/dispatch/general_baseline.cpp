#include "dispatch/general_baseline.h"

#include <cmath>

#include "dispatch/integer_program.h"
#include "dispatch/model.h"

namespace muster::bench {

namespace {

std::vector<dispatch::Pair> UsablePairs(const dispatch::Model& model) {
  const dispatch::Instance& instance = model.instance();
  std::vector<dispatch::Pair> pairs;
  for (int s = 0; s < model.shift_count(); ++s) {
    if (instance.shifts[s].headcount <= 0) continue;
    for (int v = 0; v < model.volunteer_count(); ++v) {
      if (model.Duration(s) <= instance.volunteers[v].max_seconds_per_day && model.Eligible(v, s)) {
        pairs.push_back({v, s, model.Cost(v, s)});
      }
    }
  }
  return pairs;
}

}  // namespace

std::pair<std::int64_t, std::int64_t> LpBounds(const dispatch::Instance& instance,
                                               std::int64_t coverage) {
  dispatch::Model model(instance);
  dispatch::IntegerProgram program(model, UsablePairs(model));
  program.SetStage(std::nullopt);
  std::optional<double> most = program.SolveRelaxation();
  program.SetStage(coverage);
  std::optional<double> least = program.SolveRelaxation();
  return {most ? std::int64_t(std::floor(*most + 1e-6)) : -1,
          least ? std::int64_t(std::ceil(*least - 1e-6)) : -1};
}

BaselineResult SolveWithGlpk(const dispatch::Instance& instance, int seconds) {
  dispatch::Model model(instance);
  std::vector<dispatch::Pair> pairs = UsablePairs(model);
  BaselineResult result{0, 0, 0, 0, "none"};
  dispatch::IntegerProgram program(model, pairs);
  program.SetStage(std::nullopt);
  std::optional<double> relaxed = program.SolveRelaxation();
  if (!relaxed) return result;
  result.coverage_bound = std::int64_t(std::floor(*relaxed + 1e-6));
  bool proven = false;
  std::optional<std::vector<dispatch::Pair>> found =
      program.SolveInteger(1 << 30, &proven, seconds * 1000);
  if (!found) return result;
  for (const dispatch::Pair& p : *found) result.coverage += instance.shifts[p.shift].priority;
  program.SetStage(result.coverage);
  if (std::optional<double> cost_lp = program.SolveRelaxation()) {
    result.cost_bound = std::int64_t(std::ceil(*cost_lp - 1e-6));
    bool cost_proven = false;
    if (auto cheaper = program.SolveInteger(1 << 30, &cost_proven, seconds * 1000)) {
      found = cheaper;
      proven = proven && cost_proven;
    } else {
      proven = false;
    }
  }
  for (const dispatch::Pair& p : *found) result.cost += p.cost;
  result.status = proven ? "optimal" : "limit";
  return result;
}

}  // namespace muster::bench
