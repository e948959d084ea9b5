// The workflow's rules as plain functions: escalation time and sign-up rules.
#include "domain/workflow.h"

#include <gtest/gtest.h>

namespace muster::domain {
namespace {

Timestamp T(const char* s) { return *ParseRfc3339(s, "t"); }
Date D(const char* s) { return *ParseDate(s, "d"); }

TEST(EscalationTime, FollowsTheContract) {
  struct Case {
    const char* posted;
    const char* first_start;
    bool urgent;
    const char* expected;
  };
  const Case cases[] = {
      // Two hours before the first shift.
      {"2022-01-11T22:00:00+08:00", "2022-01-12T08:00:00+08:00", false, "2022-01-12T06:00:00+08:00"},
      // Urgent: 30 minutes after posting, being earlier.
      {"2022-01-11T22:00:00+08:00", "2022-01-12T08:00:00+08:00", true, "2022-01-11T22:30:00+08:00"},
      // Urgent, but two hours before the start is earlier still.
      {"2022-01-11T22:00:00+08:00", "2022-01-12T00:15:00+08:00", true, "2022-01-11T22:15:00+08:00"},
      // Already past: at once.
      {"2022-01-11T22:00:00+08:00", "2022-01-11T23:00:00+08:00", false, "2022-01-11T22:00:00+08:00"},
      {"2022-01-11T22:00:00+08:00", "2022-01-11T21:00:00+08:00", true, "2022-01-11T22:00:00+08:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EscalationTime(T(c.posted), T(c.first_start), c.urgent), T(c.expected)) << c.posted;
  }
}

TEST(ShiftTask, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ShiftTask::kOther); ++i) {
    auto t = static_cast<ShiftTask>(i);
    EXPECT_EQ(*ParseShiftTask(Name(t)), t);
  }
  EXPECT_EQ(ParseShiftTask("dancing", "shifts[0].task").error().field, "shifts[0].task");
}

TEST(SecondsPerDay, SplitsAtShanghaiMidnight) {
  auto parts = SecondsPerDay({T("2022-01-11T22:00:00+08:00"), T("2022-01-12T02:00:00+08:00")});
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].first, DayNumber(D("2022-01-11")));
  EXPECT_EQ(parts[0].second, 2 * 3600);
  EXPECT_EQ(parts[1].first, DayNumber(D("2022-01-12")));
  EXPECT_EQ(parts[1].second, 2 * 3600);
}

TEST(AgeOn, CountsWholeYears) {
  EXPECT_EQ(AgeOn(D("2000-01-12"), D("2022-01-11")), 21);
  EXPECT_EQ(AgeOn(D("2000-01-12"), D("2022-01-12")), 22);
  EXPECT_EQ(AgeOn(D("2000-02-29"), D("2022-02-28")), 21);
}

class SignupRulesTest : public ::testing::Test {
 protected:
  ShiftFacts shift_{{T("2022-01-12T08:00:00+08:00"), T("2022-01-12T12:00:00+08:00")}, false, {}, {}, {}};
  VolunteerFacts volunteer_;
  Timestamp now_ = T("2022-01-11T22:00:00+08:00");

  Error Refusal() {
    Status s = CheckSignupRules(shift_, volunteer_, now_);
    EXPECT_FALSE(s.ok());
    return s.ok() ? Error{} : s.error();
  }
};

TEST_F(SignupRulesTest, APlainShiftIsAccepted) {
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
}

TEST_F(SignupRulesTest, SignUpsAreTakenUntilTheShiftEnds) {
  now_ = T("2022-01-12T11:59:59+08:00");  // under way
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
  now_ = T("2022-01-12T12:00:00+08:00");
  EXPECT_EQ(Refusal().code, ErrorCode::kConflict);
}

TEST_F(SignupRulesTest, SkillsAreNeeded) {
  shift_.skills = {"driving", "medical"};
  volunteer_.skills = {"medical"};
  Error e = Refusal();
  EXPECT_EQ(e.field, "skills");
  EXPECT_EQ(e.reason, "missing_skill");
  volunteer_.skills = {"driving", "first_aid", "medical"};
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
}

TEST_F(SignupRulesTest, HighRiskNeedsConsent) {
  shift_.high_risk = true;
  EXPECT_EQ(Refusal().field, "high_risk_ok");
  volunteer_.high_risk_ok = true;
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
}

TEST_F(SignupRulesTest, AgeLimitsUseTheAgeOnTheShiftsDay) {
  shift_.min_age = 18;
  shift_.max_age = 60;
  EXPECT_EQ(Refusal().reason, "age_unknown");
  volunteer_.birth_date = D("2004-01-13");  // 17 on 2022-01-12
  EXPECT_EQ(Refusal().reason, "too_young");
  volunteer_.birth_date = D("2004-01-12");  // 18 that day
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
  volunteer_.birth_date = D("1961-01-11");  // 61
  EXPECT_EQ(Refusal().reason, "too_old");
}

TEST_F(SignupRulesTest, OverlapIsAScheduleConflictButTouchingIsNot) {
  volunteer_.commitments = {{T("2022-01-12T11:00:00+08:00"), T("2022-01-12T13:00:00+08:00")}};
  Error e = Refusal();
  EXPECT_EQ(e.code, ErrorCode::kScheduleConflict);
  EXPECT_EQ(e.reason, "overlap");
  volunteer_.commitments = {{T("2022-01-12T12:00:00+08:00"), T("2022-01-12T14:00:00+08:00")}};
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
}

TEST_F(SignupRulesTest, DailyHoursAreCappedPerDay) {
  // 4 h already that day + 4 h = 8 h: at the default cap, allowed.
  volunteer_.commitments = {{T("2022-01-12T13:00:00+08:00"), T("2022-01-12T17:00:00+08:00")}};
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
  volunteer_.commitments.push_back({T("2022-01-12T18:00:00+08:00"), T("2022-01-12T19:00:00+08:00")});
  Error e = Refusal();
  EXPECT_EQ(e.code, ErrorCode::kScheduleConflict);
  EXPECT_EQ(e.reason, "daily_hours");
  // A declared cap of 10 allows it; hours on another day do not count.
  volunteer_.max_hours_per_day = 10;
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
  volunteer_.max_hours_per_day = 4;
  volunteer_.commitments = {{T("2022-01-11T08:00:00+08:00"), T("2022-01-11T12:00:00+08:00")}};
  EXPECT_TRUE(CheckSignupRules(shift_, volunteer_, now_).ok());
}

TEST_F(SignupRulesTest, AnOvernightShiftCountsOnBothDays) {
  shift_.window = {T("2022-01-12T20:00:00+08:00"), T("2022-01-13T04:00:00+08:00")};
  volunteer_.max_hours_per_day = 6;
  volunteer_.commitments = {{T("2022-01-13T06:00:00+08:00"), T("2022-01-13T09:00:00+08:00")}};
  // 4 h on the 12th (fine), 4 + 3 = 7 h on the 13th: over 6.
  EXPECT_EQ(Refusal().reason, "daily_hours");
}

}  // namespace
}  // namespace muster::domain
