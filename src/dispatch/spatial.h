#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "dispatch/instance.h"

namespace muster::dispatch {

// A grid of volunteers' homes in latitude and longitude, searched in square rings around a site.
// Each ring comes with a proven lower bound on the great-circle distance of every volunteer not yet
// visited, so a caller can stop as soon as no farther volunteer can matter. Volunteers without a
// home are at distance 0 from every site and are visited first. Holds no reference to the instance.
class VolunteerGrid {
 public:
  explicit VolunteerGrid(const Instance& instance);

  // Calls visit(v) for volunteer indices in rings of growing distance from `site`; after each ring
  // calls stop(lower_bound_metres), where the bound holds for every volunteer not yet visited, and
  // ends when it returns true or all volunteers are visited. Without a site every volunteer is at
  // distance 0 and all are visited. The order is deterministic.
  template <typename Visit, typename Stop>
  void Search(const std::optional<LatLon>& site, Visit&& visit, Stop&& stop) const;

 private:
  // Returns the lower bound in metres for homes outside `ring` (infinity when none are).
  double BoundOutside(const LatLon& site, int center_row, int center_col, int radius) const;
  int RowOf(double lat) const;
  int ColOf(double lon) const;
  template <typename Visit>
  void VisitCell(int row, int col, Visit& visit) const {
    int cell = row * cols_ + col;
    for (int i = cell_start_[cell]; i < cell_start_[cell + 1]; ++i) visit(members_[i]);
  }

  std::vector<int> homeless_;
  std::vector<int> cell_start_;  // CSR offsets into members_, rows_ * cols_ + 1 entries
  std::vector<int> members_;     // volunteer indices by cell, ascending within a cell
  int rows_ = 0;
  int cols_ = 0;
  double lat0_ = 0, lon0_ = 0;          // degrees, south-west corner
  double cell_lat_ = 1, cell_lon_ = 1;  // degrees
  double lat1_ = 0, lon1_ = 0;          // degrees, north-east corner of the homes
  double min_cos_lat_ = 1;              // smallest cos(latitude) over the grid
};

template <typename Visit, typename Stop>
void VolunteerGrid::Search(const std::optional<LatLon>& site, Visit&& visit, Stop&& stop) const {
  for (int v : homeless_) visit(v);
  if (rows_ == 0) return;
  if (!site) {
    for (int v : members_) visit(v);
    return;
  }
  int center_row = RowOf(site->lat);
  int center_col = ColOf(site->lon);
  int max_radius =
      std::max({center_row, rows_ - 1 - center_row, center_col, cols_ - 1 - center_col});
  for (int r = 0; r <= max_radius; ++r) {
    for (int row = center_row - r; row <= center_row + r; ++row) {
      if (row < 0 || row >= rows_) continue;
      bool edge_row = row == center_row - r || row == center_row + r;
      int step = edge_row ? 1 : 2 * r;
      for (int col = center_col - r; col <= center_col + r; col += std::max(step, 1)) {
        if (col >= 0 && col < cols_) VisitCell(row, col, visit);
      }
    }
    if (r < max_radius && stop(BoundOutside(*site, center_row, center_col, r))) return;
  }
}

}  // namespace muster::dispatch
