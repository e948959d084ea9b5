// Compares the engine with the oracles on random instances drawn from fixed seeds.
#include <gtest/gtest.h>

#include <cstdlib>

#include "dispatch/engine.h"
#include "dispatch/exact_solver.h"
#include "dispatch/model.h"
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

void ExpectFlowOptimal(std::uint64_t seed, const RandomSpec& spec) {
  Instance in = Parse(RandomInstanceJson(seed, spec));
  Plan plan = Solve(in);
  oracle::Optimum best = oracle::FullFlow(in);
  SCOPED_TRACE("seed " + std::to_string(seed));
  EXPECT_EQ(oracle::CheckPlan(in, plan), "");
  EXPECT_EQ(plan.method, "flow_exact");
  EXPECT_EQ(plan.coverage, best.coverage);
  EXPECT_EQ(plan.cost, best.cost);
  EXPECT_TRUE(plan.ProvenOptimal());
}

TEST(Differential, SlotAlignedMatchesFullFlow) {
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    RandomSpec spec;
    spec.volunteers = 5 + int(seed % 40);
    spec.shifts = 2 + int(seed % 17);
    spec.days = 1 + int(seed % 3);
    spec.slot_hours = seed % 2 ? 4 : 6;
    ExpectFlowOptimal(seed, spec);
  }
}

TEST(Differential, SlotAlignedWithPricingMatchesFullFlow) {
  // Many volunteers per shift, so the sparse candidate set and the pricing rounds do the work.
  for (std::uint64_t seed = 1000; seed < 1006; ++seed) {
    RandomSpec spec;
    spec.volunteers = 600;
    spec.shifts = 80;
    spec.max_headcount = 8;
    spec.days = 2;
    ExpectFlowOptimal(seed, spec);
  }
}

TEST(Differential, ScarceVolunteersWithBindingCapsMatchFullFlow) {
  for (std::uint64_t seed = 2000; seed < 2020; ++seed) {
    RandomSpec spec;
    spec.volunteers = 40;
    spec.shifts = 60;
    spec.max_headcount = 5;
    spec.cap_hours_min = 0;
    spec.cap_hours_max = 9;
    spec.slot_hours = 3;
    ExpectFlowOptimal(seed, spec);
  }
}

TEST(Differential, GeneralTinyMatchesExhaustiveSearch) {
  int compared = 0;
  for (std::uint64_t seed = 1; compared < 60 && seed < 2000; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 2 + int(seed % 4);
    spec.shifts = 2 + int(seed % 5);
    spec.max_headcount = 2;
    spec.cap_hours_min = 2;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    int pairs = 0;
    for (int s = 0; s < int(in.shifts.size()); ++s) {
      for (int v = 0; v < int(in.volunteers.size()); ++v) pairs += oracle::Eligible(in, v, s);
    }
    if (pairs > 18) continue;
    ++compared;
    SCOPED_TRACE("seed " + std::to_string(seed));
    Plan plan = Solve(in);
    oracle::Optimum best = oracle::Exhaustive(in);
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.coverage, best.coverage);
    EXPECT_EQ(plan.cost, best.cost);
    EXPECT_TRUE(plan.ProvenOptimal());
  }
  EXPECT_EQ(compared, 60);
}

TEST(Differential, GeneralSmallIsExactAndAgreesWithFlowWhenAligned) {
  // The integer program must reach the flow optimum on aligned instances it is forced to solve:
  // shortening one shift by a second keeps the optimum but breaks the grid.
  for (std::uint64_t seed = 3000; seed < 3015; ++seed) {
    RandomSpec spec;
    spec.volunteers = 25;
    spec.shifts = 12;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    oracle::Optimum best = oracle::FullFlow(in);
    // Whole-hour caps cannot tell 4 h from 4 h - 1 s, so the feasible set is unchanged.
    in.shifts[0].ends_at -= 1;
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_EQ(plan.coverage, best.coverage);
    EXPECT_EQ(plan.cost, best.cost);
  }
}

