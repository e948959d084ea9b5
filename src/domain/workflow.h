#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

// The rules of the emergency workflow as plain functions: tasks of a shift, when a request
// escalates, and whether a volunteer may take a shift. No I/O: the use cases in app/ gather the
// facts inside one transaction and ask these functions.
namespace muster::domain {

// What a volunteer does at a site during a shift.
enum class ShiftTask {
  kCheckpoint,
  kSamplingAssistance,
  kDataScreening,
  kInformationEntry,
  kOrderKeeping,
  kPublicity,
  kOther,
};
std::string_view Name(ShiftTask t);
Result<ShiftTask> ParseShiftTask(std::string_view s, std::string_view field = "task");

// The escalation time of a request (API.md): two hours before its first shift starts; for an
// urgent request 30 minutes after posting if that is earlier; never before posting (a time
// already past means at once).
Timestamp EscalationTime(Timestamp posted, Timestamp first_start, bool urgent);

// When check-in by code opens before a shift starts.
inline constexpr std::chrono::minutes kCheckinEarly{30};
// How long after a shift ends open turns are closed and no-shows recorded.
inline constexpr std::chrono::minutes kCloseGrace{30};
// The daily cap of a member who declared none.
inline constexpr int kDefaultMaxHoursPerDay = 8;

// A time window [starts, ends).
struct Interval {
  Timestamp starts;
  Timestamp ends;
};
bool Overlaps(const Interval& a, const Interval& b);

// Seconds of `i` that fall on each Asia/Shanghai day: (day number, seconds) in day order.
std::vector<std::pair<int, std::int64_t>> SecondsPerDay(const Interval& i);

// What a sign-up is checked against.
struct ShiftFacts {
  Interval window;
  bool high_risk = false;
  std::vector<std::string> skills;  // required, sorted
  std::optional<int> min_age;
  std::optional<int> max_age;
};

struct VolunteerFacts {
  std::optional<Date> birth_date;
  std::vector<std::string> skills;  // sorted
  bool high_risk_ok = false;        // declared consent, or given with this sign-up
  int max_hours_per_day = kDefaultMaxHoursPerDay;
  std::vector<Interval> commitments;  // the member's other confirmed shifts
};

// Checks the rules a confirmed place needs, other than headcount and routing: the shift has not
// ended; skills; consent for a high-risk shift; age limits (age on the shift's first day); no
// overlap with another confirmed shift (schedule_conflict); the daily hours cap over each day
// the shift touches (schedule_conflict). Errors name the field a client can act on.
Status CheckSignupRules(const ShiftFacts& shift, const VolunteerFacts& volunteer, Timestamp now);

// Age in whole years on `on`.
int AgeOn(Date birth, Date on);

}  // namespace muster::domain
