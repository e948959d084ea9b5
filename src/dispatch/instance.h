#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace muster::dispatch {

// A point on Earth in degrees: latitude in [-90, 90], longitude in [-180, 180].
struct LatLon {
  double lat = 0;
  double lon = 0;
};

// A half-open interval [begin, end) of Unix seconds.
struct Window {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

// One volunteer of an instance (shared/spec/DISPATCH.md). Optional fields are empty when the
// instance leaves them out.
struct Volunteer {
  std::int64_t id = 0;
  std::optional<std::int64_t> unit;
  std::optional<std::int64_t> department;
  std::vector<std::string> skills;  // sorted, without duplicates
  std::optional<LatLon> home;
  std::vector<Window> available;  // in the order given
  // The daily cap in seconds; an absent max_hours_per_day means no cap (a full day).
  std::int64_t max_seconds_per_day = 24 * 3600;
  bool high_risk_ok = false;
  std::optional<int> age;
};

// One shift of an instance.
struct Shift {
  std::int64_t id = 0;
  std::optional<LatLon> site;
  std::optional<std::int64_t> paired_unit;
  std::vector<std::int64_t> paired_departments;  // sorted, without duplicates
  std::int64_t starts_at = 0;                    // Unix seconds
  std::int64_t ends_at = 0;                      // Unix seconds, > starts_at
  std::int64_t headcount = 0;
  std::vector<std::string> skills;  // sorted, without duplicates
  bool high_risk = false;
  int priority = 1;  // 1..100
  std::optional<int> min_age;
  std::optional<int> max_age;
};

// The unit penalties of the cost c(v, s).
struct Penalties {
  std::int64_t same_unit = 5000;
  std::int64_t other_unit = 20000;
};

// A validated dispatch instance. Volunteers and shifts keep the order of the input.
struct Instance {
  int utc_offset_seconds = 8 * 3600;  // of "timezone"; defines calendar days for daily caps
  Penalties penalties;
  std::vector<Volunteer> volunteers;
  std::vector<Shift> shifts;
};

// Parses and validates the JSON text of an instance. Refuses, with an Error whose field names the
// item and field (e.g. "shifts[3].ends_at"), bad JSON, a time that is not RFC 3339 with an offset,
// ends_at <= starts_at (also for availability windows), a negative headcount, a duplicate id,
// coordinates out of range, and any field of the wrong type. Unknown fields are ignored.
Result<Instance> ParseInstance(std::string_view json);

// Returns the calendar day number (days since 1970-01-01) of `unix_seconds` in the instance's
// timezone; a shift's day is the day of its start.
std::int64_t DayOf(const Instance& instance, std::int64_t unix_seconds);

}  // namespace muster::dispatch
