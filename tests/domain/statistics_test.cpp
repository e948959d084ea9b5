// The statistics rules without a database: record-hour rounding, periods and the sentence.
#include "domain/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace muster::domain {
namespace {

Date D(const char* s) { return *ParseDate(s, "d"); }

TEST(RecordHalfHours, CountsEachStartedHourByItsMinutes) {
  struct Case {
    std::int64_t seconds;
    std::int64_t half_hours;
  };
  const Case cases[] = {
      {-60, 0},
      {0, 0},
      {1, 0},
      {15 * 60, 0},
      {15 * 60 + 1, 1},
      {30 * 60, 1},
      {45 * 60, 1},
      {45 * 60 + 1, 2},
      {59 * 60, 2},
      {3600, 2},
      {3600 + 15 * 60, 2},
      {3600 + 15 * 60 + 1, 3},
      {3600 + 45 * 60, 3},
      {3600 + 45 * 60 + 1, 4},
      {2 * 3600, 4},
      {8 * 3600 + 20 * 60, 17},
      {8 * 3600 + 50 * 60, 18},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RecordHalfHours(c.seconds), c.half_hours) << c.seconds << " s";
  }
}

TEST(RecordHalfHours, NeverExceedsTheNextHalfHourAndNeverFallsBelowTheFullHours) {
  for (std::int64_t s = 0; s < 5 * 3600; s += 7) {
    const std::int64_t half = RecordHalfHours(s);
    EXPECT_GE(half, 2 * (s / 3600)) << s;
    EXPECT_LE(half, 2 * (s / 3600) + 2) << s;
    EXPECT_LE(RecordHalfHours(s), RecordHalfHours(s + 7)) << s;  // monotone
  }
}

TEST(FillMinutes, RoundsSecondsHalfUp) {
  EXPECT_EQ(FillMinutes(-500), 0);
  EXPECT_EQ(FillMinutes(0), 0);
  EXPECT_EQ(FillMinutes(29), 0);
  EXPECT_EQ(FillMinutes(30), 1);
  EXPECT_EQ(FillMinutes(89), 1);
  EXPECT_EQ(FillMinutes(90), 2);
  EXPECT_EQ(FillMinutes(7200), 120);
}

TEST(MedianMinutes, TakesTheMiddleOfAHistogram) {
  EXPECT_EQ(MedianMinutes({}), std::nullopt);
  EXPECT_EQ(MedianMinutes({{5, 0}}), std::nullopt);
  EXPECT_EQ(MedianMinutes({{7, 1}}), 7);
  EXPECT_EQ(MedianMinutes({{100, 1}, {1, 1}, {10, 1}}), 10);  // any order
  EXPECT_EQ(MedianMinutes({{1, 1}, {2, 1}}), 2);              // 1.5 rounds half up
  EXPECT_EQ(MedianMinutes({{1, 1}, {4, 1}}), 3);              // 2.5
  EXPECT_EQ(MedianMinutes({{2, 3}, {60, 1}}), 2);
  EXPECT_EQ(MedianMinutes({{2, 2}, {60, 2}}), 31);
  EXPECT_EQ(MedianMinutes({{2, 2}, {60, 2}, {2, 1}}), 2);         // repeated minutes add up
  EXPECT_EQ(MedianMinutes({{1, 1}, {100000000, 2}}), 100000000);  // sparse: sorted, not counted
  EXPECT_EQ(MedianMinutes({{0, 1}, {100000000, 1}}), 50000000);
  // The same as sorting every value and taking the middle.
  std::vector<std::int64_t> values = {9, 3, 3, 14, 1, 8, 8, 8, 20, 2};
  std::vector<std::pair<std::int64_t, std::int64_t>> histogram;
  for (std::int64_t v : values) histogram.push_back({v, 1});
  std::sort(values.begin(), values.end());
  EXPECT_EQ(MedianMinutes(histogram), (values[4] + values[5] + 1) / 2);
}

