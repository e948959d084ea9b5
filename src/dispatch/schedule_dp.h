#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/model.h"

namespace muster::dispatch {

// One shift offered to a volunteer in a Lagrangian subproblem, with its (positive) weight.
struct ScheduleItem {
  int shift = 0;
  std::int64_t weight = 0;
};

// Reusable buffers of BestSchedule; one per thread.
struct ScheduleScratch {
  std::vector<std::int64_t> table;
  std::vector<int> reach;
};

// The time facts of the shifts in the units of the per-volunteer subproblem. Durations and caps
// are measured in units of `unit_seconds`: the gcd of the shift durations, or a coarser unit when
// that would need more than a hundred units per day. Rounding durations and caps down to whole
// units only admits more schedules, so bounds computed in units stay valid (docs/dispatch.md).
// Immutable after construction: may be shared between threads.
class ShiftTimes {
 public:
  explicit ShiftTimes(const Model& model);

  std::int64_t unit_seconds() const { return unit_; }
  // Returns floor(volunteer v's daily cap / unit), the cap clamped to the longest possible day.
  int CapUnits(int v) const { return cap_units_[v]; }
  std::int64_t Start(int s) const { return start_[s]; }
  std::int64_t End(int s) const { return end_[s]; }
  std::int64_t Day(int s) const { return day_[s]; }
  int Units(int s) const { return units_[s]; }

 private:
  std::int64_t unit_ = 3600;
  std::vector<int> cap_units_;
  std::vector<std::int64_t> start_, end_, day_;
  std::vector<int> units_;
};

// Returns the largest total weight of a subset of `items` that one volunteer with `cap_units` could
// work, relaxed in two ways that only enlarge the feasible set: shifts of different calendar days
// never conflict, and durations are counted in whole units rounded down. Within a day the chosen
// shifts do not overlap and their units sum to at most `cap_units`. Appends the chosen shifts to
// `chosen` when it is not null. Reorders `items`. Deterministic: ties prefer leaving shifts out.
std::int64_t BestSchedule(const ShiftTimes& times, std::vector<ScheduleItem>& items, int cap_units,
                          ScheduleScratch& scratch, std::vector<int>* chosen);

}  // namespace muster::dispatch
