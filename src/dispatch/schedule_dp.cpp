#include "dispatch/schedule_dp.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

namespace muster::dispatch {
namespace {

// More units per day than this and the unit is coarsened (a looser but still valid relaxation).
constexpr std::int64_t kMaxUnits = 96;
constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min() / 4;

}  // namespace

ShiftTimes::ShiftTimes(const Model& model) {
  const auto& shifts = model.instance().shifts;
  std::int64_t gcd = 0, longest = 0;
  for (int s = 0; s < model.shift_count(); ++s) {
    gcd = std::gcd(gcd, model.Duration(s));
    longest = std::max(longest, model.Duration(s));
    start_.push_back(shifts[s].starts_at);
    end_.push_back(shifts[s].ends_at);
    day_.push_back(model.ShiftDay(s));
  }
  // The shifts of one day lie within 24 hours plus the longest shift: a larger cap never binds.
  const std::int64_t day_span = 24 * 3600 + longest;
  std::int64_t widest = 0;
  for (const Volunteer& v : model.instance().volunteers) {
    widest = std::max(widest, std::min(v.max_seconds_per_day, day_span));
  }
  unit_ = gcd > 0 ? gcd : 3600;
  if (widest / unit_ > kMaxUnits) unit_ = (widest + kMaxUnits - 1) / kMaxUnits;
  for (const Volunteer& v : model.instance().volunteers) {
    cap_units_.push_back(static_cast<int>(std::min(v.max_seconds_per_day, day_span) / unit_));
  }
  for (int s = 0; s < model.shift_count(); ++s) {
    units_.push_back(static_cast<int>(model.Duration(s) / unit_));
  }
}

std::int64_t BestSchedule(const ShiftTimes& times, std::vector<ScheduleItem>& items, int cap_units,
                          ScheduleScratch& scratch, std::vector<int>* chosen) {
  std::sort(items.begin(), items.end(), [&](const ScheduleItem& a, const ScheduleItem& b) {
    return std::make_tuple(times.Day(a.shift), times.End(a.shift), times.Start(a.shift), a.shift) <
           std::make_tuple(times.Day(b.shift), times.End(b.shift), times.Start(b.shift), b.shift);
  });
  const std::size_t width = static_cast<std::size_t>(cap_units) + 1;
  std::int64_t total = 0;
  for (std::size_t lo = 0, hi = 0; lo < items.size(); lo = hi) {
    while (hi < items.size() && times.Day(items[hi].shift) == times.Day(items[lo].shift)) ++hi;
    const std::size_t n = hi - lo;
    // table[k][u]: best weight of a chain of the first k shifts (by end) using exactly u units.
    scratch.table.assign((n + 1) * width, kNone);
    scratch.reach.assign(n, 0);
    scratch.table[0] = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const ScheduleItem& item = items[lo + j];
      // Shifts ending by this one's start form a prefix of the order by end.
      auto first = items.begin() + static_cast<std::ptrdiff_t>(lo);
      std::size_t k = static_cast<std::size_t>(
          std::partition_point(first, first + static_cast<std::ptrdiff_t>(j),
                               [&](const ScheduleItem& i) {
                                 return times.End(i.shift) <= times.Start(item.shift);
                               }) -
          first);
      scratch.reach[j] = static_cast<int>(k);
      const std::int64_t* from = &scratch.table[k * width];
      const std::int64_t* prev = &scratch.table[j * width];
      std::int64_t* next = &scratch.table[(j + 1) * width];
      const std::size_t d = static_cast<std::size_t>(times.Units(item.shift));
      for (std::size_t u = 0; u < width; ++u) {
        next[u] = prev[u];
        if (u >= d && from[u - d] != kNone) next[u] = std::max(next[u], from[u - d] + item.weight);
      }
    }
    const std::int64_t* last = &scratch.table[n * width];
    std::size_t u = static_cast<std::size_t>(std::max_element(last, last + width) - last);
    total += last[u];
    if (chosen == nullptr) continue;
    for (std::size_t k = n; k > 0;) {
      if (scratch.table[k * width + u] == scratch.table[(k - 1) * width + u]) {
        --k;
        continue;
      }
      chosen->push_back(items[lo + k - 1].shift);
      u -= static_cast<std::size_t>(times.Units(items[lo + k - 1].shift));
      k = static_cast<std::size_t>(scratch.reach[k - 1]);
    }
  }
  return total;
}

}  // namespace muster::dispatch
