#include "base/time.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace muster {
namespace {

TEST(Rfc3339, ParsesOffsetsToTheSameInstant) {
  auto a = ParseRfc3339("2022-01-12T08:00:00+08:00", "t");
  auto b = ParseRfc3339("2022-01-12T00:00:00Z", "t");
  auto c = ParseRfc3339("2022-01-11T19:00:00-05:00", "t");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(UnixSeconds(*a), 1641945600);
}

TEST(Rfc3339, FormatsInShanghaiTime) {
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(1641945600)), "2022-01-12T08:00:00+08:00");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(0)), "1970-01-01T08:00:00+08:00");
}

TEST(Rfc3339, AcceptsFractionsAndRefusesMissingOffset) {
  EXPECT_TRUE(ParseRfc3339("2022-01-12T08:00:00.250+08:00", "t").ok());
  for (const char* bad : {"2022-01-12T08:00:00", "2022-01-12", "2022-13-12T08:00:00Z",
                          "2022-02-30T08:00:00Z", "2022-01-12T24:00:00Z", "2022-01-12T08:00:00+8",
                          "2022-01-12T08:00:00Zjunk", ""}) {
    auto r = ParseRfc3339(bad, "starts_at");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "starts_at");
  }
}

TEST(Date, ParsesAndFormatsRoundTrip) {
  auto d = ParseDate("2022-01-16", "to");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(FormatDate(*d), "2022-01-16");
  EXPECT_FALSE(ParseDate("2022-1-16", "to").ok());
  EXPECT_FALSE(ParseDate("2021-02-29", "to").ok());
  EXPECT_TRUE(ParseDate("2020-02-29", "to").ok());
  EXPECT_EQ(DateFromDayNumber(DayNumber(*d)), *d);
}

TEST(Date, ShanghaiDayStartsAtSixteenUtc) {
  Date d = *ParseDate("2022-01-12", "d");
  Timestamp midnight = ShanghaiMidnight(d);
  EXPECT_EQ(FormatRfc3339(midnight), "2022-01-12T00:00:00+08:00");
  EXPECT_EQ(ShanghaiDate(midnight), d);
  EXPECT_EQ(ShanghaiDate(midnight - std::chrono::seconds(1)), *ParseDate("2022-01-11", "d"));
  // 23:59 UTC on the 11th is already the 12th in Shanghai.
  EXPECT_EQ(ShanghaiDate(*ParseRfc3339("2022-01-11T23:59:00Z", "t")), d);
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock(FromUnixSeconds(1000));
  EXPECT_EQ(UnixSeconds(clock.Now()), 1000);
  clock.Advance(std::chrono::seconds(60));
  EXPECT_EQ(UnixSeconds(clock.Now()), 1060);
  clock.Set(FromUnixSeconds(5));
  EXPECT_EQ(UnixSeconds(clock.Now()), 5);
}

TEST(RealClock, IsNearTheSystemClock) {
  RealClock clock;
  auto now = std::chrono::system_clock::now();
  EXPECT_LE(std::chrono::abs(clock.Now() - now), std::chrono::seconds(2));
}

}  // namespace
}  // namespace muster
