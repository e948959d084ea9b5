#include "dispatch/coverage_bound.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "dispatch/parallel.h"

namespace muster::dispatch {
namespace {

// Multipliers are evaluated in 1/65536 of a priority unit, so every sum is an exact integer.
constexpr std::int64_t kScale = 65536;
constexpr int kMaxRounds = 150;
constexpr double kEnough = 1e-3;

// Volunteers who may take exactly the same shifts under the same cap (in units).
struct VolunteerClass {
  std::vector<int> volunteers;
  std::int64_t members = 0;
  int cap_units = 0;
  std::vector<int> shifts;  // usable shifts, ascending
};

using Profile = std::tuple<std::vector<std::string>, bool, std::optional<int>, std::optional<int>>;

// Groups volunteers by what decides their usable shifts: which requirement profiles (skills,
// risk, age limits) they meet and which (start, end) times their windows and cap allow.
std::vector<VolunteerClass> GroupVolunteers(const Model& model, const ShiftTimes& times) {
  const auto& shifts = model.instance().shifts;
  std::map<Profile, int> profile_of;
  std::map<std::pair<std::int64_t, std::int64_t>, int> time_of;
  std::vector<int> profile(shifts.size(), -1), time(shifts.size(), -1), profile_rep, time_rep;
  for (int s = 0; s < model.shift_count(); ++s) {
    if (shifts[s].headcount <= 0) continue;
    const Shift& x = shifts[s];
    auto p = profile_of.emplace(Profile{x.skills, x.high_risk, x.min_age, x.max_age},
                                int(profile_rep.size()));
    if (p.second) profile_rep.push_back(s);
    profile[s] = p.first->second;
    auto t = time_of.emplace(std::make_pair(x.starts_at, x.ends_at), int(time_rep.size()));
    if (t.second) time_rep.push_back(s);
    time[s] = t.first->second;
  }
  const std::size_t bits = profile_rep.size() + time_rep.size();
  auto has = [](const std::vector<std::uint64_t>& key, std::size_t bit) {
    return (key[bit / 64] >> (bit % 64)) & 1;
  };
  std::map<std::vector<std::uint64_t>, int> class_of;
  std::vector<VolunteerClass> classes;
  std::vector<std::vector<std::uint64_t>> keys;
  for (int v = 0; v < model.volunteer_count(); ++v) {
    std::vector<std::uint64_t> key((bits + 63) / 64 + 1, 0);
    for (std::size_t p = 0; p < profile_rep.size(); ++p) {
      int s = profile_rep[p];
      if (model.HasSkills(v, s) && model.RiskOk(v, s) && model.AgeOk(v, s)) {
        key[p / 64] |= std::uint64_t{1} << (p % 64);
      }
    }
    for (std::size_t t = 0; t < time_rep.size(); ++t) {
      std::size_t bit = profile_rep.size() + t;
      // A representative shift of this (start, end) decides availability and the cap alike.
      if (model.AvailableFor(v, time_rep[t]) &&
          model.Duration(time_rep[t]) <= model.instance().volunteers[v].max_seconds_per_day) {
        key[bit / 64] |= std::uint64_t{1} << (bit % 64);
      }
    }
    key.back() = std::uint64_t(times.CapUnits(v));
    auto [it, fresh] = class_of.emplace(key, int(classes.size()));
    if (fresh) {
      classes.push_back({{}, 0, times.CapUnits(v), {}});
      keys.push_back(key);
    }
    ++classes[std::size_t(it->second)].members;
    classes[std::size_t(it->second)].volunteers.push_back(v);
  }
  for (std::size_t k = 0; k < classes.size(); ++k) {
    for (int s = 0; s < model.shift_count(); ++s) {
      if (profile[s] >= 0 && has(keys[k], std::size_t(profile[s])) &&
          has(keys[k], profile_rep.size() + std::size_t(time[s]))) {
        classes[k].shifts.push_back(s);
      }
    }
  }
  return classes;
}

// The restricted master LP of column generation: one column per (class, schedule) found so
// far; rows: each shift at most its headcount, each class at most its member count.
class ScheduleMaster {
 public:
  ScheduleMaster(const Model& model, const std::vector<VolunteerClass>& classes)
      : model_(model), lp_(glp_create_prob()), shift_row_(model.shift_count(), 0) {
    glp_set_obj_dir(lp_, GLP_MAX);
    for (int s = 0; s < model.shift_count(); ++s) {
      if (model.instance().shifts[s].headcount <= 0) continue;
      shift_row_[s] = glp_add_rows(lp_, 1);
      glp_set_row_bnds(lp_, shift_row_[s], GLP_UP, 0, double(model.instance().shifts[s].headcount));
    }
    first_class_row_ = glp_get_num_rows(lp_) + 1;
    // GLPK aborts the process on a request for zero rows.
    if (!classes.empty()) glp_add_rows(lp_, int(classes.size()));
    for (std::size_t k = 0; k < classes.size(); ++k) {
      glp_set_row_bnds(lp_, first_class_row_ + int(k), GLP_UP, 0, double(classes[k].members));
    }
  }
  ~ScheduleMaster() { glp_delete_prob(lp_); }
  ScheduleMaster(const ScheduleMaster&) = delete;
  ScheduleMaster& operator=(const ScheduleMaster&) = delete;

