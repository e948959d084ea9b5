// Larger differential runs; labelled "slow" so the default test run leaves them out.
#include <gtest/gtest.h>

#include <cstdio>

#include "dispatch/engine.h"
#include "dispatch/exact_solver.h"
#include "dispatch/general_solver.h"
#include "dispatch/oracle.h"
#include "dispatch/random_instance.h"
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

TEST(SlowDifferential, LargeSlotAlignedMatchesFullFlow) {
  for (std::uint64_t seed = 50; seed < 54; ++seed) {
    RandomSpec spec;
    spec.volunteers = 3000;
    spec.shifts = 500;
    spec.max_headcount = 10;
    spec.days = 2;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan plan = Solve(in);
    oracle::Optimum best = oracle::FullFlow(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.coverage, best.coverage);
    EXPECT_EQ(plan.cost, best.cost);
  }
}

TEST(SlowDifferential, MediumGeneralIsProvenOptimal) {
  // 150 and 1,200 volunteers over one to three days: the schedule program proves its plan
  // optimal; the plan must be feasible and agree with its totals.
  for (std::uint64_t seed = 60; seed < 64; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = seed % 2 ? 150 : 1200;
    spec.shifts = seed % 2 ? 50 : 300;
    spec.max_headcount = 4;
    spec.days = 1 + int(seed % 3);
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_TRUE(plan.ProvenOptimal());
    std::printf("seed %d: %s coverage %lld, cost %lld\n", int(seed), plan.method.c_str(),
                (long long)plan.coverage, (long long)plan.cost);
  }
}

TEST(SlowDifferential, GeneralBoundsHoldAgainstExactOptima) {
  // Larger than the fast suite's: the integer program still closes, and the plan it proves
  // optimal must respect the bounds the Lagrangian path reports for the same instance.
  int exact = 0;
  for (std::uint64_t seed = 7000; seed < 7040; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 30 + int(seed % 20);
    spec.shifts = 10 + int(seed % 8);
    spec.cap_hours_min = 2;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan best = Solve(in);
    if (best.method != "exact_small") continue;
    ++exact;
    Model model(in);
    VolunteerGrid homes(in);
    // The compact integer program, a second formulation, must agree where it closes.
    Solution compact = SolveIntegerProgram(model, homes, nullptr);
    if (compact.method == "exact_small") {
      Bound optimum = Evaluate(in, compact.pairs);
      EXPECT_EQ(best.coverage, optimum.coverage) << "seed " << seed;
      EXPECT_EQ(best.cost, optimum.cost) << "seed " << seed;
    }
    Solution bounded = SolveBounded(model, homes, nullptr);
    Bound totals = Evaluate(in, bounded.pairs);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_TRUE(bounded.bound.has_value());
    EXPECT_LE(totals.coverage, best.coverage);
    EXPECT_GE(bounded.bound->coverage, best.coverage);
    EXPECT_LE(bounded.bound->cost, best.cost);
  }
  EXPECT_GE(exact, 20);
}

}  // namespace
}  // namespace muster::dispatch
