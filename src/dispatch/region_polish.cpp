#include "dispatch/region_polish.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "dispatch/schedule_program.h"

namespace muster::dispatch {
namespace {

// About this many shifts per tile. On the pool's pairs the schedule program's cost stage closes
// such a region in about half a second on the benchmark city; tiles of 100 gained less, and
// tiles of 450 often exceeded the region's budget.
constexpr double kShiftsPerTile = 250;

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

// The plan being polished and what the regions read of it.
class Polisher {
 public:
  Polisher(const Model& model, const CandidatePool* pool, std::vector<std::pair<int, int>> pairs)
      : model_(model), pool_(pool), pairs_(std::move(pairs)) {}

  // Polishes the region of `seeds` (shifts) and `extra` (volunteers, besides the seeds'
  // workers); returns whether the plan improved.
  bool Polish(const std::vector<int>& seeds, const std::vector<int>& extra);
  // Returns, per volunteer, whether he works no shift in the plan.
  std::vector<char> Idle() const;
  // Returns the plan, leaving the polisher empty.
  std::vector<std::pair<int, int>> TakePairs() { return std::move(pairs_); }
  // Returns the plan's cost.
  std::int64_t Cost() const {
    std::int64_t cost = 0;
    for (auto [s, v] : pairs_) cost += model_.Cost(v, s);
    return cost;
  }
  // Returns whether the region may use the pair (v, s).
  bool Allowed(int v, int s) const { return pool_ == nullptr || pool_->Find(v, s) != nullptr; }
  // Returns how many regions exceeded the schedule program's budget (left as they were).
  int over_budget() const { return over_budget_; }

 private:
  std::optional<std::vector<std::pair<int, int>>> Solve(
      const Region& region, const std::vector<std::int64_t>& others_taken,
      const std::vector<std::pair<int, int>>& current);

