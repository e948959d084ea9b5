#include "dispatch/schedule_program.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "dispatch/schedule_search.h"

namespace muster::dispatch {
namespace {

// A column of negative reduced cost must be below this to enter; the bound allows for it.
constexpr double kTolerance = 1e-6;
// Relative allowance for rounding in the bounds' floating-point sums (exact multipliers aside,
// a sum of a few thousand doubles errs by far less).
constexpr double kRounding = 1e-10;

struct Column {
  int block;
  std::vector<int> positions;
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
};

struct NodeBudget {
  int limit;
  const std::vector<double>* incumbent;  // GLPK column values from index 1, or empty
  int seen = 0;
  bool hit = false;
  bool offered = false;
};

void OnBranch(glp_tree* tree, void* info) {
  auto* budget = static_cast<NodeBudget*>(info);
  int reason = glp_ios_reason(tree);
  if (reason == GLP_IHEUR && !budget->offered && budget->incumbent->size() > 1) {
    budget->offered = true;
    glp_ios_heur_sol(tree, budget->incumbent->data());
  }
  // Counting nodes, not seconds, keeps the result the same on every run and machine.
  if (reason == GLP_ISELECT && ++budget->seen > budget->limit) {
    budget->hit = true;
    glp_ios_terminate(tree);
  }
}

// What one stage ends with: the chosen columns, the Lagrangian lower bound of the stage's
// objective (minimised), and whether the chosen columns are proven optimal.
struct StageResult {
  std::vector<int> chosen;
  double lower = 0;
  bool proven = false;
};

class ScheduleProgram {
 public:
  ScheduleProgram(const Model& model, std::vector<ScheduleBlock> blocks,
                  const ScheduleBudget& budget, const ProgressFn& progress);
  ~ScheduleProgram() { glp_delete_prob(lp_); }
  ScheduleProgram(const ScheduleProgram&) = delete;
  ScheduleProgram& operator=(const ScheduleProgram&) = delete;

  std::optional<Solution> Run();
  // Runs the cost stage alone from the feasible `plan`, at its coverage.
  std::optional<Solution> Improve(const std::vector<std::pair<int, int>>& plan);

 private:
  // Minimises -coverage when `min_coverage` is empty, else cost at coverage >= *min_coverage.
  void SetStage(std::optional<std::int64_t> min_coverage);
  int AddColumn(int block, std::vector<int> positions);
  bool SolveLp();
  std::vector<double> Weights(int block) const;
  int Price(double* lower);
  bool Generate(double* lower);
  bool AddWithin(double lower, double target);
  std::optional<std::vector<int>> SolveInteger(const std::vector<int>& incumbent, bool pump,
                                               bool* closed);
  std::optional<std::vector<int>> Dive();
  void ExcludeBeyond(double lower, double target);
  bool MeetsBound(const std::vector<int>& chosen, double lower) const;
  std::optional<StageResult> RunStage(const std::vector<int>& incumbent);
  void Pump(StageResult* result);
  bool Complete(StageResult* result);
  double Objective(const std::vector<int>& chosen) const;
  std::vector<int> Greedy();
  std::vector<int> Columns(const std::vector<std::pair<int, int>>& plan);
  Solution Take(const std::vector<int>& chosen, std::optional<Bound> bound,
                std::string method) const;
  void Say(const std::string& line) const {
    if (progress_) progress_(line);
  }

