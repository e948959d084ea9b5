#include <gtest/gtest.h>

#include <string>

#include "dispatch/instance.h"

namespace muster::dispatch {
namespace {

// A valid instance with one volunteer and one shift; each test breaks one field of it.
std::string Valid(
    const std::string& volunteer_extra = "", const std::string& shift_extra = "",
    const std::string& shift_times =
        R"("starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00")") {
  return R"({"volunteers": [{"id": 1, "unit": 3, "home": [22.54, 114.05],
              "available": [["2022-01-12T08:00:00+08:00", "2022-01-12T22:00:00+08:00"]],
              "max_hours_per_day": 8)" +
         volunteer_extra + R"(}],
             "shifts": [{"id": 10, "site": [22.55, 114.13], "headcount": 2, )" +
         shift_times + shift_extra + "}]}";
}

std::string FieldOf(const std::string& json) {
  Result<Instance> r = ParseInstance(json);
  return r.ok() ? "<accepted>" : r.error().field;
}

TEST(ParseInstance, AcceptsTheSpecExampleWithDefaults) {
  Result<Instance> r = ParseInstance(Valid());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->penalties.same_unit, 5000);
  EXPECT_EQ(r->penalties.other_unit, 20000);
  EXPECT_EQ(r->utc_offset_seconds, 8 * 3600);
  EXPECT_EQ(r->shifts[0].priority, 1);
  EXPECT_FALSE(r->shifts[0].high_risk);
  EXPECT_FALSE(r->volunteers[0].high_risk_ok);
  EXPECT_EQ(r->volunteers[0].max_seconds_per_day, 8 * 3600);
  EXPECT_EQ(r->shifts[0].ends_at - r->shifts[0].starts_at, 4 * 3600);
}

TEST(ParseInstance, RefusesBadJson) {
  Result<Instance> r = ParseInstance("{\"volunteers\": [");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(r.error().message.find("JSON"), std::string::npos);
}

TEST(ParseInstance, RefusesANonObjectRoot) { EXPECT_FALSE(ParseInstance("[1, 2]").ok()); }

TEST(ParseInstance, RefusesUnknownTimeFormat) {
  EXPECT_EQ(
      FieldOf(Valid("", "",
                    R"("starts_at": "2022-01-12 08:00", "ends_at": "2022-01-12T12:00:00+08:00")")),
      "shifts[0].starts_at");
  EXPECT_EQ(
      FieldOf(Valid(
          "", "", R"("starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00")")),
      "shifts[0].ends_at");
}

TEST(ParseInstance, RefusesEndBeforeOrAtStart) {
  Result<Instance> r = ParseInstance(
      Valid("", "",
            R"("starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T08:00:00+08:00")"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToString(), "shifts[0].ends_at: must be after starts_at");
}

TEST(ParseInstance, RefusesAnAvailabilityWindowThatEndsFirst) {
  std::string json =
      R"({"volunteers": [{"id": 1, "available": [["2022-01-12T22:00:00+08:00", "2022-01-12T08:00:00+08:00"]]}]})";
  EXPECT_EQ(FieldOf(json), "volunteers[0].available[0]");
}

TEST(ParseInstance, RefusesNegativeHeadcount) {
  EXPECT_EQ(
      FieldOf(
          R"({"shifts": [{"id": 1, "starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00", "headcount": -1}]})"),
      "shifts[0].headcount");
}

TEST(ParseInstance, RefusesDuplicateIds) {
  std::string json = R"({"volunteers": [{"id": 1}, {"id": 2}, {"id": 1}]})";
  Result<Instance> r = ParseInstance(json);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "volunteers[2].id");
  EXPECT_NE(r.error().message.find("duplicate"), std::string::npos);
}

TEST(ParseInstance, RefusesCoordinatesOutOfRange) {
  EXPECT_EQ(FieldOf(R"({"volunteers": [{"id": 1, "home": [91, 114]}]})"), "volunteers[0].home");
  EXPECT_EQ(FieldOf(R"({"volunteers": [{"id": 1, "home": [22, 181]}]})"), "volunteers[0].home");
  EXPECT_EQ(
      FieldOf(
          R"({"shifts": [{"id": 1, "site": [-90.5, 0], "starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00", "headcount": 1}]})"),
      "shifts[0].site");
}

TEST(ParseInstance, RefusesFieldsOfTheWrongType) {
  EXPECT_EQ(FieldOf(Valid(R"(, "skills": "medical")")), "volunteers[0].skills");
  EXPECT_EQ(FieldOf(Valid(R"(, "high_risk_ok": "yes")")), "volunteers[0].high_risk_ok");
  EXPECT_EQ(FieldOf(Valid(R"(, "age": 45.5)")), "volunteers[0].age");
  EXPECT_EQ(FieldOf(Valid(R"(, "max_hours_per_day": "8")")), "volunteers[0].max_hours_per_day");
  EXPECT_EQ(FieldOf(Valid(R"(, "home": "Futian")")), "volunteers[0].home");
  EXPECT_EQ(FieldOf(Valid("", R"(, "headcount": "2")")), "shifts[0].headcount");
  EXPECT_EQ(FieldOf(Valid("", R"(, "priority": 0)")), "shifts[0].priority");
  EXPECT_EQ(FieldOf(Valid("", R"(, "priority": 101)")), "shifts[0].priority");
  EXPECT_EQ(FieldOf(Valid("", R"(, "paired_departments": [1, "x"])")),
            "shifts[0].paired_departments");
  EXPECT_EQ(FieldOf(Valid("", R"(, "starts_at": 1642000000)")), "shifts[0].starts_at");
  EXPECT_EQ(FieldOf(R"({"volunteers": {"id": 1}})"), "volunteers");
  EXPECT_EQ(FieldOf(R"({"volunteers": [{"id": "1"}]})"), "volunteers[0].id");
  EXPECT_EQ(FieldOf(R"({"volunteers": [{"id": 0}]})"), "volunteers[0].id");
  EXPECT_EQ(FieldOf(R"({"penalties": {"same_unit": -1}})"), "penalties.same_unit");
  EXPECT_EQ(FieldOf(R"({"timezone": "Asia/Shanghai"})"), "timezone");
}

TEST(ParseInstance, RequiresShiftTimesAndHeadcount) {
  EXPECT_EQ(
      FieldOf(R"({"shifts": [{"id": 1, "ends_at": "2022-01-12T12:00:00+08:00", "headcount": 1}]})"),
      "shifts[0].starts_at");
  EXPECT_EQ(
      FieldOf(
          R"({"shifts": [{"id": 1, "starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00"}]})"),
      "shifts[0].headcount");
  EXPECT_EQ(
      FieldOf(
          R"({"shifts": [{"starts_at": "2022-01-12T08:00:00+08:00", "ends_at": "2022-01-12T12:00:00+08:00", "headcount": 1}]})"),
      "shifts[0].id");
}

TEST(ParseInstance, ReadsTimezoneForCalendarDays) {
  Result<Instance> r = ParseInstance(R"({"timezone": "-05:00"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utc_offset_seconds, -5 * 3600);
  // 2022-01-12T02:00:00Z is still January 11th at -05:00.
  EXPECT_EQ(DayOf(*r, 1641952800), DayOf(*r, 1641952800 - 3600 * 6));
}

}  // namespace
}  // namespace muster::dispatch
