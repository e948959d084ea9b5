#include "domain/workflow.h"

#include <algorithm>
#include <array>
#include <map>

namespace muster::domain {
namespace {

constexpr std::array<std::string_view, 7> kTaskNames = {
    "checkpoint",        "sampling_assistance", "data_screening", "information_entry",
    "order_keeping",     "publicity",           "other"};

std::string Hours(std::int64_t seconds) {
  std::int64_t tenths = (seconds * 10 + 1800) / 3600;
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += "." + std::to_string(tenths % 10);
  return out;
}

}  // namespace

std::string_view Name(ShiftTask t) { return kTaskNames[static_cast<std::size_t>(t)]; }

Result<ShiftTask> ParseShiftTask(std::string_view s, std::string_view field) {
  for (std::size_t i = 0; i < kTaskNames.size(); ++i) {
    if (kTaskNames[i] == s) return static_cast<ShiftTask>(i);
  }
  return Invalid(std::string(field),
                 "must be one of checkpoint, sampling_assistance, data_screening, "
                 "information_entry, order_keeping, publicity, other",
                 "unknown_task");
}

Timestamp EscalationTime(Timestamp posted, Timestamp first_start, bool urgent) {
  Timestamp at = first_start - std::chrono::hours(2);
  if (urgent) at = std::min(at, posted + std::chrono::minutes(30));
  return std::max(at, posted);
}

bool Overlaps(const Interval& a, const Interval& b) {
  return a.starts < b.ends && b.starts < a.ends;
}

std::vector<std::pair<int, std::int64_t>> SecondsPerDay(const Interval& i) {
  std::vector<std::pair<int, std::int64_t>> out;
  Timestamp at = i.starts;
  while (at < i.ends) {
    Date day = ShanghaiDate(at);
    Timestamp next = ShanghaiMidnight(std::chrono::sys_days(day) + std::chrono::days(1));
    Timestamp until = std::min(next, i.ends);
    out.emplace_back(DayNumber(day), (until - at).count());
    at = until;
  }
  return out;
}

int AgeOn(Date birth, Date on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --age;
  return age;
}

Status CheckSignupRules(const ShiftFacts& shift, const VolunteerFacts& volunteer, Timestamp now) {
  if (now >= shift.window.ends) {
    return Conflict("the shift has ended; sign-ups are taken until it ends", "shift_id");
  }
  for (const std::string& skill : shift.skills) {
    if (!std::binary_search(volunteer.skills.begin(), volunteer.skills.end(), skill)) {
      return Invalid("skills", "the shift needs the skill \"" + skill + "\", which the member lacks",
                     "missing_skill");
    }
  }
  if (shift.high_risk && !volunteer.high_risk_ok) {
    return Invalid("high_risk_ok",
                   "the site is high-risk: the volunteer must consent (high_risk_ok)",
                   "risk_consent");
  }
  if (shift.min_age || shift.max_age) {
    if (!volunteer.birth_date) {
      return Invalid("birth_date", "the shift has age limits and the member's birth date is unknown",
                     "age_unknown");
    }
    int age = AgeOn(*volunteer.birth_date, ShanghaiDate(shift.window.starts));
    if (shift.min_age && age < *shift.min_age) {
      return Invalid("birth_date", "the shift needs volunteers aged at least " +
                                       std::to_string(*shift.min_age), "too_young");
    }
    if (shift.max_age && age > *shift.max_age) {
      return Invalid("birth_date", "the shift needs volunteers aged at most " +
                                       std::to_string(*shift.max_age), "too_old");
    }
  }
  std::map<int, std::int64_t> per_day;
  for (const Interval& c : volunteer.commitments) {
    if (Overlaps(c, shift.window)) {
      Error e{ErrorCode::kScheduleConflict,
              "the volunteer already has a shift from " + FormatRfc3339(c.starts) + " to " +
                  FormatRfc3339(c.ends),
              "shift_id", "overlap"};
      return e;
    }
    for (auto [day, seconds] : SecondsPerDay(c)) per_day[day] += seconds;
  }
  const std::int64_t cap = std::int64_t{volunteer.max_hours_per_day} * 3600;
  for (auto [day, seconds] : SecondsPerDay(shift.window)) {
    if (per_day[day] + seconds > cap) {
      Error e{ErrorCode::kScheduleConflict,
              "the volunteer would serve " + Hours(per_day[day] + seconds) + " hours on " +
                  FormatDate(DateFromDayNumber(day)) + ", more than the daily " +
                  std::to_string(volunteer.max_hours_per_day),
              "shift_id", "daily_hours"};
      return e;
    }
  }
  return Ok();
}

}  // namespace muster::domain