  const Model& model_;
  std::vector<ScheduleBlock> blocks_;
  ScheduleBudget budget_;
  ProgressFn progress_;  // a copy: callers may pass a temporary
  glp_prob* lp_;
  std::vector<int> shift_row_;  // per shift: GLPK row or 0
  int first_block_row_ = 0;
  int coverage_row_ = 0;
  std::optional<std::int64_t> min_coverage_;
  std::vector<Column> columns_;                        // GLPK column j + 1
  std::vector<std::map<std::vector<int>, int>> seen_;  // per block: positions -> column
  // The multipliers of the last full pricing and each block's lowest reduced cost under them
  // (or minus the tolerance when none was below it): what the lower bound was computed from.
  std::vector<double> shift_dual_;
  double coverage_dual_ = 0;
  std::vector<double> block_lowest_;
  std::vector<int> excluded_;  // GLPK columns fixed at 0 for the current completion
  std::int64_t steps_ = 0;
};

ScheduleProgram::ScheduleProgram(const Model& model, std::vector<ScheduleBlock> blocks,
                                 const ScheduleBudget& budget, const ProgressFn& progress)
    : model_(model),
      blocks_(std::move(blocks)),
      budget_(budget),
      progress_(progress),
      lp_(glp_create_prob()),
      shift_row_(model.shift_count(), 0),
      seen_(blocks_.size()),
      shift_dual_(model.shift_count(), 0),
      block_lowest_(blocks_.size(), 0) {
  glp_term_out(GLP_OFF);
  glp_set_obj_dir(lp_, GLP_MIN);
  for (const ScheduleBlock& block : blocks_) {
    for (int s : block.shifts) {
      if (shift_row_[s] != 0) continue;
      shift_row_[s] = glp_add_rows(lp_, 1);
      glp_set_row_bnds(lp_, shift_row_[s], GLP_UP, 0, double(model.instance().shifts[s].headcount));
    }
  }
  // Block rows follow the shift rows: block b is row first_block_row_ + b.
  if (blocks_.empty()) return;  // GLPK refuses to add zero rows
  first_block_row_ = glp_add_rows(lp_, int(blocks_.size()));
  for (int b = 0; b < int(blocks_.size()); ++b) {
    glp_set_row_bnds(lp_, first_block_row_ + b, GLP_UP, 0, 1);
  }
}

int ScheduleProgram::AddColumn(int block, std::vector<int> positions) {
  if (!seen_[block].emplace(positions, int(columns_.size())).second) return 0;
  const ScheduleBlock& b = blocks_[block];
  const auto& shifts = model_.instance().shifts;
  Column column{block, std::move(positions)};
  std::vector<int> index{0};
  std::vector<double> value{0};
  for (int p : column.positions) {
    int s = b.shifts[p];
    column.coverage += shifts[s].priority;
    column.cost += model_.Cost(b.volunteer, s);
    index.push_back(shift_row_[s]), value.push_back(1);
  }
  index.push_back(first_block_row_ + block), value.push_back(1);
  if (coverage_row_ != 0) index.push_back(coverage_row_), value.push_back(double(column.coverage));
  int j = glp_add_cols(lp_, 1);
  glp_set_col_bnds(lp_, j, GLP_DB, 0, 1);
  glp_set_mat_col(lp_, j, int(index.size()) - 1, index.data(), value.data());
  glp_set_obj_coef(lp_, j, min_coverage_ ? double(column.cost) : -double(column.coverage));
  columns_.push_back(std::move(column));
  return 1;
}

void ScheduleProgram::SetStage(std::optional<std::int64_t> min_coverage) {
  min_coverage_ = min_coverage;
  if (min_coverage && coverage_row_ == 0) {
    coverage_row_ = glp_add_rows(lp_, 1);
    std::vector<int> index{0};
    std::vector<double> value{0};
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      index.push_back(int(j) + 1), value.push_back(double(columns_[j].coverage));
    }
    glp_set_mat_row(lp_, coverage_row_, int(index.size()) - 1, index.data(), value.data());
  }
  if (min_coverage) glp_set_row_bnds(lp_, coverage_row_, GLP_LO, double(*min_coverage), 0);
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    glp_set_obj_coef(lp_, int(j) + 1,
                     min_coverage ? double(columns_[j].cost) : -double(columns_[j].coverage));
  }
}

bool ScheduleProgram::SolveLp() {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  int rc = glp_simplex(lp_, &parm);
  if (rc == 0 && glp_get_status(lp_) == GLP_OPT) return true;
  if (rc == 0 && glp_get_status(lp_) == GLP_NOFEAS) return false;  // a proven answer
  // A warm basis that went bad is retried once from scratch.
  glp_adv_basis(lp_, 0);
  return glp_simplex(lp_, &parm) == 0 && glp_get_status(lp_) == GLP_OPT;
}

