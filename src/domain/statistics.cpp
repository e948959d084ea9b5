#include "domain/statistics.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace muster::domain {

std::int64_t RecordHalfHours(std::int64_t seconds) {
  if (seconds <= 0) return 0;
  const std::int64_t full = seconds / 3600;
  const std::int64_t rest = seconds % 3600;
  std::int64_t half = 2 * full;
  if (rest > 45 * 60) {
    half += 2;
  } else if (rest > 15 * 60) {
    half += 1;
  }
  return half;
}

std::int64_t FillMinutes(std::int64_t seconds) { return seconds <= 0 ? 0 : (seconds + 30) / 60; }

std::optional<std::int64_t> MedianMinutes(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& histogram) {
  std::int64_t n = 0, low_minutes = 0, high_minutes = 0;
  for (const auto& [minutes, count] : histogram) {
    if (count <= 0) continue;
    low_minutes = n == 0 ? minutes : std::min(low_minutes, minutes);
    high_minutes = n == 0 ? minutes : std::max(high_minutes, minutes);
    n += count;
  }
  if (n == 0) return std::nullopt;
  // The values at ranks (n - 1) / 2 and n / 2 (0-based): the same one when n is odd.
  const std::int64_t low_rank = (n - 1) / 2, high_rank = n / 2;
  std::optional<std::int64_t> low, high;
  std::int64_t seen = 0;
  auto walk = [&](std::int64_t minutes, std::int64_t count) {
    seen += count;
    if (!low && seen > low_rank) low = minutes;
    if (!high && seen > high_rank) high = minutes;
  };
  const std::int64_t span = high_minutes - low_minutes;
  if (span <= 8 * static_cast<std::int64_t>(histogram.size()) + 4096) {
    // Counted per minute: linear in the entries and the span, however the entries come.
    std::vector<std::int64_t> counts(static_cast<std::size_t>(span) + 1, 0);
    for (const auto& [minutes, count] : histogram) {
      if (count > 0) counts[static_cast<std::size_t>(minutes - low_minutes)] += count;
    }
    for (std::size_t i = 0; i < counts.size() && !high; ++i) {
      if (counts[i] > 0) walk(low_minutes + static_cast<std::int64_t>(i), counts[i]);
    }
  } else {
    auto sorted = histogram;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [minutes, count] : sorted) {
      if (count > 0 && !high) walk(minutes, count);
    }
  }
  return (*low + *high + 1) / 2;
}

Result<Language> ParseLanguage(std::string_view text, std::string_view field) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto is = [&](std::string_view base) {
    return lower == base ||
           (lower.size() > base.size() && lower.starts_with(base) && lower[base.size()] == '-');
  };
  if (is("zh")) return Language::kZhCn;
  if (is("en")) return Language::kEn;
  return Invalid(std::string(field), "give zh-CN or en", "unknown_language");
}

std::string_view Name(Language l) { return l == Language::kZhCn ? "zh-CN" : "en"; }

namespace {

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil CivilOf(Date d) {
  return {static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
          static_cast<unsigned>(d.day())};
}

std::string Zh(const Civil& c, bool year, bool month) {
  std::string out;
  if (year) out += std::to_string(c.year) + "年";
  if (month) out += std::to_string(c.month) + "月";
  return out + std::to_string(c.day) + "日";
}

std::string En(const Civil& c, bool month, bool year) {
  std::string out = std::to_string(c.day);
  if (month) out += std::string(" ") + kMonths[c.month - 1];
  if (year) out += " " + std::to_string(c.year);
  return out;
}

// The hundredths of an hour as a short decimal: 1250 -> "12.5", 1200 -> "12", 5 -> "0.05".
std::string Hours(std::int64_t hundredths) {
  std::string out = std::to_string(hundredths / 100);
  const std::int64_t frac = hundredths % 100;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
  }
  return out;
}

std::string Plural(std::int64_t n, std::string_view one, std::string_view many) {
  return FormatCount(n, Language::kEn) + " " + std::string(n == 1 ? one : many);
}

std::string ZhSentence(const SentenceFigures& f) {
  const std::string period = FormatPeriod(f.from, f.to, Language::kZhCn);
  auto n = [](std::int64_t v) { return FormatCount(v, Language::kZhCn); };
  if (f.subject == SentenceSubject::kVolunteer) {
    return period + "，" + f.scope_name + "参加服务" + n(f.person_times) + "人次、" +
           Hours(f.hours_hundredths) + "小时。";
  }
  const std::string lead = f.subject == SentenceSubject::kCity ? "全市" : f.scope_name + "：";
  return period + "，" + lead + n(f.units) + "个市直单位" + n(f.branches) + "个党支部派出" +
         n(f.party_member_person_times) + "人次党员干部，下沉" + n(f.communities) +
         "个挂点联系社区。";
}

std::string EnSentence(const SentenceFigures& f) {
  std::string period = FormatPeriod(f.from, f.to, Language::kEn);
  period = (f.from == f.to ? "On " : "From ") + period;
  if (f.subject == SentenceSubject::kVolunteer) {
    return period + ", " + f.scope_name + " served " +
           Plural(f.person_times, "person-time", "person-times") + ", " +
           Hours(f.hours_hundredths) + (f.hours_hundredths == 100 ? " hour." : " hours.");
  }
  const std::string lead = f.subject == SentenceSubject::kCity ? "" : " in " + f.scope_name;
  const std::string of_city = f.subject == SentenceSubject::kCity ? " of the city" : "";
  return period + lead + ", " + Plural(f.units, "municipal unit", "municipal units") + " and " +
         Plural(f.branches, "Party branch", "Party branches") + of_city +
         " sent Party-member cadres on " +
         Plural(f.party_member_person_times, "person-time", "person-times") + " to " +
         Plural(f.communities, "paired community", "paired communities") + ".";
}

}  // namespace

std::string FormatPeriod(Date from, Date to, Language lang) {
  const Civil a = CivilOf(from);
  const Civil b = CivilOf(to);
  const bool same_year = a.year == b.year;
  const bool same_month = same_year && a.month == b.month;
  if (lang == Language::kZhCn) {
    if (from == to) return Zh(a, true, true);
    return Zh(a, true, true) + "至" + Zh(b, !same_year, !same_month);
  }
  if (from == to) return En(a, true, true);
  return En(a, !same_month, !same_year) + " to " + En(b, true, true);
}

std::string FormatCount(std::int64_t n, Language lang) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  if (lang == Language::kEn) {
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  }
  return n < 0 ? "-" + digits : digits;
}

std::string SummarySentence(const SentenceFigures& f, Language lang) {
  return lang == Language::kZhCn ? ZhSentence(f) : EnSentence(f);
}

}  // namespace muster::domain