  void AddColumn(int k, const std::vector<int>& shifts) {
    int col = glp_add_cols(lp_, 1);
    std::vector<int> rows{0, first_class_row_ + k};
    std::vector<double> ones{0, 1};
    double coverage = 0;
    for (int s : shifts) {
      rows.push_back(shift_row_[s]);
      ones.push_back(1);
      coverage += model_.instance().shifts[s].priority;
    }
    glp_set_mat_col(lp_, col, int(rows.size()) - 1, rows.data(), ones.data());
    glp_set_col_bnds(lp_, col, GLP_LO, 0, 0);
    glp_set_obj_coef(lp_, col, coverage);
    columns_.push_back({k, shifts, 0});
  }
  // Returns the columns with their values in the last LP solved.
  std::vector<CoverageLp::Column> Columns() const {
    std::vector<CoverageLp::Column> out = columns_;
    for (std::size_t j = 0; j < out.size(); ++j) out[j].value = glp_get_col_prim(lp_, int(j) + 1);
    return out;
  }
  // Returns the LP optimum, or nothing if GLPK failed.
  std::optional<double> Solve() {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    if (glp_simplex(lp_, &parm) != 0 || glp_get_status(lp_) != GLP_OPT) return std::nullopt;
    return glp_get_obj_val(lp_);
  }
  double ShiftDual(int s) const { return shift_row_[s] ? glp_get_row_dual(lp_, shift_row_[s]) : 0; }
  double ClassDual(int k) const { return glp_get_row_dual(lp_, first_class_row_ + k); }

 private:
  const Model& model_;
  glp_prob* lp_;
  std::vector<int> shift_row_;
  int first_class_row_ = 0;
  std::vector<CoverageLp::Column> columns_;
};

// The Lagrangian of CoverageBound at multipliers l = scaled / kScale: per class its best
// schedule and value (scaled), and the bound itself (scaled, exact).
struct Evaluation {
  std::vector<std::int64_t> value;
  std::vector<std::vector<int>> chosen;
  __int128 total = 0;
};

Evaluation Evaluate(const Model& model, const ShiftTimes& times,
                    const std::vector<VolunteerClass>& classes,
                    const std::vector<std::int64_t>& scaled) {
  const auto& shifts = model.instance().shifts;
  Evaluation e{std::vector<std::int64_t>(classes.size()),
               std::vector<std::vector<int>>(classes.size()), 0};
  ScheduleScratch scratch[2];
  std::vector<ScheduleItem> items[2];
  ForEachInParallel(classes.size(), [&](std::size_t k) {
    auto& list = items[k % 2];
    list.clear();
    for (int s : classes[k].shifts) {
      std::int64_t w = kScale * shifts[s].priority - scaled[s];
      if (w > 0) list.push_back({s, w});
    }
    e.value[k] = BestSchedule(times, list, classes[k].cap_units, scratch[k % 2], &e.chosen[k]);
  });
  for (int s = 0; s < model.shift_count(); ++s) {
    if (shifts[s].headcount > 0) e.total += __int128{scaled[s]} * shifts[s].headcount;
  }
  for (std::size_t k = 0; k < classes.size(); ++k)
    e.total += __int128{e.value[k]} * classes[k].members;
  return e;
}

}  // namespace

CoverageLp CoverageBound(const Model& model, const ShiftTimes& times,
                         const std::vector<std::vector<int>>& schedules, std::int64_t target,
                         const ProgressFn& progress) {
  const auto& shifts = model.instance().shifts;
  const std::vector<VolunteerClass> classes = GroupVolunteers(model, times);
  ScheduleMaster master(model, classes);
  // The known plan's schedules start the master, so its LP starts at the plan's coverage.
  std::set<std::pair<std::size_t, std::vector<int>>> seeds;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    for (int v : classes[k].volunteers) {
      std::vector<int> mine = schedules[v];
      std::sort(mine.begin(), mine.end());
      if (!mine.empty() && seeds.insert({k, mine}).second) master.AddColumn(int(k), mine);
    }
  }
  std::vector<std::int64_t> scaled(shifts.size(), 0);
  Evaluation e = Evaluate(model, times, classes, scaled);
  std::int64_t best = std::int64_t(e.total / kScale);
  int round = 0;
  for (; round < kMaxRounds && best > target; ++round) {
    int added = 0;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      if (e.chosen[k].empty()) continue;
      // The exact reduced cost, so that rounding never re-adds a column the LP already has.
      double reduced = -master.ClassDual(int(k));
      for (int s : e.chosen[k]) reduced += shifts[s].priority - master.ShiftDual(s);
      if (round == 0 || reduced > 1e-7) master.AddColumn(int(k), e.chosen[k]), ++added;
    }
    std::optional<double> lp = added > 0 ? master.Solve() : std::nullopt;
    if (!lp) break;
    // Any multipliers give a valid bound; the LP duals are the natural ones.
    for (int s = 0; s < model.shift_count(); ++s) {
      double l = std::clamp(master.ShiftDual(s), 0.0, double(shifts[s].priority));
      scaled[s] = std::llround(l * kScale);
    }
    e = Evaluate(model, times, classes, scaled);
    best = std::min(best, std::int64_t(e.total / kScale));
    // The restricted LP is a lower estimate of the Lagrangian's minimum: once the bound is
    // within a thousandth of it, little is left to gain.
    if (double(best) <= std::floor(*lp + 1e-6) + kEnough * double(best)) break;
    if (progress && round % 10 == 9) {
      progress("coverage bound: " + std::to_string(best) + " after " + std::to_string(round + 1) +
               " rounds, restricted LP " + std::to_string(*lp));
    }
  }
  if (progress) {
    progress("coverage bound " + std::to_string(best) + " after " + std::to_string(round) +
             " column generation rounds over " + std::to_string(classes.size()) +
             " volunteer classes");
  }
  CoverageLp result{best, {}, master.Columns()};
  for (const VolunteerClass& k : classes) result.members.push_back(k.volunteers);
  return result;
}

}  // namespace muster::dispatch
