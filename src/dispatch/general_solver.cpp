#include "dispatch/general_solver.h"

#include <algorithm>
#include <memory>
#include <string>

#include "dispatch/candidate_pool.h"
#include "dispatch/cost_bound.h"
#include "dispatch/coverage_bound.h"
#include "dispatch/exact_solver.h"
#include "dispatch/lp_rounding.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/slice_search.h"

namespace muster::dispatch {
namespace {

// Up to this many usable pairs the integer program is tried first: GLPK closes such programs in
// well under a second, which makes small plans exactly optimal.
constexpr std::int64_t kExactPairs = 2500;
// Pairs are counted only where volunteers x shifts stays below this.
constexpr std::int64_t kCountLimit = 4'000'000;
// Each shift first offers its 3 x headcount + 6 cheapest usable volunteers to the search.
constexpr std::int64_t kNearestPerPlace = 3;
constexpr std::int64_t kNearestExtra = 6;
constexpr int kMaxSweeps = 12;
constexpr int kImproveRounds = 4;
constexpr int kFinalSweeps = 3;
constexpr std::int64_t kFullFinalSize = 20'000'000;  // volunteers x shifts

std::int64_t CountUsablePairs(const Model& model, const CandidatePool& pool) {
  std::int64_t pairs = 0;
  for (int s = 0; s < model.shift_count() && pairs <= kExactPairs; ++s) {
    for (int v = 0; v < model.volunteer_count(); ++v) pairs += pool.Usable(v, s);
  }
  return pairs;
}

// Alternates slice sweeps and chains into short shifts until neither improves, then (when
// `exchange`) day exchanges too; returns the sweeps made.
int Improve(SliceSearch& search, bool exchange) {
  int sweeps = 0;
  for (int round = 0; round < kImproveRounds; ++round) {
    sweeps += search.SweepUntilStable(kMaxSweeps);
    if (search.FillShortShifts() > 0) continue;
    if (!exchange || !search.ExchangeDays()) break;
  }
  return sweeps;
}

void Say(const ProgressFn& progress, const std::string& line) {
  if (progress) progress(line);
}

}  // namespace

Solution SolveBounded(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress) {
  CandidatePool pool(model, homes);
  std::vector<std::int64_t> nearest(model.shift_count());
  for (int s = 0; s < model.shift_count(); ++s) {
    nearest[s] = kNearestPerPlace * model.instance().shifts[s].headcount + kNearestExtra;
  }
  pool.AddNearest(nearest);
  auto search = std::make_unique<SliceSearch>(model, pool);
  int sweeps = Improve(*search, false);
  Say(progress, "slice search: coverage " + std::to_string(search->coverage()) + ", cost " +
                    std::to_string(search->cost()) + " after " + std::to_string(sweeps) +
                    " sweeps on " + std::to_string(pool.size()) + " pairs");
  ShiftTimes times(model);
  CoverageLp lp = CoverageBound(model, times, search->Schedules(), search->coverage(), progress);
  // The LP knows which mix of schedules reaches most coverage; its rounding, improved by the
  // same moves, replaces the plan when it covers more.
  std::vector<std::pair<int, int>> rounded = RoundCoverageLp(model, lp);
  pool.AddPairs(rounded);
  auto alternative = std::make_unique<SliceSearch>(model, pool);
  alternative->Reset(rounded);
  // Day exchanges give each class's schedules to the right members.
  Improve(*alternative, true);
  Say(progress, "LP rounding: coverage " + std::to_string(alternative->coverage()) + ", cost " +
                    std::to_string(alternative->cost()));
  if (alternative->coverage() > search->coverage() ||
      (alternative->coverage() == search->coverage() && alternative->cost() < search->cost())) {
    search = std::move(alternative);
  }
  std::int64_t coverage = search->coverage();
  std::int64_t cost_bound = CostBound(model, times, pool, *search, progress);
  // Pricing grew the pool with every pair the bound found useful: the search may use them. Full
  // rounds gain about 0.3% of cost; on city-scale instances they take a minute, so those get one
  // short round.
  if (std::int64_t{model.volunteer_count()} * model.shift_count() <= kFullFinalSize) {
    Improve(*search, true);
  } else {
    search->SweepUntilStable(kFinalSweeps);
    search->ExchangeDays();
  }
  if (search->coverage() != coverage) cost_bound = CostBound(model, times, pool, *search, progress);
  Say(progress, "plan: coverage " + std::to_string(search->coverage()) + " of at most " +
                    std::to_string(lp.bound) + ", cost " + std::to_string(search->cost()) +
                    " of at least " + std::to_string(cost_bound));
  bool within = double(search->coverage()) >= (1 - kTargetGap) * double(lp.bound) &&
                double(search->cost()) <= (1 + kTargetGap) * double(cost_bound);
  return Solution{search->Pairs(), Bound{lp.bound, cost_bound},
                  within ? "bounded" : "heuristic_bounded"};
}

namespace {

std::pair<std::int64_t, std::int64_t> Totals(const Model& model, const Solution& solution) {
  std::int64_t coverage = 0, cost = 0;
  for (auto [s, v] : solution.pairs) {
    coverage += model.instance().shifts[s].priority;
    cost += model.Cost(v, s);
  }
  return {coverage, cost};
}

// Returns the better plan of the integer program's `exact` and the search's `bounded`, with the
// tighter bounds. The search's cost bound holds for every plan covering at least its own plan,
// hence at least the better plan; the integer program's only for plans of its coverage bound.
Solution Better(const Model& model, Solution exact, Solution bounded) {
  auto [coverage_a, cost_a] = Totals(model, exact);
  auto [coverage_b, cost_b] = Totals(model, bounded);
  bool b_wins = coverage_b > coverage_a || (coverage_b == coverage_a && cost_b < cost_a);
  Bound bound = *bounded.bound;
  Solution best = b_wins ? std::move(bounded) : std::move(exact);
  auto [coverage, cost] = Totals(model, best);
  if (std::optional<Bound> lp = b_wins ? std::nullopt : best.bound) {
    bound.coverage = std::min(bound.coverage, lp->coverage);
    if (lp->coverage == coverage) bound.cost = std::max(bound.cost, lp->cost);
  }
  best.bound = bound;
  bool within = double(coverage) >= (1 - kTargetGap) * double(bound.coverage) &&
                double(cost) <= (1 + kTargetGap) * double(bound.cost);
  best.method = within ? "bounded" : "heuristic_bounded";
  return best;
}

}  // namespace

Solution SolveGeneral(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress) {
  CandidatePool counter(model, homes);
  if (std::int64_t{model.volunteer_count()} * model.shift_count() <= kCountLimit &&
      CountUsablePairs(model, counter) <= kExactPairs) {
    Solution exact = SolveIntegerProgram(model, homes, progress);
    if (exact.method == "exact_small") return exact;
    return Better(model, std::move(exact), SolveBounded(model, homes, progress));
  }
  return SolveBounded(model, homes, progress);
}

}  // namespace muster::dispatch