  const Model& model_;
  const CandidatePool* pool_;
  std::vector<std::pair<int, int>> pairs_;
  int over_budget_ = 0;
};

std::vector<char> Polisher::Idle() const {
  std::vector<char> idle(model_.volunteer_count(), 1);
  for (auto [s, v] : pairs_) idle[v] = 0;
  return idle;
}

// Solves `region` exactly on the places the other volunteers leave; returns its pairs (of the
// instance) when they beat `current`, the region's present pairs.
std::optional<std::vector<std::pair<int, int>>> Polisher::Solve(
    const Region& region, const std::vector<std::int64_t>& others_taken,
    const std::vector<std::pair<int, int>>& current) {
  const Instance& in = model_.instance();
  Instance sub;
  sub.utc_offset_seconds = in.utc_offset_seconds;
  sub.penalties = in.penalties;
  for (int v : region.volunteers) sub.volunteers.push_back(in.volunteers[v]);
  for (int s : region.shifts) {
    sub.shifts.push_back(in.shifts[s]);
    sub.shifts.back().headcount = in.shifts[s].headcount - others_taken[s];
  }
  Model sub_model(sub);
  std::vector<int> volunteer_index(model_.volunteer_count(), -1),
      shift_index(model_.shift_count(), -1);
  for (int i = 0; i < int(region.volunteers.size()); ++i) volunteer_index[region.volunteers[i]] = i;
  for (int i = 0; i < int(region.shifts.size()); ++i) shift_index[region.shifts[i]] = i;
  std::vector<std::pair<int, int>> start;
  for (auto [s, v] : current) start.push_back({shift_index[s], volunteer_index[v]});
  PairFilter allowed = nullptr;
  if (pool_ != nullptr) {
    // The region's own plan stays possible, so the program can start from it.
    std::vector<std::vector<int>> planned(region.volunteers.size());  // by region volunteer
    for (auto [s, v] : start) planned[v].push_back(s);
    allowed = [&, planned](int v, int s) {
      return pool_->Find(region.volunteers[v], region.shifts[s]) != nullptr ||
             std::find(planned[v].begin(), planned[v].end(), s) != planned[v].end();
    };
  }
  std::optional<Solution> solved = ImproveCost(sub_model, start, RegionBudget(), allowed);
  if (!solved) {
    ++over_budget_;
    return std::nullopt;
  }
  Totals before, after;
  for (auto [s, v] : current) {
    before.coverage += in.shifts[s].priority;
    before.cost += model_.Cost(v, s);
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

bool Polisher::Polish(const std::vector<int>& seeds, const std::vector<int>& extra) {
  std::vector<std::vector<int>> plan_of(model_.volunteer_count());
  std::vector<std::vector<int>> workers_of(model_.shift_count());
  for (auto [s, v] : pairs_) plan_of[v].push_back(s), workers_of[s].push_back(v);
  std::vector<char> in_region(model_.volunteer_count(), 0), shift_in(model_.shift_count(), 0);
  for (int s : seeds) {
    shift_in[s] = 1;
    for (int v : workers_of[s]) in_region[v] = 1;
  }
  for (int v : extra) in_region[v] = 1;
  Region region;
  for (int v = 0; v < model_.volunteer_count(); ++v) {
    if (!in_region[v]) continue;
    region.volunteers.push_back(v);
    for (int s : plan_of[v]) shift_in[s] = 1;
  }
  std::vector<std::int64_t> others_taken(model_.shift_count(), 0);
  std::vector<std::pair<int, int>> current, kept;
  for (auto [s, v] : pairs_) {
    if (in_region[v]) {
      current.push_back({s, v});
    } else {
      ++others_taken[s];
      kept.push_back({s, v});
    }
  }
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (shift_in[s]) region.shifts.push_back(s);
  }
  std::optional<std::vector<std::pair<int, int>>> better = Solve(region, others_taken, current);
  if (!better) return false;
  kept.insert(kept.end(), better->begin(), better->end());
  pairs_ = std::move(kept);
  return true;
}

// Polishes the shifts paired with each unit, with every volunteer paired with one of them who
// may take it; returns how many regions improved the plan and adds the regions tried to
// *regions.
int PolishPaired(const Model& model, Polisher& polisher, int* regions) {
  std::map<std::int64_t, std::vector<int>> shifts_of_unit;
  for (int s = 0; s < model.shift_count(); ++s) {
    const Shift& shift = model.instance().shifts[s];
    if (shift.paired_unit && shift.headcount > 0) shifts_of_unit[*shift.paired_unit].push_back(s);
  }
  int improved = 0;
  for (const auto& [unit, seeds] : shifts_of_unit) {
    std::vector<int> extra;
    // A paired volunteer who may take none of the seeds would only bring his own shifts.
    for (int s : seeds) {
      for (int v : model.PairedVolunteers(s)) {
        if (polisher.Allowed(v, s)) extra.push_back(v);
      }
    }
    improved += polisher.Polish(seeds, extra) ? 1 : 0;
    ++*regions;
  }
  return improved;
}

// Polishes each tile of one grid in turn (`tile` maps a point to its tile, of `tiles`), with
// the idle volunteers living in it; returns how many tiles improved the plan.
int PolishTiles(const Model& model, Polisher& polisher, const std::function<int(LatLon)>& tile,
                int tiles) {
  const Instance& in = model.instance();
  std::vector<std::vector<int>> shifts_of(tiles);
  for (int s = 0; s < model.shift_count(); ++s) {
    if (in.shifts[s].site) shifts_of[tile(*in.shifts[s].site)].push_back(s);
  }
  int improved = 0;
  for (int t = 0; t < tiles; ++t) {
    if (shifts_of[t].empty()) continue;
    std::vector<char> idle = polisher.Idle();
    std::vector<int> extra;
    for (int v = 0; v < model.volunteer_count(); ++v) {
      if (idle[v] && in.volunteers[v].home && tile(*in.volunteers[v].home) == t) extra.push_back(v);
    }
    improved += polisher.Polish(shifts_of[t], extra) ? 1 : 0;
  }
  return improved;
}

}  // namespace

std::vector<std::pair<int, int>> PolishByRegions(const Model& model, const CandidatePool* pool,
                                                 std::vector<std::pair<int, int>> pairs, int passes,
                                                 const ProgressFn& progress) {
  const Instance& in = model.instance();
  Polisher polisher(model, pool, std::move(pairs));
  double lat_lo = 90, lat_hi = -90, lon_lo = 180, lon_hi = -180;
  for (const Shift& s : in.shifts) {
    if (!s.site) continue;
    lat_lo = std::min(lat_lo, s.site->lat), lat_hi = std::max(lat_hi, s.site->lat);
    lon_lo = std::min(lon_lo, s.site->lon), lon_hi = std::max(lon_hi, s.site->lon);
  }
  int side = std::max(1, int(std::ceil(std::sqrt(double(in.shifts.size()) / kShiftsPerTile))));
  double lat_step = (lat_hi - lat_lo) / side + 1e-9, lon_step = (lon_hi - lon_lo) / side + 1e-9;
  int improved = 0, regions = 0;
  auto say = [&](int pass, const char* done) {
    if (!progress) return;
    progress("regions: pass " + std::to_string(pass + 1) + ", " + done + ": " +
             std::to_string(improved) + " of " + std::to_string(regions) + " improved (" +
             std::to_string(polisher.over_budget()) + " over budget), cost " +
             std::to_string(polisher.Cost()));
  };
  for (int pass = 0; pass < passes; ++pass) {
    improved += PolishPaired(model, polisher, &regions);
    say(pass, "paired");
    if (lat_lo > lat_hi || (pass > 0 && side == 1)) continue;
    // Each pass shifts the grid by half a tile along one axis or both, so that regions the
    // previous grids cut apart are joined.
    constexpr double kOffsets[4][2] = {{0, 0}, {0.5, 0.5}, {0.5, 0}, {0, 0.5}};
    double lat_offset = kOffsets[pass % 4][0], lon_offset = kOffsets[pass % 4][1];
    int rows = side + (lat_offset > 0 ? 1 : 0), cols = side + (lon_offset > 0 ? 1 : 0);
    auto tile = [&](LatLon p) {
      int row = std::clamp(int((p.lat - lat_lo) / lat_step + lat_offset), 0, rows - 1);
      int col = std::clamp(int((p.lon - lon_lo) / lon_step + lon_offset), 0, cols - 1);
      return row * cols + col;
    };
    int cells = rows * cols;
    improved += PolishTiles(model, polisher, tile, cells);
    regions += cells;
    say(pass, "tiles");
  }
  std::vector<std::pair<int, int>> out = polisher.TakePairs();
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace muster::dispatch
