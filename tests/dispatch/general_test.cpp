// General instances (overlapping shifts of different lengths, binding caps): the search with its
// Lagrangian bounds against exhaustive search and the integer program on random instances.
#include <gtest/gtest.h>

#include <algorithm>

#include "dispatch/candidate_pool.h"
#include "dispatch/cost_bound.h"
#include "dispatch/engine.h"
#include "dispatch/general_solver.h"
#include "dispatch/lp_rounding.h"
#include "dispatch/oracle.h"
#include "dispatch/random_instance.h"
#include "dispatch/region_polish.h"
#include "dispatch/schedule_dp.h"
#include "dispatch/schedule_program.h"
#include "dispatch/slice_search.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {
namespace {

using testing::RandomInstanceJson;
using testing::RandomSpec;

Instance Parse(const std::string& json) {
  Result<Instance> r = ParseInstance(json);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return std::move(r).value();
}

// Returns `solution` as a plan (ids, totals, explanations).
Plan ToPlan(const Instance& in, const Model& model, const Solution& solution) {
  Plan plan;
  plan.method = solution.method;
  plan.bound = solution.bound;
  std::vector<std::int64_t> filled(in.shifts.size(), 0);
  for (auto [s, v] : solution.pairs) {
    plan.assignments.push_back({in.shifts[s].id, in.volunteers[v].id});
    plan.coverage += in.shifts[s].priority;
    plan.cost += model.Cost(v, s);
    ++filled[s];
  }
  for (std::size_t s = 0; s < in.shifts.size(); ++s) {
    if (filled[s] < in.shifts[s].headcount) {
      plan.unfilled.push_back(
          {in.shifts[s].id, in.shifts[s].headcount - filled[s], "all_used", "x"});
    }
  }
  return plan;
}

// Runs the bounded path alone and returns it as a plan.
Plan SolveBoundedPlan(const Instance& in) {
  Model model(in);
  VolunteerGrid homes(in);
  return ToPlan(in, model, SolveBounded(model, homes, nullptr));
}

// The bound must hold for the optimum: no more coverage, and (the optimum covering at least as
// much as the plan) no lower cost.
void ExpectBoundHolds(const Plan& plan, std::int64_t best_coverage, std::int64_t best_cost) {
  ASSERT_TRUE(plan.bound.has_value());
  EXPECT_LE(plan.coverage, best_coverage);
  EXPECT_GE(plan.bound->coverage, best_coverage);
  EXPECT_LE(plan.bound->cost, best_cost);
  if (plan.coverage == best_coverage) {
    EXPECT_GE(plan.cost, best_cost);
  }
}

RandomSpec General(int volunteers, int shifts) {
  RandomSpec spec;
  spec.aligned = false;
  spec.volunteers = volunteers;
  spec.shifts = shifts;
  spec.cap_hours_min = 2;
  spec.cap_hours_max = 10;
  return spec;
}

// Three hundred volunteers and eighty shifts, up to five places each: the schedule program
// still proves these optimal.
RandomSpec Medium(int days) {
  RandomSpec spec = General(300, 80);
  spec.max_headcount = 5;
  spec.days = days;
  return spec;
}

TEST(GeneralBounded, BoundHoldsAgainstExhaustiveSearch) {
  int compared = 0;
  for (std::uint64_t seed = 1; compared < 60 && seed < 3000; ++seed) {
    RandomSpec spec = General(2 + int(seed % 4), 2 + int(seed % 5));
    spec.max_headcount = 2;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    int pairs = 0;
    for (int s = 0; s < int(in.shifts.size()); ++s) {
      for (int v = 0; v < int(in.volunteers.size()); ++v) pairs += oracle::Eligible(in, v, s);
    }
    if (pairs > 18) continue;
    ++compared;
    SCOPED_TRACE("seed " + std::to_string(seed));
    Plan plan = SolveBoundedPlan(in);
    oracle::Optimum best = oracle::Exhaustive(in);
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    ExpectBoundHolds(plan, best.coverage, best.cost);
  }
  EXPECT_EQ(compared, 60);
}

TEST(GeneralBounded, BoundHoldsAgainstTheIntegerProgram) {
  // Small enough for the integer program to prove its optimum; the search's bound must hold
  // against it, and the search must come close.
  int exact = 0;
  for (std::uint64_t seed = 4000; seed < 4030; ++seed) {
    RandomSpec spec = General(12 + int(seed % 10), 6 + int(seed % 6));
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan best = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, best), "");
    if (best.method != "exact_small") continue;
    ++exact;
    Plan plan = SolveBoundedPlan(in);
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    ExpectBoundHolds(plan, best.coverage, best.cost);
    EXPECT_GE(double(plan.coverage), 0.9 * double(best.coverage));
  }
  EXPECT_GE(exact, 25);
}

