#include "dispatch/model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace muster::dispatch {
namespace {

constexpr double kRadians = std::numbers::pi / 180.0;

double Haversine(double lat1, double lon1, double cos1, double lat2, double lon2, double cos2) {
  double dlat = std::sin((lat2 - lat1) / 2);
  double dlon = std::sin((lon2 - lon1) / 2);
  double h = dlat * dlat + cos1 * cos2 * dlon * dlon;
  return 2 * kEarthRadiusMetres * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace

double HaversineMetres(LatLon a, LatLon b) {
  return Haversine(a.lat * kRadians, a.lon * kRadians, std::cos(a.lat * kRadians), b.lat * kRadians,
                   b.lon * kRadians, std::cos(b.lat * kRadians));
}

Model::Model(const Instance& instance) : instance_(instance) {
  // Only skills some shift asks for matter; numbering them first keeps them in the 64-bit mask.
  std::map<std::string, int> numbers;
  for (const Shift& s : instance.shifts) {
    for (const std::string& skill : s.skills) numbers.emplace(skill, 0);
  }
  int next = 0;
  for (auto& [name, number] : numbers) number = next++;
  auto intern = [&](const std::vector<std::string>& names) {
    SkillSet set;
    for (const std::string& name : names) {
      auto it = numbers.find(name);
      if (it == numbers.end()) continue;
      if (it->second < 64) {
        set.mask |= std::uint64_t{1} << it->second;
      } else {
        set.beyond_64.push_back(it->second);
      }
    }
    std::sort(set.beyond_64.begin(), set.beyond_64.end());
    return set;
  };
  auto point = [](const std::optional<LatLon>& p) {
    if (!p) return Point{};
    return Point{true, p->lat * kRadians, p->lon * kRadians, std::cos(p->lat * kRadians)};
  };
  for (int i = 0; i < volunteer_count(); ++i) {
    const Volunteer& v = instance.volunteers[i];
    volunteer_skills_.push_back(intern(v.skills));
    homes_.push_back(point(v.home));
    if (v.unit) by_unit_[*v.unit].push_back(i);
    if (v.department) by_department_[*v.department].push_back(i);
  }
  for (const Shift& s : instance.shifts) {
    shift_skills_.push_back(intern(s.skills));
    sites_.push_back(point(s.site));
    shift_day_.push_back(DayOf(instance, s.starts_at));
  }
  min_penalty_ =
      std::min<std::int64_t>({0, instance.penalties.same_unit, instance.penalties.other_unit});
}

bool Model::HasSkills(int v, int s) const {
  const SkillSet& need = shift_skills_[s];
  const SkillSet& have = volunteer_skills_[v];
  if ((need.mask & ~have.mask) != 0) return false;
  return std::includes(have.beyond_64.begin(), have.beyond_64.end(), need.beyond_64.begin(),
                       need.beyond_64.end());
}

bool Model::AvailableFor(int v, int s) const {
  const Shift& shift = instance_.shifts[s];
  for (const Window& w : instance_.volunteers[v].available) {
    if (w.begin <= shift.starts_at && shift.ends_at <= w.end) return true;
  }
  return false;
}

bool Model::RiskOk(int v, int s) const {
  return !instance_.shifts[s].high_risk || instance_.volunteers[v].high_risk_ok;
}

bool Model::AgeOk(int v, int s) const {
  const Shift& shift = instance_.shifts[s];
  if (!shift.min_age && !shift.max_age) return true;
  const std::optional<int>& age = instance_.volunteers[v].age;
  if (!age) return false;
  return (!shift.min_age || *age >= *shift.min_age) && (!shift.max_age || *age <= *shift.max_age);
}

bool Model::Eligible(int v, int s) const {
  return HasSkills(v, s) && RiskOk(v, s) && AgeOk(v, s) && AvailableFor(v, s);
}

std::int64_t Model::Duration(int s) const {
  return instance_.shifts[s].ends_at - instance_.shifts[s].starts_at;
}

std::int64_t Model::Penalty(int v, int s) const {
  const Volunteer& vol = instance_.volunteers[v];
  const Shift& shift = instance_.shifts[s];
  if (vol.department && std::binary_search(shift.paired_departments.begin(),
                                           shift.paired_departments.end(), *vol.department)) {
    return 0;
  }
  if (vol.unit && shift.paired_unit && *vol.unit == *shift.paired_unit) {
    return instance_.penalties.same_unit;
  }
  return instance_.penalties.other_unit;
}

std::vector<int> Model::PairedVolunteers(int s) const {
  const Shift& shift = instance_.shifts[s];
  std::vector<int> out;
  auto take = [&](const std::map<std::int64_t, std::vector<int>>& index, std::int64_t key) {
    auto it = index.find(key);
    if (it != index.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  if (shift.paired_unit) take(by_unit_, *shift.paired_unit);
  for (std::int64_t d : shift.paired_departments) take(by_department_, d);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Model::Paired(int v, int s) const {
  const Volunteer& vol = instance_.volunteers[v];
  const Shift& shift = instance_.shifts[s];
  return (vol.unit && shift.paired_unit && *vol.unit == *shift.paired_unit) ||
         (vol.department && std::binary_search(shift.paired_departments.begin(),
                                               shift.paired_departments.end(), *vol.department));
}

std::int64_t Model::Metres(int v, int s) const {
  const Point& a = homes_[v];
  const Point& b = sites_[s];
  if (!a.present || !b.present) return 0;
  return std::llround(Haversine(a.lat, a.lon, a.cos_lat, b.lat, b.lon, b.cos_lat));
}

std::int64_t Model::Cost(int v, int s) const { return Metres(v, s) + Penalty(v, s); }

std::int64_t Model::MaxCostBound() const {
  // A path along a meridian then a parallel is no shorter than the great circle, so the spread
  // in latitude plus the spread in longitude (at most half a turn) bounds every distance.
  double lat_lo = 1e9, lat_hi = -1e9, lon_lo = 1e9, lon_hi = -1e9;
  bool any_home = false, any_site = false;
  auto extend = [&](const Point& p) {
    lat_lo = std::min(lat_lo, p.lat);
    lat_hi = std::max(lat_hi, p.lat);
    lon_lo = std::min(lon_lo, p.lon);
    lon_hi = std::max(lon_hi, p.lon);
  };
  for (const Point& p : homes_) {
    if (p.present) extend(p), any_home = true;
  }
  for (const Point& p : sites_) {
    if (p.present) extend(p), any_site = true;
  }
  double metres = 0;
  if (any_home && any_site) {
    double spread = (lat_hi - lat_lo) + std::min(lon_hi - lon_lo, std::numbers::pi);
    metres = std::min(spread, std::numbers::pi) * kEarthRadiusMetres;
  }
  std::int64_t penalty =
      std::max<std::int64_t>({0, instance_.penalties.same_unit, instance_.penalties.other_unit});
  return static_cast<std::int64_t>(std::ceil(metres)) + 1 + penalty;
}

}  // namespace muster::dispatch