// Returns the reduced-cost weight of each position of `block` under the stored multipliers.
std::vector<double> ScheduleProgram::Weights(int block) const {
  const ScheduleBlock& b = blocks_[block];
  const auto& shifts = model_.instance().shifts;
  std::vector<double> weights;
  for (int s : b.shifts) {
    double objective =
        min_coverage_ ? double(model_.Cost(b.volunteer, s)) : -double(shifts[s].priority);
    weights.push_back(objective - shift_dual_[s] - coverage_dual_ * shifts[s].priority);
  }
  return weights;
}

// Reads the LP's duals as Lagrangian multipliers (clamped to their valid signs, so the bound
// holds whatever the LP's accuracy), finds each block's lowest reduced cost and adds that
// column when it is negative. Sets *lower to the Lagrangian bound of these multipliers; returns
// the columns added, or -1 when a search ran out of steps.
int ScheduleProgram::Price(double* lower) {
  const auto& shifts = model_.instance().shifts;
  double bound = 0;
  for (int s = 0; s < model_.shift_count(); ++s) {
    shift_dual_[s] = shift_row_[s] ? std::min(0.0, glp_get_row_dual(lp_, shift_row_[s])) : 0;
    bound += shift_dual_[s] * double(shifts[s].headcount);
  }
  coverage_dual_ = 0;
  if (min_coverage_) {
    coverage_dual_ = std::max(0.0, glp_get_row_dual(lp_, coverage_row_));
    bound += coverage_dual_ * double(*min_coverage_);
  }
  int added = 0;
  for (int b = 0; b < int(blocks_.size()); ++b) {
    std::vector<double> weights = Weights(b);
    ScheduleSearch search(model_, blocks_[b], weights, &steps_, budget_.search_nodes);
    double best = 0;
    std::vector<int> positions;
    bool found = search.Lowest(-kTolerance, &best, &positions);
    if (search.stopped()) return -1;
    block_lowest_[b] = found ? best : -kTolerance;
    bound += block_lowest_[b];
    // The column improves the LP only if it is below the block row's dual too.
    double block_dual = std::min(0.0, glp_get_row_dual(lp_, first_block_row_ + b));
    if (found && best < block_dual - kTolerance) added += AddColumn(b, std::move(positions));
  }
  *lower = bound;
  return added;
}

// Column generation to the LP optimum over every schedule; false when the budget ran out.
bool ScheduleProgram::Generate(double* lower) {
  for (int round = 1;; ++round) {
    if (!SolveLp()) {
      Say("schedules: the LP failed");
      return false;
    }
    double restricted = glp_get_obj_val(lp_);
    int added = Price(lower);
    // Objectives are integers: once the bound rounds up to where the restricted LP does, no
    // further round can raise the rounded bound (the LP over every schedule lies between).
    auto up = [](double x) { return std::ceil(x - kRounding * (1 + std::fabs(x))); };
    if (added > 0 && up(*lower) >= up(restricted)) added = 0;
    if (added < 0 || std::int64_t(columns_.size()) > budget_.max_columns) {
      Say("schedules: over budget after " + std::to_string(round) + " pricing rounds (" +
          std::to_string(columns_.size()) + " schedules, " + std::to_string(steps_) + " steps)");
      return false;
    }
    if (added == 0) {
      Say(std::string(min_coverage_ ? "cost" : "coverage") + " LP: " + std::to_string(round) +
          " pricing rounds, " + std::to_string(columns_.size()) + " schedules, bound " +
          std::to_string(min_coverage_ ? *lower : -*lower));
      return true;
    }
  }
}

// Adds every schedule that could be part of a plan of objective <= target: under the stored
// multipliers a plan using column j of block b has objective >= lower + rc(j) - lowest(b).
bool ScheduleProgram::AddWithin(double lower, double target) {
  double slack = target - lower + kRounding * (1 + std::fabs(target));
  std::vector<std::vector<int>> found;
  for (int b = 0; b < int(blocks_.size()); ++b) {
    std::vector<double> weights = Weights(b);
    ScheduleSearch search(model_, blocks_[b], weights, &steps_, budget_.search_nodes);
    found.clear();
    std::size_t room =
        std::size_t(std::max<std::int64_t>(0, budget_.max_columns - std::int64_t(columns_.size())));
    if (!search.AllAtMost(block_lowest_[b] + slack, room, &found)) return false;
    for (auto& positions : found) AddColumn(b, std::move(positions));
  }
  return true;
}