TEST(GeneralBounded, MediumPlansAreProvenOptimalAndWithinTheSearchsBound) {
  // Three hundred volunteers over two days: the schedule program proves its plan optimal, and
  // the search's Lagrangian bound must hold against that optimum.
  for (std::uint64_t seed = 5000; seed < 5004; ++seed) {
    Instance in = Parse(RandomInstanceJson(seed, Medium(2)));
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_TRUE(plan.ProvenOptimal());
    Plan bounded = SolveBoundedPlan(in);
    EXPECT_EQ(oracle::CheckPlan(in, bounded), "");
    ExpectBoundHolds(bounded, plan.coverage, plan.cost);
  }
}

// A feasible plan (`pairs`) on a pool of the 4 nearest volunteers per shift and the plan's
// pairs: what CostBound starts from.
struct PlanOnPool {
  PlanOnPool(const Instance& in, const std::vector<std::pair<int, int>>& pairs)
      : model(in), homes(in), times(model), pool(model, homes), plan(model, pool) {
    pool.AddNearest(std::vector<std::int64_t>(in.shifts.size(), 4));
    pool.AddPairs(pairs);
    plan.Reset(pairs);
  }
  std::int64_t Bound(std::vector<ScheduleValue>* lp = nullptr, const ProgressFn& progress = nullptr,
                     std::int64_t max_work = kCostBoundWork) {
    return CostBound(model, times, pool, plan, progress, lp, max_work);
  }

  Model model;
  VolunteerGrid homes;
  ShiftTimes times;
  CandidatePool pool;
  SliceSearch plan;
};

// Returns the (shift, volunteer) index pairs of `plan`.
std::vector<std::pair<int, int>> IndexPairs(const Instance& in, const Plan& plan) {
  std::vector<std::pair<int, int>> pairs;
  for (const Assignment& a : plan.assignments) {
    int s = 0, v = 0;
    while (in.shifts[s].id != a.shift) ++s;
    while (in.volunteers[v].id != a.volunteer) ++v;
    pairs.emplace_back(s, v);
  }
  return pairs;
}

TEST(GeneralBounded, CostBoundHoldsAndMeetsTheOptimumWhereTheLpIsExact) {
  // General instances: from a plan of the optimal coverage, the bound stays below the optimum.
  for (std::uint64_t seed = 5000; seed < 5002; ++seed) {
    Instance in = Parse(RandomInstanceJson(seed, Medium(2)));
    Plan best = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(best.method, "exact_small");
    std::int64_t bound = PlanOnPool(in, IndexPairs(in, best)).Bound();
    EXPECT_LE(bound, best.cost);
    EXPECT_GE(double(bound), 0.99 * double(best.cost));
  }
  // Slot-aligned instances: every volunteer's schedules are any few of its slots, the LP over
  // them is a flow and integral, so its duals prove the optimum itself (up to the rounding of
  // the prices to whole cost units).
  for (std::uint64_t seed = 5200; seed < 5206; ++seed) {
    RandomSpec spec;
    spec.volunteers = 200;
    spec.shifts = 60;
    spec.max_headcount = 5;
    spec.days = 1 + int(seed % 2);
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan best = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_TRUE(best.ProvenOptimal());
    std::int64_t bound = PlanOnPool(in, IndexPairs(in, best)).Bound();
    EXPECT_LE(bound, best.cost);
    EXPECT_GE(double(bound), (1 - 1e-4) * double(best.cost));
  }
}