TEST(Differential, GeneralSmallMatchesTheCompactIntegerProgram) {
  // Two exact formulations: the engine's schedules (a column per volunteer's day) and the
  // compact program (a column per pair, clique and knapsack rows). Where the compact one closes,
  // both optima must agree.
  int compared = 0;
  for (std::uint64_t seed = 4000; seed < 4040; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 12 + int(seed % 10);
    spec.shifts = 6 + int(seed % 6);
    spec.cap_hours_min = 2;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    Model model(in);
    VolunteerGrid homes(in);
    Solution compact = SolveIntegerProgram(model, homes, nullptr);
    if (compact.method != "exact_small") continue;
    ++compared;
    Bound optimum = Evaluate(in, compact.pairs);
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_EQ(plan.coverage, optimum.coverage);
    EXPECT_EQ(plan.cost, optimum.cost);
  }
  EXPECT_GE(compared, 30);
}

TEST(Differential, GeneralAcrossMidnightMatchesTheCompactIntegerProgram) {
  // Shifts crossing midnight join two days in one schedule (one cap per day, no overlap across
  // them); both formulations must still agree.
  int compared = 0;
  for (std::uint64_t seed = 4100; seed < 4140; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.days = 2;
    spec.volunteers = 12 + int(seed % 10);
    spec.shifts = 6 + int(seed % 6);
    spec.cap_hours_min = 2;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    for (std::size_t s = 0; s < in.shifts.size(); s += 3) {
      // From 20:00, 21:00 or 22:00 of the first day (+08:00) into the second.
      std::int64_t length = in.shifts[s].ends_at - in.shifts[s].starts_at;
      in.shifts[s].starts_at = 1641988800 + std::int64_t(s % 3) * 3600;
      in.shifts[s].ends_at = in.shifts[s].starts_at + length;
    }
    for (auto& v : in.volunteers) {
      for (auto& w : v.available) w = {1641916800, 1642176000};  // 12-14 January
    }
    Model model(in);
    VolunteerGrid homes(in);
    Solution compact = SolveIntegerProgram(model, homes, nullptr);
    if (compact.method != "exact_small") continue;
    ++compared;
    Bound optimum = Evaluate(in, compact.pairs);
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_EQ(plan.coverage, optimum.coverage);
    EXPECT_EQ(plan.cost, optimum.cost);
  }
  EXPECT_GE(compared, 30);
}

TEST(Differential, GeneralOddDurationsMatchTheCompactIntegerProgram) {
  // Durations that share no round unit (minutes and seconds off the hour) with caps that bind.
  int compared = 0;
  for (std::uint64_t seed = 4200; seed < 4240; ++seed) {
    RandomSpec spec;
    spec.aligned = false;
    spec.volunteers = 12 + int(seed % 10);
    spec.shifts = 6 + int(seed % 6);
    spec.cap_hours_min = 2;
    spec.cap_hours_max = 10;
    Instance in = Parse(RandomInstanceJson(seed, spec));
    for (std::size_t s = 0; s < in.shifts.size(); ++s) {
      in.shifts[s].ends_at -= std::int64_t(s % 5) * 7 * 60 + std::int64_t(s % 3) * 13;
    }
    Model model(in);
    VolunteerGrid homes(in);
    Solution compact = SolveIntegerProgram(model, homes, nullptr);
    if (compact.method != "exact_small") continue;
    ++compared;
    Bound optimum = Evaluate(in, compact.pairs);
    Plan plan = Solve(in);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(oracle::CheckPlan(in, plan), "");
    EXPECT_EQ(plan.method, "exact_small");
    EXPECT_EQ(plan.coverage, optimum.coverage);
    EXPECT_EQ(plan.cost, optimum.cost);
  }
  EXPECT_GE(compared, 30);
}

TEST(Differential, SamePlanEveryRun) {
  RandomSpec spec;
  spec.volunteers = 300;
  spec.shifts = 60;
  spec.max_headcount = 6;
  Instance in = Parse(RandomInstanceJson(77, spec));
  Plan a = Solve(in), b = Solve(in);
  EXPECT_EQ(a.assignments, b.assignments);
  EXPECT_EQ(a.unfilled, b.unfilled);
  spec.aligned = false;
  spec.volunteers = 60;
  spec.shifts = 20;
  Instance general = Parse(RandomInstanceJson(78, spec));
  EXPECT_EQ(Solve(general).assignments, Solve(general).assignments);
}

}  // namespace
}  // namespace muster::dispatch
