#include "dispatch/general_solver.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "dispatch/candidate_pool.h"
#include "dispatch/cost_bound.h"
#include "dispatch/coverage_bound.h"
#include "dispatch/lp_rounding.h"
#include "dispatch/region_polish.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/schedule_program.h"
#include "dispatch/slice_search.h"

namespace muster::dispatch {
namespace {

// Up to this many volunteers x shifts the schedule program is tried first (usable pairs are
// counted one by one).
constexpr std::int64_t kCountLimit = 4'000'000;
// Each shift first offers its 3 x headcount + 6 cheapest usable volunteers to the search.
constexpr std::int64_t kNearestPerPlace = 3;
constexpr std::int64_t kNearestExtra = 6;
constexpr int kMaxSweeps = 12;
constexpr int kImproveRounds = 4;
constexpr int kFinalSweeps = 3;
constexpr std::int64_t kFullFinalSize = 20'000'000;  // volunteers x shifts
// Passes of the region polish, each over the paired regions and a grid shifted from the last.
constexpr int kRegionPasses = 4;
// The regions run only when the plan is more than this share above the cost bound.
constexpr double kPolishGap = 1e-4;

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
  std::vector<ScheduleValue> cost_lp;
  std::int64_t cost_bound = CostBound(model, times, pool, *search, progress, &cost_lp);
  // The bound's master LP is a cheap mix of schedules covering as much; its rounding, refilled
  // and improved by the same moves, replaces the plan when better.
  if (!cost_lp.empty()) {
    auto from_lp = std::make_unique<SliceSearch>(model, pool);
    from_lp->Reset(RoundCostLp(model, cost_lp));
    Say(progress, "cost LP rounding: coverage " + std::to_string(from_lp->coverage()) + ", cost " +
                      std::to_string(from_lp->cost()));
    Improve(*from_lp, false);
    Say(progress, "cost LP rounding improved: coverage " + std::to_string(from_lp->coverage()) +
                      ", cost " + std::to_string(from_lp->cost()));
    if (from_lp->coverage() > search->coverage() ||
        (from_lp->coverage() == search->coverage() && from_lp->cost() < search->cost())) {
      search = std::move(from_lp);
    }
  }
  // Pricing grew the pool with every pair the bound found useful: the search may use them. Full
  // rounds gain about 0.3% of cost; on city-scale instances they take a minute, so those get one
  // short round.
  if (std::int64_t{model.volunteer_count()} * model.shift_count() <= kFullFinalSize) {
    Improve(*search, true);
  } else {
    search->SweepUntilStable(kFinalSweeps);
    search->ExchangeDays();
  }
  if (search->coverage() != coverage) {
    // It covers more now: the bound for its coverage is at least as high.
    cost_bound = CostBound(model, times, pool, *search, progress);
  }
  Say(progress, "last search: coverage " + std::to_string(search->coverage()) + ", cost " +
                    std::to_string(search->cost()));
  // Region by region, the exact program on what the rest of the plan leaves, on the pairs the
  // cost bound priced into the pool; it never covers less, so the cost bound (for every plan
  // covering at least as much) still holds.
  // Where the plan is already within a hair of the bound (the master LP's rounding is, on the
  // benchmark cities) they would search for nothing.
  std::vector<std::pair<int, int>> pairs = search->Pairs();
  if (search->coverage() < lp.bound ||
      double(search->cost()) > (1 + kPolishGap) * double(cost_bound)) {
    pairs = PolishByRegions(model, &pool, std::move(pairs), kRegionPasses, progress);
  }
  std::int64_t plan_coverage = 0, plan_cost = 0;
  for (auto [s, v] : pairs) {
    plan_coverage += model.instance().shifts[s].priority;
    plan_cost += model.Cost(v, s);
  }
  Say(progress, "plan: coverage " + std::to_string(plan_coverage) + " of at most " +
                    std::to_string(lp.bound) + ", cost " + std::to_string(plan_cost) +
                    " of at least " + std::to_string(cost_bound));
  bool within = double(plan_coverage) >= (1 - kTargetGap) * double(lp.bound) &&
                double(plan_cost) <= (1 + kTargetGap) * double(cost_bound);
  return Solution{std::move(pairs), Bound{lp.bound, cost_bound},
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

// Returns the better plan of the schedule program's `a` and the search's `b`, with the tighter
// bounds. Each cost bound holds for every plan covering at least as much as its own plan, hence
// at least as much as the better plan.
Solution Better(const Model& model, Solution a, Solution b) {
  auto [coverage_a, cost_a] = Totals(model, a);
  auto [coverage_b, cost_b] = Totals(model, b);
  bool b_wins = coverage_b > coverage_a || (coverage_b == coverage_a && cost_b < cost_a);
  Bound bound = *b.bound;
  if (a.bound) {
    bound.coverage = std::min(bound.coverage, a.bound->coverage);
    bound.cost = std::max(bound.cost, a.bound->cost);
  }
  Solution best = b_wins ? std::move(b) : std::move(a);
  auto [coverage, cost] = Totals(model, best);
  best.bound = bound;
  bool within = double(coverage) >= (1 - kTargetGap) * double(bound.coverage) &&
                double(cost) <= (1 + kTargetGap) * double(bound.cost);
  best.method = within ? "bounded" : "heuristic_bounded";
  return best;
}

}  // namespace

Solution SolveGeneral(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress) {
  if (std::int64_t{model.volunteer_count()} * model.shift_count() <= kCountLimit) {
    if (std::optional<Solution> exact = SolveSchedules(model, ScheduleBudget{}, progress)) {
      if (exact->method == "exact_small") return *std::move(exact);
      return Better(model, *std::move(exact), SolveBounded(model, homes, progress));
    }
  }
  return SolveBounded(model, homes, progress);
}

}  // namespace muster::dispatch
