#include "dispatch/region_polish.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "dispatch/schedule_program.h"

namespace muster::dispatch {
namespace {

// About this many shifts per tile: regions of a few hundred volunteers, which the schedule
// program's cost stage closes in about a second (smaller tiles gained less on the benchmark).
constexpr double kShiftsPerTile = 100;

// A region is one step among many of a polish: it gets a tenth of the schedule program's
// search and columns and no feasibility pump, so that no region holds the solve for long.
ScheduleBudget RegionBudget() {
  ScheduleBudget budget;
  budget.max_columns = 40'000;
  budget.search_nodes = 20'000'000;
  budget.mip_nodes = 300;
  budget.pump = false;
  return budget;
}

struct Region {
  std::vector<int> shifts;      // of the instance
  std::vector<int> volunteers;  // of the instance, ascending
};

struct Totals {
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
};

// Solves `region` exactly on the places the other volunteers leave; returns its pairs (of the
// instance) when they beat `current`, the region's present pairs.
std::optional<std::vector<std::pair<int, int>>> SolveRegion(
    const Model& model, const Region& region, const std::vector<std::int64_t>& others_taken,
    const std::vector<std::pair<int, int>>& current) {
  const Instance& in = model.instance();
  Instance sub;
  sub.utc_offset_seconds = in.utc_offset_seconds;
  sub.penalties = in.penalties;
  for (int v : region.volunteers) sub.volunteers.push_back(in.volunteers[v]);
  for (int s : region.shifts) {
    sub.shifts.push_back(in.shifts[s]);
    sub.shifts.back().headcount = in.shifts[s].headcount - others_taken[s];
  }
  Model sub_model(sub);
  std::vector<int> volunteer_index(model.volunteer_count(), -1),
      shift_index(model.shift_count(), -1);
  for (int i = 0; i < int(region.volunteers.size()); ++i) volunteer_index[region.volunteers[i]] = i;
  for (int i = 0; i < int(region.shifts.size()); ++i) shift_index[region.shifts[i]] = i;
  std::vector<std::pair<int, int>> start;
  for (auto [s, v] : current) start.push_back({shift_index[s], volunteer_index[v]});
  std::optional<Solution> solved = ImproveCost(sub_model, start, RegionBudget());
  if (!solved) return std::nullopt;
  Totals before, after;
  for (auto [s, v] : current) {
    before.coverage += in.shifts[s].priority;
    before.cost += model.Cost(v, s);
  }
  std::vector<std::pair<int, int>> pairs;
  for (auto [s, v] : solved->pairs) {
    pairs.push_back({region.shifts[s], region.volunteers[v]});
    after.coverage += sub.shifts[s].priority;
    after.cost += sub_model.Cost(v, s);
  }
  bool better = after.coverage > before.coverage ||
                (after.coverage == before.coverage && after.cost < before.cost);
  if (!better) return std::nullopt;
  return pairs;
}

// Polishes each tile of one grid in turn (`tile` maps a point to its tile, of `tiles`);
// returns how many tiles improved the plan.
int PolishTiles(const Model& model, const std::function<int(LatLon)>& tile, int tiles,
                std::vector<std::pair<int, int>>& pairs) {
  const Instance& in = model.instance();
  std::vector<std::vector<int>> shifts_of(tiles);
  for (int s = 0; s < model.shift_count(); ++s) {
    if (in.shifts[s].site) shifts_of[tile(*in.shifts[s].site)].push_back(s);
  }
  int improved = 0;
  for (int t = 0; t < tiles; ++t) {
    if (shifts_of[t].empty()) continue;
    std::vector<std::vector<int>> plan_of(model.volunteer_count());
    std::vector<std::vector<int>> workers_of(model.shift_count());
    for (auto [s, v] : pairs) plan_of[v].push_back(s), workers_of[s].push_back(v);
    Region region;
    std::vector<char> in_region(model.volunteer_count(), 0), shift_in(model.shift_count(), 0);
    for (int s : shifts_of[t]) {
      for (int v : workers_of[s]) in_region[v] = 1;
    }
    for (int v = 0; v < model.volunteer_count(); ++v) {
      if (plan_of[v].empty() && in.volunteers[v].home && tile(*in.volunteers[v].home) == t) {
        in_region[v] = 1;
      }
    }
    for (int s : shifts_of[t]) shift_in[s] = 1;
    for (int v = 0; v < model.volunteer_count(); ++v) {
      if (!in_region[v]) continue;
      region.volunteers.push_back(v);
      for (int s : plan_of[v]) shift_in[s] = 1;
    }
    std::vector<std::int64_t> others_taken(model.shift_count(), 0);
    std::vector<std::pair<int, int>> current, kept;
    for (auto [s, v] : pairs) {
      if (in_region[v]) {
        current.push_back({s, v});
      } else {
        ++others_taken[s];
        kept.push_back({s, v});
      }
    }
    for (int s = 0; s < model.shift_count(); ++s) {
      if (shift_in[s]) region.shifts.push_back(s);
    }
    if (auto better = SolveRegion(model, region, others_taken, current)) {
      kept.insert(kept.end(), better->begin(), better->end());
      pairs = std::move(kept);
      ++improved;
    }
  }
  return improved;
}

}  // namespace

std::vector<std::pair<int, int>> PolishByRegions(const Model& model,
                                                 std::vector<std::pair<int, int>> pairs, int passes,
                                                 const ProgressFn& progress) {
  const Instance& in = model.instance();
  double lat_lo = 90, lat_hi = -90, lon_lo = 180, lon_hi = -180;
  for (const Shift& s : in.shifts) {
    if (!s.site) continue;
    lat_lo = std::min(lat_lo, s.site->lat), lat_hi = std::max(lat_hi, s.site->lat);
    lon_lo = std::min(lon_lo, s.site->lon), lon_hi = std::max(lon_hi, s.site->lon);
  }
  if (lat_lo > lat_hi) return pairs;
  int side = std::max(1, int(std::ceil(std::sqrt(double(in.shifts.size()) / kShiftsPerTile))));
  double lat_step = (lat_hi - lat_lo) / side + 1e-9, lon_step = (lon_hi - lon_lo) / side + 1e-9;
  int improved = 0, tiles = 0;
  // A second grid, shifted by half a tile, joins regions the first one cut apart.
  for (int pass = 0; pass < passes && (pass == 0 || side > 1); ++pass) {
    double offset = pass == 0 ? 0 : 0.5;
    int cells = side + (pass == 0 ? 0 : 1);
    auto tile = [&](LatLon p) {
      int row = std::clamp(int((p.lat - lat_lo) / lat_step + offset), 0, cells - 1);
      int col = std::clamp(int((p.lon - lon_lo) / lon_step + offset), 0, cells - 1);
      return row * cells + col;
    };
    improved += PolishTiles(model, tile, cells * cells, pairs);
    tiles += cells * cells;
  }
  std::sort(pairs.begin(), pairs.end());
  if (progress) {
    progress("regions: " + std::to_string(improved) + " of " + std::to_string(tiles) +
             " tiles improved");
  }
  return pairs;
}

}  // namespace muster::dispatch