TEST(GeneralBounded, CostLpRoundsToAFeasiblePlanNearItsBound) {
  for (std::uint64_t seed = 5000; seed < 5003; ++seed) {
    Instance in = Parse(RandomInstanceJson(seed, Medium(1 + int(seed % 2))));
    Plan best = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(best.method, "exact_small");
    PlanOnPool start(in, IndexPairs(in, best));
    const Model& model = start.model;
    std::vector<ScheduleValue> lp;
    std::int64_t bound = start.Bound(&lp);
    ASSERT_FALSE(lp.empty());
    // The LP's schedules cover at least the plan's coverage and cost no more than the optimum.
    double lp_cost = 0, lp_coverage = 0;
    for (const ScheduleValue& column : lp) {
      EXPECT_GT(column.value, 0);
      EXPECT_LE(column.value, 1);
      for (int s : column.shifts) {
        lp_cost += column.value * double(model.Cost(column.volunteer, s));
        lp_coverage += column.value * in.shifts[s].priority;
      }
    }
    EXPECT_GE(lp_coverage, double(best.coverage) - 1e-6);
    EXPECT_LE(lp_cost, double(best.cost) + 1e-6);
    EXPECT_GE(lp_cost, double(bound) - 1);
    // Rounded: feasible, every pair in the pool, and no cheaper than the optimum at its coverage.
    std::vector<std::pair<int, int>> rounded = RoundCostLp(model, lp);
    Plan as_plan = ToPlan(in, model, Solution{rounded, std::nullopt, "bounded"});
    EXPECT_EQ(oracle::CheckPlan(in, as_plan), "");
    for (auto [s, v] : rounded) EXPECT_NE(start.pool.Find(v, s), nullptr);
    EXPECT_LE(as_plan.coverage, best.coverage);
    if (as_plan.coverage == best.coverage) {
      EXPECT_GE(as_plan.cost, best.cost);
    }
    EXPECT_GE(double(as_plan.coverage), 0.98 * double(best.coverage));
    // Stopped after a few iterations, the LP's basis still gives prices whose bound holds, the
    // subgradient method then takes the bound close, and the LP still rounds to a feasible plan.
    std::vector<ScheduleValue> cut_lp;
    std::string said;
    ProgressFn note = [&](std::string_view line) { said += std::string(line) + "\n"; };
    std::int64_t cut = start.Bound(&cut_lp, note, 400 * 20);
    EXPECT_NE(said.find("the LP's budget spent"), std::string::npos) << said;
    EXPECT_LE(cut, best.cost);
    EXPECT_NE(said.find("subgradient round 1"), std::string::npos) << said;
    EXPECT_GE(double(cut), 0.97 * double(best.cost)) << said;
    Plan cut_plan = ToPlan(in, model, Solution{RoundCostLp(model, cut_lp), std::nullopt, "x"});
    EXPECT_EQ(oracle::CheckPlan(in, cut_plan), "");
  }
}

TEST(GeneralBounded, ScheduleProgramOnASmallBudgetReportsBoundsThatHold) {
  // Cut short, the schedule program must still return a feasible plan with bounds that hold
  // against the optimum it proves with its full budget.
  int unproven = 0;
  for (std::uint64_t seed = 5100; seed < 5110; ++seed) {
    RandomSpec spec = General(120, 40);
    spec.max_headcount = 4;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan best = Solve(in);
    ASSERT_EQ(best.method, "exact_small");
    Model model(in);
    ScheduleBudget budget;
    budget.mip_nodes = 0;
    budget.complete = false;  // proofs come from the LP bounds alone
    std::optional<Solution> cut = SolveSchedules(model, budget, nullptr);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(oracle::CheckPlan(in, ToPlan(in, model, *cut)), "");
    unproven += cut->method != "exact_small";
    Bound totals = Evaluate(in, cut->pairs);
    EXPECT_LE(totals.coverage, best.coverage);
    if (cut->method == "exact_small") {
      EXPECT_EQ(totals.coverage, best.coverage);
      EXPECT_EQ(totals.cost, best.cost);
    } else {
      ASSERT_TRUE(cut->bound.has_value());
      EXPECT_GE(cut->bound->coverage, best.coverage);
      // The optimum covers at least as much as the cut plan, so the cost bound holds for it.
      EXPECT_LE(cut->bound->cost, best.cost);
    }
  }
  EXPECT_GE(unproven, 1);  // the cut is felt, so the bounds above were exercised
}