// Returns GLPK's best plan on the columns not excluded, from `incumbent`, with its feasibility
// pump when `pump`; sets *closed when the search ended within its node budget.
std::optional<std::vector<int>> ScheduleProgram::SolveInteger(const std::vector<int>& incumbent,
                                                              bool pump, bool* closed) {
  int n = int(columns_.size());
  std::vector<double> start(n + 1, 0);
  for (int j : incumbent) start[j + 1] = 1;
  for (int j = 1; j <= n; ++j) glp_set_col_kind(lp_, j, GLP_BV);
  NodeBudget budget{budget_.mip_nodes, &start};
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.cb_func = OnBranch;
  parm.cb_info = &budget;
  // Integer objectives: a better plan is better by at least 1, far above this tolerance.
  parm.tol_obj = 1e-9;
  parm.fp_heur = pump ? GLP_ON : GLP_OFF;
  int rc = glp_intopt(lp_, &parm);
  int status = glp_mip_status(lp_);
  std::vector<int> chosen;
  if (status == GLP_OPT || status == GLP_FEAS) {
    for (int j = 1; j <= n; ++j) {
      if (glp_mip_col_val(lp_, j) > 0.5) chosen.push_back(j - 1);
    }
  }
  for (int j = 1; j <= n; ++j) glp_set_col_kind(lp_, j, GLP_CV);
  // Closed: optimal on these columns, or proven to have no plan at all.
  *closed = rc == 0 && (status == GLP_OPT || status == GLP_NOFEAS) && !budget.hit;
  Say("integer program: " + std::to_string(budget.seen) + " nodes, " +
      (status == GLP_OPT || status == GLP_FEAS ? "objective " + std::to_string(glp_mip_obj_val(lp_))
                                               : std::string("no plan")) +
      (*closed ? ", closed" : ""));
  if (status != GLP_OPT && status != GLP_FEAS) return std::nullopt;
  return chosen;
}

double ScheduleProgram::Objective(const std::vector<int>& chosen) const {
  double total = 0;
  for (int j : chosen) {
    total += min_coverage_ ? double(columns_[j].cost) : -double(columns_[j].coverage);
  }
  return total;
}

// Returns the plan reached by diving in the LP of the generated columns: columns above one half
// are fixed at 1 (highest first, while their shifts have room), else the one nearest to 1, until
// the LP's optimum is integral; nothing if it became infeasible. Leaves the LP solved.
std::optional<std::vector<int>> ScheduleProgram::Dive() {
  const auto& shifts = model_.instance().shifts;
  std::vector<int> fixed;
  std::vector<std::int64_t> taken(shifts.size(), 0);
  std::optional<std::vector<int>> plan;
  auto fix = [&](int j) {
    glp_set_col_bnds(lp_, j, GLP_FX, 1, 1);
    fixed.push_back(j);
    const ScheduleBlock& block = blocks_[columns_[j - 1].block];
    for (int p : columns_[j - 1].positions) ++taken[block.shifts[p]];
  };
  auto unfix = [&](int j) {
    glp_set_col_bnds(lp_, j, GLP_DB, 0, 1);
    fixed.erase(std::find(fixed.begin(), fixed.end(), j));
    const ScheduleBlock& block = blocks_[columns_[j - 1].block];
    for (int p : columns_[j - 1].positions) --taken[block.shifts[p]];
  };
  auto fits = [&](int j) {
    const ScheduleBlock& block = blocks_[columns_[j - 1].block];
    for (int p : columns_[j - 1].positions) {
      if (taken[block.shifts[p]] >= shifts[block.shifts[p]].headcount) return false;
    }
    return true;
  };
  std::vector<int> step;  // columns fixed by the last step
  int solves = 0, infeasible = 0;
  for (;; ++solves) {
    if (!SolveLp()) {
      ++infeasible;
      // Fixing several at once can leave no room (for the coverage row): fix the first alone.
      if (step.size() < 2) break;
      for (std::size_t k = 1; k < step.size(); ++k) unfix(step[k]);
      step.resize(1);
      continue;
    }
    std::vector<std::pair<double, int>> open;  // (-x, column) of fractional or unfixed columns
    for (int j = 1; j <= int(columns_.size()); ++j) {
      double x = glp_get_col_prim(lp_, j);
      if (x > kTolerance && glp_get_col_type(lp_, j) != GLP_FX) open.push_back({-x, j});
    }
    bool integral = std::all_of(open.begin(), open.end(),
                                [](const auto& o) { return o.first <= -1 + kTolerance; });
    if (integral) {
      plan.emplace();
      for (int j = 1; j <= int(columns_.size()); ++j) {
        if (glp_get_col_prim(lp_, j) > 0.5) plan->push_back(j - 1);
      }
      break;
    }
    std::sort(open.begin(), open.end());
    step.clear();
    // Under the coverage row of the cost stage, fixing several fractional columns at once
    // nearly always leaves too little coverage: there only whole ones are fixed together.
    double above = min_coverage_ ? 1 - kTolerance : 0.5;
    for (auto [x, j] : open) {
      if (-x < above) break;
      if (fits(j)) fix(j), step.push_back(j);
    }
    if (step.empty()) fix(open.front().second), step.push_back(open.front().second);
  }
  for (int j : fixed) glp_set_col_bnds(lp_, j, GLP_DB, 0, 1);
  SolveLp();
  Say("dive: " + std::to_string(solves) + " LP solves (" + std::to_string(infeasible) +
      " infeasible), " +
      (plan ? "objective " + std::to_string(std::llround(Objective(*plan)))
            : std::string("no plan")));
  return plan;
}

