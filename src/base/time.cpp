#include "base/time.h"

#include <charconv>
#include <cstdio>

namespace muster {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;

// Reads exactly `n` ASCII digits of `s` at `pos` into `out`.
bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool ParseDateAt(std::string_view s, Date& out) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, m) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return false;
  }
  out = Date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
             std::chrono::day(static_cast<unsigned>(d))};
  return out.ok();
}

}  // namespace

Result<Timestamp> ParseRfc3339(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return Invalid(std::string(field),
                   "not an RFC 3339 time with offset (like 2022-01-12T08:00:00+08:00)", "time_format");
  };
  Date date;
  if (!ParseDateAt(text, date) || text.size() < 19 || (text[10] != 'T' && text[10] != 't' &&
                                                       text[10] != ' ')) {
    return bad();
  }
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(text, 11, 2, hh) || text[13] != ':' || !Digits(text, 14, 2, mm) || text[16] != ':' ||
      !Digits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
    return bad();
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return bad();
  }
  if (pos >= text.size()) return bad();
  int offset = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !Digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  auto local = sys_days(date) + std::chrono::hours(hh) + std::chrono::minutes(mm) + seconds(ss);
  return Timestamp(std::chrono::duration_cast<seconds>(local.time_since_epoch()) - seconds(offset));
}

std::string FormatRfc3339(Timestamp t) {
  auto local = t + kShanghaiOffset;
  auto day = std::chrono::floor<days>(local);
  Date d{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+08:00", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  Date d;
  if (text.size() != 10 || !ParseDateAt(text, d)) {
    return Invalid(std::string(field), "not a date of the form YYYY-MM-DD", "date_format");
  }
  return d;
}

std::string FormatDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

Date ShanghaiDate(Timestamp t) { return Date{std::chrono::floor<days>(t + kShanghaiOffset)}; }

Timestamp ShanghaiMidnight(Date d) {
  return Timestamp(std::chrono::duration_cast<seconds>(sys_days(d).time_since_epoch())) -
         kShanghaiOffset;
}

int DayNumber(Date d) { return static_cast<int>(sys_days(d).time_since_epoch().count()); }

Date DateFromDayNumber(int day_number) { return Date{sys_days(days(day_number))}; }

}  // namespace muster
