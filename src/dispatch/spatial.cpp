#include "dispatch/spatial.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "dispatch/model.h"

namespace muster::dispatch {
namespace {

constexpr double kRadians = std::numbers::pi / 180.0;
constexpr int kTargetPerCell = 8;
constexpr int kMaxSide = 2048;

}  // namespace

VolunteerGrid::VolunteerGrid(const Instance& instance) {
  std::vector<int> located;
  lat0_ = lon0_ = std::numeric_limits<double>::max();
  lat1_ = lon1_ = std::numeric_limits<double>::lowest();
  for (int v = 0; v < static_cast<int>(instance.volunteers.size()); ++v) {
    const auto& home = instance.volunteers[v].home;
    if (!home) {
      homeless_.push_back(v);
      continue;
    }
    located.push_back(v);
    lat0_ = std::min(lat0_, home->lat);
    lat1_ = std::max(lat1_, home->lat);
    lon0_ = std::min(lon0_, home->lon);
    lon1_ = std::max(lon1_, home->lon);
  }
  if (located.empty()) return;
  // Square cells in metres, sized for a handful of homes each.
  double height = std::max((lat1_ - lat0_) * kRadians * kEarthRadiusMetres, 1.0);
  double mid_cos = std::max(std::cos((lat0_ + lat1_) / 2 * kRadians), 0.01);
  double width = std::max((lon1_ - lon0_) * kRadians * kEarthRadiusMetres * mid_cos, 1.0);
  double cells = std::max(1.0, static_cast<double>(located.size()) / kTargetPerCell);
  double side = std::sqrt(height * width / cells);
  rows_ = std::clamp(static_cast<int>(std::ceil(height / side)), 1, kMaxSide);
  cols_ = std::clamp(static_cast<int>(std::ceil(width / side)), 1, kMaxSide);
  cell_lat_ = std::max((lat1_ - lat0_) / rows_, 1e-9);
  cell_lon_ = std::max((lon1_ - lon0_) / cols_, 1e-9);
  min_cos_lat_ = std::max(0.0, std::min(std::cos(lat0_ * kRadians), std::cos(lat1_ * kRadians)));

  cell_start_.assign(static_cast<std::size_t>(rows_) * cols_ + 1, 0);
  std::vector<int> cell_of(located.size());
  for (std::size_t i = 0; i < located.size(); ++i) {
    const LatLon& home = *instance.volunteers[located[i]].home;
    cell_of[i] = RowOf(home.lat) * cols_ + ColOf(home.lon);
    ++cell_start_[cell_of[i] + 1];
  }
  for (std::size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
  members_.resize(located.size());
  std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (std::size_t i = 0; i < located.size(); ++i) members_[fill[cell_of[i]]++] = located[i];
}

int VolunteerGrid::RowOf(double lat) const {
  return std::clamp(static_cast<int>(std::floor((lat - lat0_) / cell_lat_)), 0, rows_ - 1);
}

int VolunteerGrid::ColOf(double lon) const {
  return std::clamp(static_cast<int>(std::floor((lon - lon0_) / cell_lon_)), 0, cols_ - 1);
}

double VolunteerGrid::BoundOutside(const LatLon& site, int center_row, int center_col,
                                   int radius) const {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // Cells beyond the ring lie past one of its four sides; a side at the grid's edge has none.
  double bound = kInf;
  auto latitude_gap = [&](double gap_degrees) {
    return std::max(0.0, gap_degrees) * kRadians * kEarthRadiusMetres;
  };
  if (center_row + radius < rows_ - 1) {
    bound = std::min(bound, latitude_gap(lat0_ + (center_row + radius + 1) * cell_lat_ - site.lat));
  }
  if (center_row - radius > 0) {
    bound = std::min(bound, latitude_gap(site.lat - (lat0_ + (center_row - radius) * cell_lat_)));
  }
  // In longitude, haversine gives hav(d/R) >= cos(lat_site) * min cos(lat) * hav(dlon), valid
  // only while no longitude difference can wrap around the antimeridian.
  bool no_wrap = std::max(lon1_, site.lon) - std::min(lon0_, site.lon) <= 180.0;
  auto longitude_gap = [&](double gap_degrees) {
    if (!no_wrap || gap_degrees <= 0) return 0.0;
    double s = std::sin(gap_degrees * kRadians / 2);
    double h = std::cos(site.lat * kRadians) * min_cos_lat_ * s * s;
    return 2 * kEarthRadiusMetres * std::asin(std::min(1.0, std::sqrt(h)));
  };
  if (center_col + radius < cols_ - 1) {
    bound =
        std::min(bound, longitude_gap(lon0_ + (center_col + radius + 1) * cell_lon_ - site.lon));
  }
  if (center_col - radius > 0) {
    bound = std::min(bound, longitude_gap(site.lon - (lon0_ + (center_col - radius) * cell_lon_)));
  }
  // A metre of slack absorbs rounding in the cell arithmetic.
  return bound == kInf ? kInf : std::max(0.0, bound - 1.0);
}

}  // namespace muster::dispatch
