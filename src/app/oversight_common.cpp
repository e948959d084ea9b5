// What the oversight use cases share: field checks, scope narrowing, ratings, yuan as numbers.
#include <cstdio>

#include "app/oversight_internal.h"

namespace muster::app {

std::optional<double> SupervisionRow::FilledByOwnShare() const {
  if (places <= 0) return std::nullopt;
  return static_cast<double>(places_filled_by_own) / places;
}

std::optional<double> SupervisionRow::ServedShare() const {
  if (members <= 0) return std::nullopt;
  return static_cast<double>(members_served) / members;
}

std::string_view Name(Rating r) {
  switch (r) {
    case Rating::kExcellent:
      return "excellent";
    case Rating::kGood:
      return "good";
    case Rating::kFair:
      return "fair";
    case Rating::kPoor:
      return "poor";
  }
  return "good";
}

Result<Rating> ParseRating(std::string_view s, std::string_view field) {
  for (Rating r : {Rating::kExcellent, Rating::kGood, Rating::kFair, Rating::kPoor}) {
    if (s == Name(r)) return r;
  }
  return Invalid(std::string(field), "must be one of excellent, good, fair, poor", "enum");
}

std::string YuanNumber(Fen f) {
  bool negative = f.value < 0;
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(f.value)
                               : static_cast<std::uint64_t>(f.value);
  std::string out = (negative ? "-" : "") + std::to_string(abs / 100);
  unsigned cents = static_cast<unsigned>(abs % 100);
  if (cents == 0) return out;
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", cents);
  out += '.';
  out += buf[0];
  if (buf[1] != '0') out += buf[1];
  return out;
}

namespace oversight {

Result<std::string> Text(std::string_view raw, std::string_view field, std::size_t max_chars) {
  std::string_view s = raw;
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  if (s.empty()) return Invalid(std::string(field), "must not be empty", "text_length");
  std::size_t chars = 0;
  for (char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > max_chars) {
    return Invalid(std::string(field), "must be at most " + std::to_string(max_chars) + " characters",
                   "text_length");
  }
  return std::string(s);
}

Status CheckAmount(Fen amount, std::string_view field) {
  if (amount.value <= 0) return Invalid(std::string(field), "must be greater than 0", "range");
  if (amount.value > kMaxFen) {
    return Invalid(std::string(field), "must be at most " + FormatYuan(Fen{kMaxFen}) + " yuan",
                   "range");
  }
  return Ok();
}

Status CheckRecordDate(Date date, Date today, std::string_view field) {
  if (std::chrono::sys_days(date) > std::chrono::sys_days(today)) {
    return Invalid(std::string(field), "must not be after today (" + FormatDate(today) + ")",
                   "future");
  }
  return Ok();
}

Status RequireCityOrUnit(const Actor& a, std::string_view what) {
  return Access::Require(a, {Role::kCityAdmin, Role::kUnitAdmin}, what);
}

UnitNarrowing NarrowToUnit(const Actor& a, std::optional<UnitId> wanted) {
  if (a.role != Role::kUnitAdmin) return {wanted, false};
  UnitId own(a.scope_id);
  if (wanted && *wanted != own) return {own, true};
  return {own, false};
}

void AddDayRange(Sql& sql, std::string_view column, std::optional<Date> from,
                 std::optional<Date> to) {
  if (from) sql.Add(" AND " + std::string(column) + " >= ?", std::int64_t{DayNumber(*from)});
  if (to) sql.Add(" AND " + std::string(column) + " <= ?", std::int64_t{DayNumber(*to)});
}

store::Value UserIdOf(const Actor& a) {
  if (!a.user_id.valid()) return store::Null();
  return a.user_id.value;
}

}  // namespace oversight
}  // namespace muster::app
