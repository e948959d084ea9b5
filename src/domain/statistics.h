#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

// The counting rules of the statistics that need no database: the volunteer-record rounding of
// a turn's hours, and the one-sentence report the city publishes. The figures themselves are
// counted in app/stats*.cpp (docs/statistics.md).
namespace muster::domain {

// Returns the hours a turn of `seconds` counts in the national volunteer record, in half hours:
// every full hour counts 1 h, and what is left of the last started hour counts 0 h up to 15
// minutes, 0.5 h up to 45 minutes and 1 h above. So 15:00 -> 0, 15:01 -> 0.5 h, 45:00 -> 0.5 h,
// 45:01 -> 1 h, 1:00:00 -> 1 h, 1:15:00 -> 1 h, 1:15:01 -> 1.5 h. Negative durations count 0.
std::int64_t RecordHalfHours(std::int64_t seconds);

// Returns the whole minutes a shift took to fill: the seconds from its request's posting to the
// moment it reached its headcount, rounded half up (negative durations count 0).
std::int64_t FillMinutes(std::int64_t seconds);

// Returns the median of whole minutes given as a histogram of (minutes, how many), in any order:
// the middle value, or for an even count the mean of the two middle values rounded half up.
// nullopt when the histogram counts nothing.
std::optional<std::int64_t> MedianMinutes(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& histogram);

// The languages of published text.
enum class Language { kZhCn, kEn };
// Parses "zh-CN" (also "zh", "zh-Hans", "zh-Hans-CN", any case) or "en" ("en-US", "en-GB"...).
// Returns validation_failed naming `field` otherwise.
Result<Language> ParseLanguage(std::string_view text, std::string_view field = "lang");
std::string_view Name(Language l);

// Returns the period [from, to] as people write it, the year said once where both ends share it:
//   zh-CN: 2022年1月1日 / 2022年1月1日至16日 / 2022年1月28日至2月3日 / 2021年12月28日至2022年1月3日
//   en:    1 January 2022 / 1 to 16 January 2022 / 28 January to 3 February 2022 /
//          28 December 2021 to 3 January 2022
// REQUIRES: from <= to.
std::string FormatPeriod(Date from, Date to, Language lang);

// Returns `n` with thousands separators in English ("3,256") and plainly in Chinese ("3256").
std::string FormatCount(std::int64_t n, Language lang);

// Whose figures a sentence reports.
enum class SentenceSubject {
  kCity,       // the whole city
  kArea,       // a unit, branch, street or community: `scope_name` leads the sentence
  kVolunteer,  // one member's own service: `scope_name` is his name
};

// The figures a published sentence uses, taken from a period's summary.
struct SentenceFigures {
  Date from;
  Date to;
  SentenceSubject subject = SentenceSubject::kCity;
  std::string scope_name;
  std::int64_t units = 0;                      // distinct units with a person-time
  std::int64_t branches = 0;                   // distinct party branches with a person-time
  std::int64_t party_member_person_times = 0;  // person-times of party members
  std::int64_t communities = 0;                // distinct communities served
  std::int64_t person_times = 0;               // all person-times (the volunteer's sentence)
  std::int64_t hours_hundredths = 0;           // hours of closed turns, in hundredths
};

// Returns the one-sentence report in the form the city publishes, e.g.
//   "2022年1月1日至16日，全市68个市直单位702个党支部派出3256人次党员干部，下沉507个挂点联系社区。"
//   "From 1 to 16 January 2022, 68 municipal units and 702 Party branches of the city sent
//    Party-member cadres on 3,256 person-times to 507 paired communities."
// Its figures: units, branches, party_member_person_times and communities. For an area the
// sentence begins with the area's name ("2022年1月1日至16日，黄贝街道：3个市直单位..."); a
// volunteer's sentence gives his person-times and hours instead.
std::string SummarySentence(const SentenceFigures& f, Language lang);

}  // namespace muster::domain