// A random general instance of `seed` solved once, and two plans to polish: that solution, and
// half of it (a plan far from the cheapest at its coverage).
struct PolishCase {
  explicit PolishCase(std::uint64_t seed)
      : in(Parse(RandomInstanceJson(seed, Spec()))),
        model(in),
        homes(in),
        start(SolveBounded(model, homes, nullptr)) {
    for (std::size_t i = 0; i < start.pairs.size(); i += 2) half.push_back(start.pairs[i]);
  }
  static RandomSpec Spec() {
    RandomSpec spec = General(400, 120);
    spec.max_headcount = 5;
    return spec;
  }
  // Expects `polished` feasible and no worse than `plan`: more coverage, or as much at no more
  // cost.
  void ExpectNoWorse(const std::vector<std::pair<int, int>>& plan,
                     const std::vector<std::pair<int, int>>& polished) const {
    EXPECT_EQ(oracle::CheckPlan(in, ToPlan(in, model, Solution{polished, start.bound, "x"})), "");
    Bound before = Evaluate(in, plan), after = Evaluate(in, polished);
    EXPECT_TRUE(after.coverage > before.coverage ||
                (after.coverage == before.coverage && after.cost <= before.cost));
  }

  Instance in;
  Model model;
  VolunteerGrid homes;
  Solution start;
  std::vector<std::pair<int, int>> half;
};

TEST(GeneralBounded, RegionPolishNeverMakesAPlanWorse) {
  for (std::uint64_t seed = 5200; seed < 5202; ++seed) {
    PolishCase c(seed);
    for (const auto& plan : {c.start.pairs, c.half}) {
      SCOPED_TRACE("seed " + std::to_string(seed));
      std::vector<std::pair<int, int>> polished =
          PolishByRegions(c.model, nullptr, plan, 2, nullptr);
      c.ExpectNoWorse(plan, polished);
      EXPECT_EQ(PolishByRegions(c.model, nullptr, plan, 2, nullptr), polished);
    }
  }
}

TEST(GeneralBounded, RegionPolishOnAPoolUsesOnlyItsPairsAndThePlans) {
  for (std::uint64_t seed = 5210; seed < 5213; ++seed) {
    PolishCase c(seed);
    // A small pool: each shift's two cheapest volunteers, so that the regions would reach for
    // pairs outside it if they were not held to it.
    CandidatePool pool(c.model, c.homes);
    pool.AddNearest(std::vector<std::int64_t>(c.in.shifts.size(), 2));
    for (const auto& plan : {c.start.pairs, c.half}) {
      SCOPED_TRACE("seed " + std::to_string(seed));
      std::vector<std::pair<int, int>> polished = PolishByRegions(c.model, &pool, plan, 2, nullptr);
      c.ExpectNoWorse(plan, polished);
      for (auto [s, v] : polished) {
        bool planned = std::find(plan.begin(), plan.end(), std::pair{s, v}) != plan.end();
        EXPECT_TRUE(pool.Find(v, s) != nullptr || planned) << "shift " << s << " volunteer " << v;
      }
      EXPECT_EQ(PolishByRegions(c.model, &pool, plan, 2, nullptr), polished);
    }
  }
}

TEST(GeneralBounded, SamePlanEveryRun) {
  RandomSpec spec = General(200, 60);
  spec.max_headcount = 5;
  Instance in = Parse(RandomInstanceJson(91, spec));
  Plan a = Solve(in), b = Solve(in);
  EXPECT_EQ(a.assignments, b.assignments);
  EXPECT_EQ(a.bound, b.bound);
  EXPECT_EQ(a.method, b.method);
}

TEST(GeneralBounded, HandlesInstancesWithoutUsablePairs) {
  const char* shifts =
      R"("shifts": [{"id": 1, "headcount": 2, "starts_at": "2022-01-12T08:00:00+08:00",
                     "ends_at": "2022-01-12T12:00:00+08:00"},
                    {"id": 2, "headcount": 0, "starts_at": "2022-01-12T09:00:00+08:00",
                     "ends_at": "2022-01-12T11:00:00+08:00"}])";
  const char* volunteers[] = {
      R"("volunteers": [])",
      R"("volunteers": [{"id": 7, "available": [["2022-01-12T13:00:00+08:00",
                                               "2022-01-12T20:00:00+08:00"]]}])",
  };
  for (const char* who : volunteers) {
    Instance in = Parse(std::string("{") + who + ", " + shifts + "}");
    Plan plan = SolveBoundedPlan(in);
    EXPECT_TRUE(plan.assignments.empty());
    ASSERT_TRUE(plan.bound.has_value());
    EXPECT_EQ(plan.bound->coverage, 0);
    EXPECT_EQ(plan.bound->cost, 0);
    EXPECT_EQ(Solve(in).coverage, 0);
  }
}

}  // namespace
}  // namespace muster::dispatch
