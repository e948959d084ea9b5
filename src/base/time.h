#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace muster {

// An instant, to the second. Every instant Muster stores or compares is a Timestamp.
using Timestamp = std::chrono::sys_seconds;
// A civil date in Asia/Shanghai (the city's only time zone; UTC+8 with no daylight saving since 1991).
using Date = std::chrono::year_month_day;

inline constexpr std::chrono::seconds kShanghaiOffset{8 * 3600};

// Parses an RFC 3339 date-time that carries an offset ("2022-01-12T08:00:00+08:00", "...Z");
// fractional seconds are accepted and truncated. `field` names the input in the error.
Result<Timestamp> ParseRfc3339(std::string_view text, std::string_view field);
// Formats `t` as RFC 3339 in +08:00, e.g. "2022-01-12T08:00:00+08:00".
std::string FormatRfc3339(Timestamp t);

// Parses "YYYY-MM-DD" into a valid calendar date. `field` names the input in the error.
Result<Date> ParseDate(std::string_view text, std::string_view field);
// Formats `d` as "YYYY-MM-DD".
std::string FormatDate(Date d);

// Returns the civil date in Asia/Shanghai at instant `t`.
Date ShanghaiDate(Timestamp t);
// Returns the instant at which date `d` begins in Asia/Shanghai (00:00 +08:00).
Timestamp ShanghaiMidnight(Date d);
// Returns days since 1970-01-01 for `d` (for storage and arithmetic) and back.
int DayNumber(Date d);
Date DateFromDayNumber(int day_number);
// Returns the seconds since the Unix epoch of `t` and back (for storage).
inline std::int64_t UnixSeconds(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixSeconds(std::int64_t s) { return Timestamp(std::chrono::seconds(s)); }

}  // namespace muster
