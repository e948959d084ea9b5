#include "tabular/number_text.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/time.h"

namespace muster::tabular {
namespace {

constexpr size_t kMaxNumberDigits = 15;   // what a double holds exactly as decimal text
constexpr size_t kMaxIntegerDigits = 10;  // longer integers are identifiers, kept as text
constexpr double kMaxSerial = 2958466;    // 10000-01-01 in the 1900 system

// Returns whether `text` is -?digits(.digits)? and counts its digits before the point.
bool IsDecimalText(std::string_view text, size_t& integer_digits, size_t& significant) {
  size_t i = text.starts_with('-') ? 1 : 0;
  size_t digits_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  integer_digits = i - digits_start;
  if (integer_digits == 0) return false;
  if (i < text.size()) {
    if (text[i] != '.' || i + 1 == text.size()) return false;
    for (size_t k = i + 1; k < text.size(); ++k) {
      if (text[k] < '0' || text[k] > '9') return false;
    }
  }
  std::string_view digits = text.substr(digits_start);
  size_t first = digits.find_first_not_of("0.");
  significant = 0;
  for (size_t k = first == std::string_view::npos ? digits.size() : first; k < digits.size(); ++k) {
    significant += digits[k] != '.';
  }
  return true;
}

std::string TimeOfDay(long long seconds) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60,
                seconds % 60);
  return buf;
}

}  // namespace

std::string FormatNumber(double value) {
  if (value == 0) return "0";
  char buf[64];
  double magnitude = std::fabs(value);
  bool plain = magnitude >= 1e-5 && magnitude < 1e21;
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value,
                                 plain ? std::chars_format::fixed : std::chars_format::scientific);
  if (ec != std::errc()) return "0";  // unreachable: 64 characters hold any double
  std::string text(buf, end);
  for (char& c : text) {
    if (c == 'e') c = 'E';
  }
  return text;
}

std::optional<double> ParseStorableNumber(std::string_view text) {
  size_t integer_digits = 0;
  size_t significant = 0;
  if (text.size() > 32 || !IsDecimalText(text, integer_digits, significant)) return std::nullopt;
  bool has_fraction = text.find('.') != std::string_view::npos;
  if (!has_fraction && integer_digits > kMaxIntegerDigits) return std::nullopt;
  if (significant > kMaxNumberDigits) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (FormatNumber(value) != text) return std::nullopt;
  char stored[64];
  std::snprintf(stored, sizeof stored, "%.16G", value);
  if (FormatNumber(std::strtod(stored, nullptr)) != text) return std::nullopt;
  return value;
}

NumberKind ClassifyBuiltinFormat(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      (id >= 57 && id <= 58)) {
    return NumberKind::kDate;
  }
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
      id == 56) {
    return NumberKind::kTime;
  }
  if (id == 22) return NumberKind::kDateTime;
  return NumberKind::kPlain;
}

NumberKind ClassifyFormatCode(std::string_view code) {
  bool date = false;
  bool month_or_minute = false;
  bool time = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;
      continue;
    }
    if (c == '[') {
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos) {
        return NumberKind::kPlain;
      }
      i = close;
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    date |= c == 'y' || c == 'd';
    month_or_minute |= c == 'm';
    time |= c == 'h' || c == 's';
  }
  date |= month_or_minute && !time;
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kPlain;
}

std::optional<std::string> FormatSerial(double serial, NumberKind kind, bool date1904) {
  if (kind == NumberKind::kPlain || !(serial >= 0 && serial < kMaxSerial)) return std::nullopt;
  long long total = std::llround(serial * 86400.0);
  long long days = total / 86400;
  long long seconds = total % 86400;
  if (kind == NumberKind::kTime) return TimeOfDay(seconds);
  if (days < 1 && !date1904) return std::nullopt;
  using std::chrono::December;
  std::string date;
  if (date1904) {
    date = FormatDate(
        DateFromDayNumber(DayNumber(std::chrono::year{1904} / 1 / 1) + static_cast<int>(days)));
  } else if (days == 60) {
    date = "1900-02-29";  // Lotus 1-2-3's leap-year bug, kept by Excel
  } else {
    Date epoch = days < 60 ? std::chrono::year{1899} / December / 31
                           : std::chrono::year{1899} / December / 30;
    date = FormatDate(DateFromDayNumber(DayNumber(epoch) + static_cast<int>(days)));
  }
  if (kind == NumberKind::kDateTime) date += " " + TimeOfDay(seconds);
  return date;
}

}  // namespace muster::tabular