// Keeps in the program only the columns that could be part of a plan of objective <= target
// (see AddWithin); the others are fixed at 0 and listed in excluded_.
void ScheduleProgram::ExcludeBeyond(double lower, double target) {
  double slack = target - lower + kRounding * (1 + std::fabs(target));
  std::vector<std::vector<double>> weights(blocks_.size());
  for (int j = 0; j < int(columns_.size()); ++j) {
    int b = columns_[j].block;
    if (weights[b].empty()) weights[b] = Weights(b);
    double value = 0;
    for (int p : columns_[j].positions) value += weights[b][p];
    if (value > block_lowest_[b] + slack) {
      glp_set_col_bnds(lp_, j + 1, GLP_FX, 0, 0);
      excluded_.push_back(j + 1);
    }
  }
}

// Whether no plan has objective below that of `chosen`, by the bound.
bool ScheduleProgram::MeetsBound(const std::vector<int>& chosen, double lower) const {
  double target = std::round(Objective(chosen)) - 1;
  return target < lower - kRounding * (1 + std::fabs(lower));
}

// One stage from a feasible `incumbent`: the LP bound by column generation, a dive for a plan,
// and when that does not meet the bound, the integer program on exactly the columns that could
// still lead to a better plan (all of them, generated for the purpose), the others excluded.
std::optional<StageResult> ScheduleProgram::RunStage(const std::vector<int>& incumbent) {
  StageResult result{incumbent};
  if (!Generate(&result.lower)) return std::nullopt;
  if (auto dived = Dive()) {
    if (Objective(*dived) < Objective(result.chosen)) result.chosen = *dived;
  }
  // Coverage is degenerate (many schedules of equal coverage), so few columns are ruled out by
  // the bound: GLPK's own search with its feasibility pump comes first there; cost, where the
  // completion is small, goes to the completion first.
  if (!min_coverage_ && !MeetsBound(result.chosen, result.lower)) Pump(&result);
  if (!MeetsBound(result.chosen, result.lower) && !Complete(&result) && min_coverage_) {
    Pump(&result);
    Complete(&result);
  }
  result.proven = result.proven || MeetsBound(result.chosen, result.lower);
  return result;
}

// Improves result->chosen by GLPK's search on the generated columns.
void ScheduleProgram::Pump(StageResult* result) {
  if (!budget_.pump) return;
  bool closed = false;
  if (auto found = SolveInteger(result->chosen, true, &closed)) {
    if (Objective(*found) < Objective(result->chosen)) result->chosen = *found;
  }
}