TEST(FormatPeriod, SaysTheYearAndMonthOnceWhereBothEndsShareThem) {
  struct Case {
    const char* from;
    const char* to;
    const char* zh;
    const char* en;
  };
  const Case cases[] = {
      {"2022-01-01", "2022-01-01", "2022年1月1日", "1 January 2022"},
      {"2022-01-01", "2022-01-16", "2022年1月1日至16日", "1 to 16 January 2022"},
      {"2022-01-28", "2022-02-03", "2022年1月28日至2月3日", "28 January to 3 February 2022"},
      {"2021-12-28", "2022-01-03", "2021年12月28日至2022年1月3日",
       "28 December 2021 to 3 January 2022"},
      {"2022-10-01", "2022-12-31", "2022年10月1日至12月31日", "1 October to 31 December 2022"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatPeriod(D(c.from), D(c.to), Language::kZhCn), c.zh);
    EXPECT_EQ(FormatPeriod(D(c.from), D(c.to), Language::kEn), c.en);
  }
}

TEST(FormatCount, SeparatesThousandsInEnglishOnly) {
  EXPECT_EQ(FormatCount(3256, Language::kEn), "3,256");
  EXPECT_EQ(FormatCount(3256, Language::kZhCn), "3256");
  EXPECT_EQ(FormatCount(0, Language::kEn), "0");
  EXPECT_EQ(FormatCount(999, Language::kEn), "999");
  EXPECT_EQ(FormatCount(1000, Language::kEn), "1,000");
  EXPECT_EQ(FormatCount(10000000, Language::kEn), "10,000,000");
}

TEST(ParseLanguage, AcceptsTheTagsBrowsersSend) {
  EXPECT_EQ(*ParseLanguage("zh-CN"), Language::kZhCn);
  EXPECT_EQ(*ParseLanguage("zh"), Language::kZhCn);
  EXPECT_EQ(*ParseLanguage("zh-hans-cn"), Language::kZhCn);
  EXPECT_EQ(*ParseLanguage("en"), Language::kEn);
  EXPECT_EQ(*ParseLanguage("en-GB"), Language::kEn);
  auto bad = ParseLanguage("fr");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "lang");
  EXPECT_FALSE(ParseLanguage("zhx").ok());
  EXPECT_FALSE(ParseLanguage("").ok());
}

SentenceFigures SourceFigures() {
  SentenceFigures f;
  f.from = D("2022-01-01");
  f.to = D("2022-01-16");
  f.units = 68;
  f.branches = 702;
  f.party_member_person_times = 3256;
  f.communities = 507;
  f.person_times = 4000;
  return f;
}

TEST(SummarySentence, ReadsAsTheCityPublishesIt) {
  EXPECT_EQ(SummarySentence(SourceFigures(), Language::kZhCn),
            "2022年1月1日至16日，全市68个市直单位702个党支部派出3256人次党员干部，"
            "下沉507个挂点联系社区。");
  EXPECT_EQ(SummarySentence(SourceFigures(), Language::kEn),
            "From 1 to 16 January 2022, 68 municipal units and 702 Party branches of the city "
            "sent Party-member cadres on 3,256 person-times to 507 paired communities.");
}

TEST(SummarySentence, NamesTheAreaAndSaysOneInTheSingular) {
  SentenceFigures f = SourceFigures();
  f.subject = SentenceSubject::kArea;
  f.scope_name = "黄贝街道";
  f.from = f.to = D("2022-01-12");
  f.units = 1;
  f.branches = 1;
  f.party_member_person_times = 1;
  f.communities = 1;
  EXPECT_EQ(
      SummarySentence(f, Language::kZhCn),
      "2022年1月12日，黄贝街道：1个市直单位1个党支部派出1人次党员干部，下沉1个挂点联系社区。");
  f.scope_name = "Huangbei Street";
  EXPECT_EQ(SummarySentence(f, Language::kEn),
            "On 12 January 2022 in Huangbei Street, 1 municipal unit and 1 Party branch sent "
            "Party-member cadres on 1 person-time to 1 paired community.");
}

TEST(SummarySentence, GivesAVolunteerHisOwnService) {
  SentenceFigures f = SourceFigures();
  f.subject = SentenceSubject::kVolunteer;
  f.scope_name = "张三";
  f.person_times = 5;
  f.hours_hundredths = 1250;
  EXPECT_EQ(SummarySentence(f, Language::kZhCn),
            "2022年1月1日至16日，张三参加服务5人次、12.5小时。");
  f.scope_name = "Zhang San";
  f.hours_hundredths = 1205;
  EXPECT_EQ(SummarySentence(f, Language::kEn),
            "From 1 to 16 January 2022, Zhang San served 5 person-times, 12.05 hours.");
}

}  // namespace
}  // namespace muster::domain
