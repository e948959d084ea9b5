#include "dispatch/integer_program.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace muster::dispatch {
namespace {

glp_prob* Lp(void* p) { return static_cast<glp_prob*>(p); }

struct NodeBudget {
  int limit;
  int seen = 0;
  bool hit = false;
};

void CountNodes(glp_tree* tree, void* info) {
  auto* budget = static_cast<NodeBudget*>(info);
  // Counting nodes, not seconds, keeps the result the same on every run and machine.
  if (glp_ios_reason(tree) == GLP_ISELECT && ++budget->seen > budget->limit) {
    budget->hit = true;
    glp_ios_terminate(tree);
  }
}

}  // namespace

IntegerProgram::IntegerProgram(const Model& model, std::vector<Pair> pairs)
    : model_(model), pairs_(std::move(pairs)) {
  const auto& shifts = model.instance().shifts;
  std::sort(pairs_.begin(), pairs_.end(), [&](const Pair& a, const Pair& b) {
    if (a.volunteer != b.volunteer) return a.volunteer < b.volunteer;
    if (shifts[a.shift].starts_at != shifts[b.shift].starts_at) {
      return shifts[a.shift].starts_at < shifts[b.shift].starts_at;
    }
    return a.shift < b.shift;
  });
  glp_term_out(GLP_OFF);
  lp_ = glp_create_prob();
  Build();
}

IntegerProgram::~IntegerProgram() { glp_delete_prob(Lp(lp_)); }

void IntegerProgram::Build() {
  glp_prob* lp = Lp(lp_);
  const auto& shifts = model_.instance().shifts;
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  auto add_row = [&](int type, double lo, double hi) {
    int row = glp_add_rows(lp, 1);
    glp_set_row_bnds(lp, row, type, lo, hi);
    return row;
  };
  // GLPK aborts the process on a request for zero columns.
  if (!pairs_.empty()) glp_add_cols(lp, static_cast<int>(pairs_.size()));
  shift_row_.assign(shifts.size(), 0);
  volunteer_rows_.assign(model_.volunteer_count(), {});
  for (std::size_t j = 0; j < pairs_.size(); ++j) {
    int s = pairs_[j].shift;
    if (shift_row_[s] == 0) shift_row_[s] = add_row(GLP_UP, 0, double(shifts[s].headcount));
    glp_set_col_bnds(lp, int(j) + 1, GLP_DB, 0, 1);
    ia.push_back(shift_row_[s]), ja.push_back(int(j) + 1), ar.push_back(1);
  }
  // Per volunteer (pairs are grouped by volunteer, by start): a clique row at each start time
  // where two of its shifts run, unless the next start's clique contains it; a day row where its
  // shifts that day could exceed its hours.
  for (std::size_t lo = 0, hi = 0; lo < pairs_.size(); lo = hi) {
    int v = pairs_[lo].volunteer;
    while (hi < pairs_.size() && pairs_[hi].volunteer == v) ++hi;
    std::vector<std::vector<int>> cliques;
    std::vector<std::int64_t> times;
    for (std::size_t i = lo; i < hi; ++i) {
      std::int64_t t = shifts[pairs_[i].shift].starts_at;
      if (!times.empty() && times.back() == t) continue;
      std::vector<int> clique;
      for (std::size_t k = lo; k < hi && shifts[pairs_[k].shift].starts_at <= t; ++k) {
        if (shifts[pairs_[k].shift].ends_at > t) clique.push_back(int(k));
      }
      if (!cliques.empty() && std::includes(clique.begin(), clique.end(), cliques.back().begin(),
                                            cliques.back().end())) {
        cliques.pop_back(), times.pop_back();
      }
      cliques.push_back(std::move(clique)), times.push_back(t);
    }
    for (std::size_t c = 0; c < cliques.size(); ++c) {
      if (cliques[c].size() < 2) continue;
      int row = add_row(GLP_UP, 0, 1);
      volunteer_rows_[v].push_back({row, false, times[c]});
      for (int k : cliques[c]) ia.push_back(row), ja.push_back(k + 1), ar.push_back(1);
    }
    std::map<std::int64_t, std::int64_t> hours_by_day;
    for (std::size_t i = lo; i < hi; ++i) {
      hours_by_day[model_.ShiftDay(pairs_[i].shift)] += model_.Duration(pairs_[i].shift);
    }
    std::int64_t cap = model_.instance().volunteers[v].max_seconds_per_day;
    for (auto [day, total] : hours_by_day) {
      if (total <= cap) continue;
      int row = add_row(GLP_UP, 0, double(cap));
      volunteer_rows_[v].push_back({row, true, day});
      for (std::size_t i = lo; i < hi; ++i) {
        if (model_.ShiftDay(pairs_[i].shift) != day) continue;
        ia.push_back(row), ja.push_back(int(i) + 1),
            ar.push_back(double(model_.Duration(pairs_[i].shift)));
      }
    }
  }
  glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());
}