// Solves the integer program on every column that could lead to a plan better than
// result->chosen (all generated, the others excluded); sets result->proven when that closes.
// Returns false when the columns exceed the budget.
bool ScheduleProgram::Complete(StageResult* result) {
  if (!budget_.complete) return false;
  double target = std::round(Objective(result->chosen)) - 1;
  std::size_t before = columns_.size();
  if (!AddWithin(result->lower, target)) return false;
  ExcludeBeyond(result->lower, target);
  Say("completion: " + std::to_string(columns_.size() - before) + " schedules added, " +
      std::to_string(columns_.size() - excluded_.size()) + " could do better");
  if (!SolveLp()) {
    // No plan of objective <= target at all.
    result->proven = glp_get_status(lp_) == GLP_NOFEAS;
  } else if (glp_get_obj_val(lp_) > target + kRounding * (1 + std::fabs(target))) {
    result->proven = true;
  } else {
    bool closed = false;
    if (auto found = SolveInteger(result->chosen, false, &closed)) {
      if (Objective(*found) < Objective(result->chosen)) result->chosen = *found;
    }
    result->proven = closed;
  }
  for (int j : excluded_) glp_set_col_bnds(lp_, j, GLP_DB, 0, 1);
  excluded_.clear();
  SolveLp();
  return true;
}

// Returns a first plan: pairs by priority (highest first), then cost, each kept when it fits.
std::vector<int> ScheduleProgram::Greedy() {
  const auto& shifts = model_.instance().shifts;
  struct Candidate {
    int block, position, shift;
    std::int64_t cost;
  };
  std::vector<Candidate> order;
  for (int b = 0; b < int(blocks_.size()); ++b) {
    for (int p = 0; p < int(blocks_[b].shifts.size()); ++p) {
      int s = blocks_[b].shifts[p];
      order.push_back({b, p, s, model_.Cost(blocks_[b].volunteer, s)});
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](const Candidate& a, const Candidate& b) {
    if (shifts[a.shift].priority != shifts[b.shift].priority) {
      return shifts[a.shift].priority > shifts[b.shift].priority;
    }
    return a.cost < b.cost;
  });
  std::vector<std::int64_t> filled(shifts.size(), 0);
  std::vector<std::vector<int>> taken(blocks_.size());  // positions, ascending
  for (const Candidate& c : order) {
    if (filled[c.shift] >= shifts[c.shift].headcount) continue;
    std::vector<int> trial = taken[c.block];
    trial.insert(std::upper_bound(trial.begin(), trial.end(), c.position), c.position);
    // A set of positions is a schedule when each next one starts after the previous ends and
    // each day's seconds fit the cap.
    const ScheduleBlock& block = blocks_[c.block];
    std::vector<std::int64_t> seconds(block.days, 0);
    bool fits = true;
    for (std::size_t k = 0; k < trial.size() && fits; ++k) {
      if (k > 0 && trial[k] < block.next[trial[k - 1]]) fits = false;
      seconds[block.day[trial[k]]] += model_.Duration(block.shifts[trial[k]]);
      if (seconds[block.day[trial[k]]] >
          model_.instance().volunteers[block.volunteer].max_seconds_per_day) {
        fits = false;
      }
    }
    if (!fits) continue;
    taken[c.block] = std::move(trial);
    ++filled[c.shift];
  }
  std::vector<int> chosen;
  for (int b = 0; b < int(blocks_.size()); ++b) {
    if (taken[b].empty()) continue;
    AddColumn(b, taken[b]);
    chosen.push_back(int(columns_.size()) - 1);
  }
  return chosen;
}

Solution ScheduleProgram::Take(const std::vector<int>& chosen, std::optional<Bound> bound,
                               std::string method) const {
  Solution solution{{}, bound, std::move(method)};
  for (int j : chosen) {
    const ScheduleBlock& block = blocks_[columns_[j].block];
    for (int p : columns_[j].positions)
      solution.pairs.push_back({block.shifts[p], block.volunteer});
  }
  std::sort(solution.pairs.begin(), solution.pairs.end());
  return solution;
}

