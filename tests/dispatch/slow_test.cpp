// Larger differential runs; labelled "slow" so the default test run leaves them out.
#include <gtest/gtest.h>

#include "dispatch/engine.h"
#include "dispatch/oracle.h"
#include "dispatch/random_instance.h"

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

TEST(SlowDifferential, MediumGeneralIsFeasibleUnderItsBound) {
  // The 0.5% target is not met at every size yet (docs/dispatch.md, Limits): this checks that the
  // plan is feasible, agrees with its totals and does not beat its own proven bound.
  for (std::uint64_t seed = 60; seed < 62; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 150;
    spec.shifts = 50;
    spec.max_headcount = 4;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    ASSERT_TRUE(plan.bound.has_value());
    EXPECT_LE(plan.coverage, plan.bound->coverage);
  }
}

}  // namespace
}  // namespace muster::dispatch