void IntegerProgram::SetStage(std::optional<std::int64_t> min_coverage) {
  glp_prob* lp = Lp(lp_);
  const auto& shifts = model_.instance().shifts;
  minimise_cost_ = min_coverage.has_value();
  glp_set_obj_dir(lp, minimise_cost_ ? GLP_MIN : GLP_MAX);
  for (std::size_t j = 0; j < pairs_.size(); ++j) {
    double coef = minimise_cost_ ? double(pairs_[j].cost) : shifts[pairs_[j].shift].priority;
    glp_set_obj_coef(lp, int(j) + 1, coef);
  }
  if (!minimise_cost_) return;
  if (coverage_row_ == 0) {
    coverage_row_ = glp_add_rows(lp, 1);
    std::vector<int> index{0};
    std::vector<double> value{0};
    for (std::size_t j = 0; j < pairs_.size(); ++j) {
      index.push_back(int(j) + 1);
      value.push_back(shifts[pairs_[j].shift].priority);
    }
    glp_set_mat_row(lp, coverage_row_, int(index.size()) - 1, index.data(), value.data());
  }
  glp_set_row_bnds(lp, coverage_row_, GLP_LO, double(*min_coverage), 0);
}

std::optional<double> IntegerProgram::SolveRelaxation() {
  glp_prob* lp = Lp(lp_);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT) {
    // A warm basis that went bad is retried once from scratch.
    glp_adv_basis(lp, 0);
    if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT) return std::nullopt;
  }
  duals_.assign(glp_get_num_rows(lp) + 1, 0);
  for (int i = 1; i <= glp_get_num_rows(lp); ++i) duals_[i] = glp_get_row_dual(lp, i);
  return glp_get_obj_val(lp);
}

double IntegerProgram::ReducedCost(int v, int s, std::int64_t cost) const {
  const Shift& shift = model_.instance().shifts[s];
  double d = minimise_cost_ ? double(cost) : shift.priority;
  if (shift_row_[s] != 0) d -= duals_[shift_row_[s]];
  if (coverage_row_ != 0 && minimise_cost_) d -= duals_[coverage_row_] * shift.priority;
  if (v < 0) return d;  // a volunteer with no rows in the program
  for (const VolunteerRow& r : volunteer_rows_[v]) {
    if (r.is_day && r.time == model_.ShiftDay(s)) {
      d -= duals_[r.row] * double(model_.Duration(s));
    } else if (!r.is_day && shift.starts_at <= r.time && r.time < shift.ends_at) {
      d -= duals_[r.row];
    }
  }
  return d;
}

std::optional<std::vector<Pair>> IntegerProgram::SolveInteger(int node_limit, bool* proven,
                                                              int time_limit_ms) {
  glp_prob* lp = Lp(lp_);
  for (std::size_t j = 0; j < pairs_.size(); ++j) glp_set_col_kind(lp, int(j) + 1, GLP_BV);
  NodeBudget budget{node_limit};
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.cb_func = CountNodes;
  parm.cb_info = &budget;
  // Integer costs: any better plan is better by at least 1, far above this tolerance.
  parm.tol_obj = 1e-12;
  if (time_limit_ms > 0) parm.tm_lim = time_limit_ms;
  int rc = glp_intopt(lp, &parm);
  int status = glp_mip_status(lp);
  for (std::size_t j = 0; j < pairs_.size(); ++j) glp_set_col_kind(lp, int(j) + 1, GLP_CV);
  *proven = rc == 0 && status == GLP_OPT && !budget.hit;
  if (status != GLP_OPT && status != GLP_FEAS) return std::nullopt;
  std::vector<Pair> chosen;
  for (std::size_t j = 0; j < pairs_.size(); ++j) {
    if (glp_mip_col_val(lp, int(j) + 1) > 0.5) chosen.push_back(pairs_[j]);
  }
  return chosen;
}

}  // namespace muster::dispatch
