#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "dispatch/instance.h"

namespace muster::dispatch {

inline constexpr double kEarthRadiusMetres = 6371008.8;

// Returns the haversine great-circle distance in metres between two points.
double HaversineMetres(LatLon a, LatLon b);

// The rules of DISPATCH.md on an Instance, precomputed for the solvers' inner loops: eligibility,
// cost, calendar days. Volunteers and shifts are addressed by their index in the Instance.
// Holds a reference to `instance`, which must outlive it.
class Model {
 public:
  explicit Model(const Instance& instance);

  const Instance& instance() const { return instance_; }
  int volunteer_count() const { return static_cast<int>(instance_.volunteers.size()); }
  int shift_count() const { return static_cast<int>(instance_.shifts.size()); }

  // Returns whether volunteer `v` may take shift `s` on its own (window, skills, risk, age).
  // Daily caps and overlaps with other shifts are constraints on plans, not on pairs.
  bool Eligible(int v, int s) const;
  // Returns c(v, s) = round(haversine metres) + unit penalty.
  std::int64_t Cost(int v, int s) const;
  // Returns the rounded distance part of c(v, s) (0 when the home or the site is absent).
  std::int64_t Metres(int v, int s) const;
  // Returns the unit penalty part of c(v, s).
  std::int64_t Penalty(int v, int s) const;
  // Returns the volunteers whose department is paired with `s` or whose unit is its paired unit,
  // ascending: the only ones whose penalty is not penalties.other_unit.
  std::vector<int> PairedVolunteers(int s) const;
  // Returns whether v is among PairedVolunteers(s).
  bool Paired(int v, int s) const;
  // Returns the smallest penalty any pair can carry (a lower bound for pruning by distance).
  std::int64_t MinPenalty() const { return min_penalty_; }
  // Returns the calendar day of shift `s` (the day of its start, in the instance's timezone).
  std::int64_t ShiftDay(int s) const { return shift_day_[s]; }
  std::int64_t Duration(int s) const;
  // Returns whether the skills of `s` are all among those of `v`.
  bool HasSkills(int v, int s) const;
  bool AvailableFor(int v, int s) const;
  bool RiskOk(int v, int s) const;
  bool AgeOk(int v, int s) const;
  // Returns an upper bound on c(v, s) over every pair (for the lexicographic weight).
  std::int64_t MaxCostBound() const;

 private:
  struct SkillSet {
    std::uint64_t mask = 0;      // skills numbered below 64
    std::vector<int> beyond_64;  // sorted skill numbers from 64 on
  };
  struct Point {
    bool present = false;
    double lat = 0;  // radians
    double lon = 0;  // radians
    double cos_lat = 1;
  };

  const Instance& instance_;
  std::vector<Point> homes_;
  std::vector<Point> sites_;
  std::vector<SkillSet> volunteer_skills_;
  std::vector<SkillSet> shift_skills_;
  std::vector<std::int64_t> shift_day_;
  std::map<std::int64_t, std::vector<int>> by_unit_;
  std::map<std::int64_t, std::vector<int>> by_department_;
  std::int64_t min_penalty_ = 0;
};

}  // namespace muster::dispatch