std::optional<Solution> ScheduleProgram::Run() {
  if (blocks_.empty()) return Solution{{}, Bound{0, 0}, "exact_small"};
  std::vector<int> greedy = Greedy();
  SetStage(std::nullopt);
  std::optional<StageResult> coverage = RunStage(greedy);
  if (!coverage) return std::nullopt;
  std::int64_t reached = std::llround(-Objective(coverage->chosen));
  std::int64_t coverage_bound =
      std::int64_t(std::floor(-coverage->lower + kRounding * (1 + std::fabs(coverage->lower))));
  Say("schedules: coverage " + std::to_string(reached) + " of at most " +
      std::to_string(coverage_bound) + (coverage->proven ? " (proven)" : ""));
  SetStage(reached);
  std::optional<StageResult> cost = RunStage(coverage->chosen);
  if (!cost) return Take(coverage->chosen, std::nullopt, "heuristic_bounded");
  if (coverage->proven && cost->proven) return Take(cost->chosen, std::nullopt, "exact_small");
  // The cost bound holds for every plan of coverage >= reached.
  std::int64_t cost_bound =
      std::int64_t(std::ceil(cost->lower - kRounding * (1 + std::fabs(cost->lower))));
  Bound bound{coverage->proven ? reached : coverage_bound, std::max<std::int64_t>(0, cost_bound)};
  return Take(cost->chosen, bound, "heuristic_bounded");
}

// Returns the columns of a plan given as (shift, volunteer) pairs, added where missing.
std::vector<int> ScheduleProgram::Columns(const std::vector<std::pair<int, int>>& plan) {
  std::map<int, std::vector<int>> positions;  // block -> positions
  for (auto [s, v] : plan) {
    auto first = std::lower_bound(blocks_.begin(), blocks_.end(), v,
                                  [](const ScheduleBlock& b, int w) { return b.volunteer < w; });
    for (auto b = first; b != blocks_.end() && b->volunteer == v; ++b) {
      auto at = std::find(b->shifts.begin(), b->shifts.end(), s);
      if (at != b->shifts.end())
        positions[int(b - blocks_.begin())].push_back(int(at - b->shifts.begin()));
    }
  }
  std::vector<int> chosen;
  for (auto& [b, list] : positions) {
    std::sort(list.begin(), list.end());
    AddColumn(b, list);
    chosen.push_back(seen_[b].at(list));
  }
  return chosen;
}

std::optional<Solution> ScheduleProgram::Improve(const std::vector<std::pair<int, int>>& plan) {
  if (blocks_.empty()) return std::nullopt;
  std::vector<int> start = Columns(plan);
  std::int64_t coverage = 0;
  for (int j : start) coverage += columns_[j].coverage;
  SetStage(coverage);
  std::optional<StageResult> cost = RunStage(start);
  if (!cost) return std::nullopt;
  return Take(cost->chosen, std::nullopt, cost->proven ? "exact_small" : "heuristic_bounded");
}

}  // namespace

std::optional<Solution> ImproveCost(const Model& model,
                                    const std::vector<std::pair<int, int>>& plan,
                                    const ScheduleBudget& budget, const PairFilter& allowed) {
  std::int64_t pairs = 0;
  std::vector<ScheduleBlock> blocks = BuildBlocks(model, budget.max_pairs, &pairs, allowed);
  if (pairs > budget.max_pairs) return std::nullopt;
  ScheduleProgram program(model, std::move(blocks), budget, nullptr);
  return program.Improve(plan);
}

std::optional<Solution> SolveSchedules(const Model& model, const ScheduleBudget& budget,
                                       const ProgressFn& progress) {
  std::int64_t pairs = 0;
  std::vector<ScheduleBlock> blocks = BuildBlocks(model, budget.max_pairs, &pairs);
  if (progress) {
    progress("schedules: " + std::to_string(pairs) + " usable pairs in " +
             std::to_string(blocks.size()) + " volunteer days" +
             (pairs > budget.max_pairs ? ", too many" : ""));
  }
  if (pairs > budget.max_pairs) return std::nullopt;
  ScheduleProgram program(model, std::move(blocks), budget, progress);
  return program.Run();
}

}  // namespace muster::dispatch
