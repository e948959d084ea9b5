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

TEST(SlowDifferential, LargeGeneralStaysWithinItsBound) {
  for (std::uint64_t seed = 60; seed < 63; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 4000;
    spec.shifts = 1200;
    spec.max_headcount = 4;
    spec.cap_hours_min = 4;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    ASSERT_TRUE(plan.bound.has_value());
    EXPECT_GE(plan.coverage * 1000, plan.bound->coverage * 995);
    if (plan.coverage == plan.bound->coverage) {
      EXPECT_LE(plan.cost * 1000, plan.bound->cost * 1005);
    }
  }
}

}  // namespace
}  // namespace muster::dispatch
