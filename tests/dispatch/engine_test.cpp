#include "dispatch/engine.h"

#include <gtest/gtest.h>

#include <string>

#include "dispatch/oracle.h"

namespace muster::dispatch {
namespace {

Instance Parse(const std::string& json) {
  Result<Instance> r = ParseInstance(json);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return std::move(r).value();
}

std::string Volunteer(
    int id, const std::string& extra,
    const std::string& window = R"([["2022-01-12T08:00:00+08:00", "2022-01-12T22:00:00+08:00"]])") {
  return R"({"id": )" + std::to_string(id) +
         R"(, "unit": 3, "home": [22.5431, 114.0579], "available": )" + window +
         R"(, "max_hours_per_day": 8)" + extra + "}";
}

std::string Shift(int id, int from, int to, const std::string& extra) {
  char times[120];
  std::snprintf(
      times, sizeof times,
      R"("starts_at": "2022-01-12T%02d:00:00+08:00", "ends_at": "2022-01-12T%02d:00:00+08:00")",
      from, to);
  return R"({"id": )" + std::to_string(id) +
         R"(, "site": [22.5480, 114.1310], "paired_unit": 3, )" + times + extra + "}";
}

TEST(Solve, SolvesTheSpecExample) {
  Instance in = Parse(
      R"({"volunteers": [)" +
      Volunteer(1,
                R"(, "department": 12, "skills": ["medical"], "high_risk_ok": true, "age": 45)") +
      R"(], "shifts": [)" +
      Shift(
          10, 8, 12,
          R"(, "paired_departments": [12], "headcount": 4, "skills": ["medical"], "high_risk": true, "priority": 2, "min_age": 18, "max_age": 65)") +
      "]}");
  Plan plan = Solve(in);
  ASSERT_EQ(plan.assignments.size(), 1u);
  EXPECT_EQ(plan.coverage, 2);
  EXPECT_EQ(plan.cost, oracle::Cost(in, 0, 0));
  EXPECT_EQ(plan.method, "flow_exact");
  EXPECT_TRUE(plan.ProvenOptimal());
  ASSERT_EQ(plan.unfilled.size(), 1u);
  EXPECT_EQ(plan.unfilled[0].missing, 3);
  EXPECT_EQ(plan.unfilled[0].code, "all_used");
  EXPECT_EQ(oracle::CheckPlan(in, plan), "");
}

TEST(Solve, HigherPriorityWinsOverDistance) {
  // One volunteer, two simultaneous shifts: the farther one has priority 2 and must be taken.
  Instance in =
      Parse(R"({"volunteers": [)" + Volunteer(1, "") + R"(], "shifts": [)" +
            Shift(1, 8, 12, R"(, "headcount": 1, "site": [22.5431, 114.0580])") + "," +
            Shift(2, 8, 12, R"(, "headcount": 1, "priority": 2, "site": [22.80, 114.30])") + "]}");
  Plan plan = Solve(in);
  ASSERT_EQ(plan.assignments.size(), 1u);
  EXPECT_EQ(plan.assignments[0].shift, 2);
}

TEST(Solve, ExplainsEachUnfilledShift) {
  Instance in =
      Parse(R"({"volunteers": [)" + Volunteer(1, R"(, "age": 70, "skills": ["driver"])") +
            R"(], "shifts": [)" + Shift(1, 8, 12, R"(, "headcount": 1, "skills": ["medical"])") +
            "," + Shift(2, 6, 10, R"(, "headcount": 1)") + "," +
            Shift(3, 12, 16, R"(, "headcount": 1, "high_risk": true)") + "," +
            Shift(4, 16, 20, R"(, "headcount": 1, "max_age": 65)") + "]}");
  Plan plan = Solve(in);
  ASSERT_EQ(plan.unfilled.size(), 4u);
  EXPECT_EQ(plan.unfilled[0].code, "skills");
  EXPECT_EQ(plan.unfilled[1].code, "availability");
  EXPECT_EQ(plan.unfilled[2].code, "high_risk");
  EXPECT_EQ(plan.unfilled[3].code, "age");
  EXPECT_EQ(oracle::CheckPlan(in, plan), "");
}

TEST(Solve, RespectsDailyCapsOnASlotGrid) {
  // Three 4-hour slots, cap 8 hours: the volunteer takes the two cheapest.
  Instance in = Parse(R"({"volunteers": [)" + Volunteer(1, "") + R"(], "shifts": [)" +
                      Shift(1, 8, 12, R"(, "headcount": 1, "site": [22.60, 114.0579])") + "," +
                      Shift(2, 12, 16, R"(, "headcount": 1, "site": [22.55, 114.0579])") + "," +
                      Shift(3, 16, 20, R"(, "headcount": 1, "site": [22.56, 114.0579])") + "]}");
  Plan plan = Solve(in);
  EXPECT_EQ(plan.method, "flow_exact");
  ASSERT_EQ(plan.assignments.size(), 2u);
  EXPECT_EQ(plan.assignments[0].shift, 2);
  EXPECT_EQ(plan.assignments[1].shift, 3);
  EXPECT_EQ(plan.unfilled.size(), 1u);
  EXPECT_EQ(plan.unfilled[0].code, "all_used");
}

TEST(Solve, UsesTheIntegerProgramForOverlappingShifts) {
  Instance in = Parse(R"({"volunteers": [)" + Volunteer(1, "") + "," + Volunteer(2, "") +
                      R"(], "shifts": [)" + Shift(1, 8, 12, R"(, "headcount": 1)") + "," +
                      Shift(2, 10, 16, R"(, "headcount": 2)") + "]}");
  Plan plan = Solve(in);
  EXPECT_EQ(plan.method, "exact_small");
  EXPECT_EQ(plan.coverage, 2);
  EXPECT_EQ(oracle::CheckPlan(in, plan), "");
}

TEST(Solve, HandlesAnEmptyInstance) {
  Plan plan = Solve(Parse("{}"));
  EXPECT_TRUE(plan.assignments.empty());
  EXPECT_TRUE(plan.ProvenOptimal());
  EXPECT_NE(PlanToJson(plan).find("\"coverage\": 0"), std::string::npos);
}

TEST(PlanToJson, WritesTheSpecFields) {
  Plan plan;
  plan.assignments = {{10, 1}};
  plan.coverage = 2;
  plan.cost = 8034;
  plan.unfilled = {{10, 3, "all_used", "all \"eligible\" used"}};
  plan.bound = Bound{2, 8034};
  plan.method = "flow_exact";
  std::string json = PlanToJson(plan);
  for (const char* part : {R"({"shift": 10, "volunteer": 1})", R"("coverage": 2)",
                           R"("cost": 8034)", R"("missing": 3)", R"(all \"eligible\" used)",
                           R"("bound": {"coverage": 2, "cost": 8034})", R"("solve_ms")"}) {
    EXPECT_NE(json.find(part), std::string::npos) << part;
  }
}

}  // namespace
}  // namespace muster::dispatch
