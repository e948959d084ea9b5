#include "dispatch/cost_bound.h"

#include <ClpSimplex.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "dispatch/parallel.h"

namespace muster::dispatch {
namespace {

constexpr std::size_t kChunks = 64;         // volunteers are priced in this many slices
constexpr std::int64_t kAddPerRound = 256;  // pairs a shift may gain per pricing round
// Limits of the column generation, counted so that runs repeat: LP solves in all, and
// certifications (each prices every pair below the duals into the pool).
constexpr int kMaxSolves = 200;
constexpr int kMaxCertifications = 16;
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
// A schedule enters the master when its reduced cost is below minus this many cost units; costs
// are integers, and weights are priced in sixteenths, so a column already present (reduced cost
// zero or more) can never pass it again.
constexpr double kEnter = 0.5;
constexpr double kWeightScale = 16;
// The master over the pool is settled when the Lagrangian value at its duals is within this
// share of its objective: the pool is then grown by the pairs those duals price in.
constexpr double kSettled = 1e-6;
// The subgradient method that runs when the master LP spent its budget: pricing rounds, each
// after a run of steps whose scale halves after some without progress and carries over.
constexpr int kRounds = 6;
constexpr int kStepsPerRound = 150;
constexpr int kPatience = 20;
constexpr double kLeastScale = 4e-3;  // a round starts at no smaller scale
constexpr double kEndScale = 1e-3;    // a round ends when the scale falls below this
constexpr double kDeflection = 0.5;   // share of the previous direction kept
constexpr double kStall = 2e-3;       // a round raising the bound less than this ends it
constexpr double kPositive = 1e-9;    // an LP value above this is not zero
constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::min();

// A pair seen from its volunteer's side.
struct Offer {
  int shift = 0;
  std::int64_t cost = 0;
};

// The restricted master LP of the cost bound on CLP: a column per generated schedule (a volunteer
// and shifts), minimise cost subject to headcount rows, one coverage row (>= C) and one row per
// volunteer (<= 1, added when its first schedule is). Its duals are the Lagrangian multipliers.
class CostMaster {
 public:
  CostMaster(const Model& model, const std::vector<char>& fillable, std::int64_t coverage)
      : model_(model), row_of_(model.volunteer_count(), -1) {
    const auto& shifts = model.instance().shifts;
    lp_.setLogLevel(0);
    lp_.resize(model.shift_count() + 1, 0);
    for (int s = 0; s < model.shift_count(); ++s) {
      lp_.setRowBounds(s, -COIN_DBL_MAX, fillable[s] ? double(shifts[s].headcount) : 0.0);
    }
    lp_.setRowBounds(model.shift_count(), double(coverage), COIN_DBL_MAX);
  }

  // Queues the schedule `shifts` of volunteer v; Flush adds the queued ones to the LP.
  void Queue(int v, const std::vector<int>& shifts) {
    const auto& all = model_.instance().shifts;
    double cost = 0, coverage = 0;
    for (int s : shifts) {
      cost += double(model_.Cost(v, s));
      coverage += double(all[s].priority);
      rows_.push_back(s);
      elements_.push_back(1.0);
    }
    rows_.push_back(model_.shift_count());
    elements_.push_back(coverage);
    if (row_of_[v] < 0) {
      row_of_[v] = lp_.numberRows() + int(new_rows_);
      ++new_rows_;
    }
    rows_.push_back(row_of_[v]);
    elements_.push_back(1.0);
    objective_.push_back(cost);
    starts_.push_back(CoinBigIndex(rows_.size()));
    columns_.push_back({v, shifts, 0.0});
  }

  void Flush() {
    if (new_rows_ > 0) {
      std::vector<double> lower(new_rows_, -COIN_DBL_MAX), upper(new_rows_, 1.0);
      std::vector<CoinBigIndex> starts(new_rows_ + 1, 0);
      lp_.addRows(int(new_rows_), lower.data(), upper.data(), starts.data(), nullptr, nullptr);
      new_rows_ = 0;
    }
    if (objective_.empty()) return;
    std::vector<double> lower(objective_.size(), 0.0), upper(objective_.size(), COIN_DBL_MAX);
    lp_.addColumns(int(objective_.size()), lower.data(), upper.data(), objective_.data(),
                   starts_.data(), rows_.data(), elements_.data());
    objective_.clear();
    rows_.clear();
    elements_.clear();
    starts_.assign(1, 0);
  }

  enum class Outcome { kOptimal, kStopped, kFailed };
  // Solves the LP from the last basis within `max_work` (iterations x rows). When stopped on
  // that limit, the basis reached is primal feasible (the plan's columns make every basis
  // from the first one so) and its duals are prices like any others. An LP without columns (no
  // plan, nothing priced) is left alone: CLP does not take one.
  Outcome Solve(std::int64_t max_work) {
    Flush();
    std::int64_t max_iterations = max_work / std::max(1, lp_.numberRows());
    if (lp_.numberColumns() == 0 || max_iterations <= 0) return Outcome::kFailed;
    lp_.setMaximumIterations(int(std::min<std::int64_t>(max_iterations, kIntMax)));
    lp_.primal();
    iterations_ += lp_.numberIterations();
    work_ += std::int64_t{lp_.numberIterations()} * lp_.numberRows();
    if (lp_.status() == 0) return Outcome::kOptimal;
    return lp_.status() == 3 ? Outcome::kStopped : Outcome::kFailed;
  }
  std::int64_t iterations() const { return iterations_; }
  std::int64_t work() const { return work_; }

  double objective() const { return lp_.objectiveValue(); }

  // Returns the schedules of the last solution with a positive value.
  std::vector<ScheduleValue> Solution() const {
    std::vector<ScheduleValue> out;
    const double* x = lp_.primalColumnSolution();
    for (int j = 0; j < lp_.numberColumns(); ++j) {
      if (x[j] <= kPositive) continue;
      out.push_back(columns_[std::size_t(j)]);
      out.back().value = std::min(1.0, x[j]);
    }
    return out;
  }
  int columns() const { return lp_.numberColumns(); }

  // Sets the price of every place, n(s) = sigma priority(s) + y(s) clamped at 0 (y <= 0 being
  // the headcount row's dual, sigma the coverage row's), and each volunteer's dual u(v) >= 0.
  void Duals(const std::vector<char>& fillable, std::vector<double>* nu,
             std::vector<double>* u) const {
    const auto& shifts = model_.instance().shifts;
    const double* dual = lp_.dualRowSolution();
    double sigma = dual[model_.shift_count()];
    for (int s = 0; s < model_.shift_count(); ++s) {
      (*nu)[s] = fillable[s] ? std::max(0.0, sigma * double(shifts[s].priority) + dual[s]) : 0.0;
    }
    for (int v = 0; v < model_.volunteer_count(); ++v) {
      (*u)[v] = row_of_[v] >= 0 ? std::max(0.0, -dual[row_of_[v]]) : 0.0;
    }
  }

 private:
  const Model& model_;
  ClpSimplex lp_;
  std::vector<int> row_of_;  // per volunteer, its row, or -1
  std::size_t new_rows_ = 0;
  std::int64_t iterations_ = 0;  // simplex iterations, all solves
  std::int64_t work_ = 0;        // the same times the rows at each solve
  std::vector<double> objective_, elements_;
  std::vector<int> rows_;
  std::vector<CoinBigIndex> starts_{0};
  std::vector<ScheduleValue> columns_;  // every column queued, in the LP's order
};

struct Evaluation {
  std::int64_t bound = kNoBound;     // the Lagrangian value rounded up to an integer cost
  double value = 0;                  // the same, unrounded, for the subgradient's steps
  std::vector<std::int64_t> demand;  // per shift, the volunteers whose best schedule takes it
  int top = -1;                      // the shift that sets mu, or -1 when mu = 0
};

class CostDual {
 public:
  CostDual(const Model& model, const ShiftTimes& times, CandidatePool& pool,
           const SliceSearch& plan);
  // Work (simplex iterations x the LP's rows, all solves) is counted because an iteration's
  // cost grows with the rows; the one-day 20,000 x 4,000 city of seed 7 needs 1.2 billion.
  std::int64_t Run(const ProgressFn& progress, std::vector<ScheduleValue>* lp,
                   std::int64_t max_work);

 private:
  void IndexPool();
  // The Lagrangian value at integer prices, rounded up to an integer cost (exact), with what the
  // subgradient needs.
  Evaluation Evaluate(const std::vector<std::int64_t>& prices);
  // Solves every volunteer's subproblem over its pool pairs weighted by `weight(shift, cost)`
  // (pairs of weight 0 or less left out), in kChunks slices on two threads, and calls
  // `take(chunk, volunteer, best weight, its shifts)` for each volunteer with a pair left.
  template <typename Weight, typename Take>
  void SolveEach(const Weight& weight, const Take& take);
  // The subgradient method from prices read off the plan, aimed at its cost, with a pricing
  // round after each run of steps; returns the best certified bound.
  std::int64_t Subgradient(const ProgressFn& progress);
  // Runs steps from `nu`; returns the prices of the best evaluation, its bound in *best.
  std::vector<std::int64_t> Ascend(std::vector<double> nu, std::int64_t* best);
  std::vector<double> WarmStart() const;
  // Queues in `master` each volunteer's best schedule under prices `nu` whose reduced cost
  // (against its dual u) is below -kEnter; returns how many, and sets *value to the Lagrangian
  // value at `nu` over the pool (in floating point, to judge the master settled).
  int Price(const std::vector<double>& nu, const std::vector<double>& u, CostMaster& master,
            double* value);

  const Model& model_;
  const ShiftTimes& times_;
  CandidatePool& pool_;
  const SliceSearch& plan_;
  std::vector<char> fillable_;                    // F: shifts some volunteer may take
  std::int64_t deficit_ = 0;                      // P - C
  std::vector<std::vector<Offer>> by_volunteer_;  // the pool's pairs by volunteer
  double scale_ = 1.0;                            // the subgradient's step scale
};

CostDual::CostDual(const Model& model, const ShiftTimes& times, CandidatePool& pool,
                   const SliceSearch& plan)
    : model_(model), times_(times), pool_(pool), plan_(plan), fillable_(model.shift_count(), 0) {
  std::int64_t places = 0;
  for (int s = 0; s < model.shift_count(); ++s) {
    const Shift& shift = model.instance().shifts[s];
    fillable_[s] = shift.headcount > 0 && !(pool.Complete(s) && pool.Of(s).empty());
    if (fillable_[s]) places += shift.priority * shift.headcount;
  }
  deficit_ = std::max<std::int64_t>(0, places - plan.coverage());
  IndexPool();
}

void CostDual::IndexPool() {
  by_volunteer_.assign(model_.volunteer_count(), {});
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (const Candidate& c : pool_.Of(s)) by_volunteer_[c.volunteer].push_back({s, c.cost});
  }
}

template <typename Weight, typename Take>
void CostDual::SolveEach(const Weight& weight, const Take& take) {
  const std::size_t n = by_volunteer_.size();
  ScheduleScratch scratch[2];
  std::vector<ScheduleItem> items[2];
  std::vector<int> chosen[2];
  ForEachInParallel(kChunks, [&](std::size_t c) {
    for (std::size_t v = c * n / kChunks; v < (c + 1) * n / kChunks; ++v) {
      auto& list = items[c % 2];
      list.clear();
      for (const Offer& pair : by_volunteer_[v]) {
        if (!fillable_[pair.shift]) continue;
        std::int64_t w = weight(pair.shift, pair.cost);
        if (w > 0) list.push_back({pair.shift, w});
      }
      if (list.empty()) continue;
      chosen[c % 2].clear();
      std::int64_t best =
          BestSchedule(times_, list, times_.CapUnits(int(v)), scratch[c % 2], &chosen[c % 2]);
      take(c, int(v), best, chosen[c % 2]);
    }
  });
}

Evaluation CostDual::Evaluate(const std::vector<std::int64_t>& prices) {
  const auto& shifts = model_.instance().shifts;
  std::vector<__int128> sums(kChunks, 0);
  std::vector<std::vector<int>> chosen(kChunks);
  SolveEach([&](int s, std::int64_t cost) { return prices[s] - cost; },
            [&](std::size_t c, int, std::int64_t best, const std::vector<int>& shifts_taken) {
              sums[c] += best;
              chosen[c].insert(chosen[c].end(), shifts_taken.begin(), shifts_taken.end());
            });
  Evaluation e;
  e.demand.assign(shifts.size(), 0);
  __int128 total = 0;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (!fillable_[s]) continue;
    total += __int128{prices[s]} * shifts[s].headcount;
    // mu = max n(s) / priority(s), compared exactly by cross-multiplication.
    if (prices[s] > 0 && (e.top < 0 || __int128{prices[s]} * shifts[e.top].priority >
                                           __int128{prices[e.top]} * shifts[s].priority)) {
      e.top = s;
    }
  }
  for (std::size_t c = 0; c < kChunks; ++c) {
    total -= sums[c];
    for (int s : chosen[c]) ++e.demand[s];
  }
  // floor(deficit x mu), so that total - mu_part is the bound rounded up to an integer cost.
  __int128 mu_part = 0;
  if (e.top >= 0) mu_part = __int128{deficit_} * prices[e.top] / shifts[e.top].priority;
  __int128 lo = std::numeric_limits<std::int64_t>::min() / 2;
  e.bound = std::int64_t(std::max(total - mu_part, lo));
  e.value = double(total) -
            (e.top >= 0 ? double(deficit_) * double(prices[e.top]) / double(shifts[e.top].priority)
                        : 0.0);
  return e;
}

std::vector<double> CostDual::WarmStart() const {
  // A full shift is priced at its dearest volunteer, a short one at the highest price per unit
  // of priority among full shifts: roughly the dual of the plan.
  const auto& shifts = model_.instance().shifts;
  std::vector<double> nu(shifts.size(), 0);
  double ratio = 0;
  for (int s = 0; s < model_.shift_count(); ++s) {
    std::int64_t dearest = 0;
    for (const Candidate& c : plan_.Crew(s)) dearest = std::max(dearest, c.cost);
    if (fillable_[s]) nu[s] = double(dearest);
    if (fillable_[s] && std::int64_t(plan_.Crew(s).size()) >= shifts[s].headcount) {
      ratio = std::max(ratio, double(dearest) / shifts[s].priority);
    }
  }
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (fillable_[s] && std::int64_t(plan_.Crew(s).size()) < shifts[s].headcount) {
      nu[s] = std::max(nu[s], ratio * shifts[s].priority);
    }
  }
  return nu;
}

int CostDual::Price(const std::vector<double>& nu, const std::vector<double>& u, CostMaster& master,
                    double* value) {
  const auto& shifts = model_.instance().shifts;
  std::vector<std::vector<std::pair<int, std::vector<int>>>> found(kChunks);
  std::vector<double> sums(kChunks, 0);
  SolveEach(
      [&](int s, std::int64_t cost) {
        double w = nu[s] - double(cost);
        return w > 0 ? std::llround(w * kWeightScale) : std::int64_t{0};
      },
      [&](std::size_t c, int v, std::int64_t weight, const std::vector<int>& chosen) {
        double best = double(weight) / kWeightScale;
        sums[c] += best;
        if (best > u[v] + kEnter && !chosen.empty()) {
          std::vector<int> sorted = chosen;
          std::sort(sorted.begin(), sorted.end());
          found[c].emplace_back(v, std::move(sorted));
        }
      });
  double total = 0, mu = 0;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (!fillable_[s]) continue;
    total += nu[s] * double(shifts[s].headcount);
    mu = std::max(mu, nu[s] / double(shifts[s].priority));
  }
  int added = 0;
  for (std::size_t c = 0; c < kChunks; ++c) {
    total -= sums[c];
    for (const auto& [v, chosen] : found[c]) {
      master.Queue(v, chosen);
      ++added;
    }
  }
  *value = total - mu * double(deficit_);
  return added;
}

std::int64_t CostDual::Run(const ProgressFn& progress, std::vector<ScheduleValue>* lp,
                           std::int64_t max_work) {
  CostMaster master(model_, fillable_, plan_.coverage());
  // The plan's schedules make the master feasible; the best schedules under prices read off
  // the plan start it near its optimum.
  for (int v = 0; v < model_.volunteer_count(); ++v) {
    if (!plan_.Schedules()[v].empty()) master.Queue(v, plan_.Schedules()[v]);
  }
  std::vector<double> nu = WarmStart(), u(model_.volunteer_count(), 0.0);
  double value = 0;
  Price(nu, u, master, &value);
  std::int64_t certified = kNoBound;
  int certifications = 0;
  double last_objective = 0;
  bool solved = false;  // whether the last solve gave a basis (optimal, or stopped on the budget)
  bool spent = false;   // whether it stopped on the budget
  for (int solve = 1; solve <= kMaxSolves; ++solve) {
    CostMaster::Outcome outcome = master.Solve(max_work - master.work());
    solved = outcome != CostMaster::Outcome::kFailed;
    if (!solved) {
      // CLP failed: the bound stays what has been certified.
      if (progress) progress("cost bound: the master LP failed");
      break;
    }
    spent = outcome == CostMaster::Outcome::kStopped;
    bool last = spent || solve == kMaxSolves;
    master.Duals(fillable_, &nu, &u);
    int columns = Price(nu, u, master, &value);
    bool settled = columns == 0 || master.objective() - value <=
                                       kSettled * std::max(1.0, std::abs(master.objective()));
    if (!settled && !last) continue;
    // Certify: every pair cheaper than its shift's price joins the pool (at most kAddPerRound a
    // shift; where more would, the price is cut to the cheapest pair left out), so the exact
    // evaluation at these prices covers every pair of the instance that could count.
    std::vector<std::int64_t> prices(nu.size(), 0);
    for (std::size_t s = 0; s < nu.size(); ++s) prices[s] = std::llround(nu[s]);
    std::vector<std::int64_t> reach = prices;
    // Once the pairs of a certification left the master's value alone, the rest at these prices
    // will hardly move it either: they all join at once.
    bool unchanged =
        certifications > 0 && std::abs(master.objective() - last_objective) <=
                                  kSettled * std::max(1.0, std::abs(master.objective()));
    last_objective = master.objective();
    std::int64_t added =
        pool_.AddWithin(reach, unchanged ? CandidatePool::kEverything : kAddPerRound);
    if (added > 0) IndexPool();
    bool cut = false;  // whether some shift had more pairs below its price than could join
    for (std::size_t s = 0; s < nu.size(); ++s) {
      if (fillable_[s] && reach[s] < prices[s]) {
        prices[s] = reach[s];
        cut = true;
      }
    }
    certified = std::max(certified, Evaluate(prices).bound);
    ++certifications;
    if (progress) {
      progress("cost bound " + std::to_string(certifications) + ": " + std::to_string(certified) +
               " (master LP " + std::to_string(std::llround(master.objective())) + " on " +
               std::to_string(master.columns()) + " schedules, " + std::to_string(solve) +
               " solves, " + std::to_string(master.iterations()) + " iterations), " +
               std::to_string(added) + " pairs priced in" +
               (last ? ", the LP's budget spent" : ""));
    }
    if (last || added == 0 || certified >= plan_.cost() || certifications >= kMaxCertifications) {
      break;
    }
    // The new pairs may form schedules that price in. When none does and no price was cut, the
    // master and its duals stay as they are: certifying them again would add nothing.
    if (Price(nu, u, master, &value) == 0 && !cut) break;
  }
  if (lp != nullptr) *lp = solved ? master.Solution() : std::vector<ScheduleValue>{};
  if (spent || !solved) {
    // The LP stopped short of its optimum (cities far past the benchmark's, where its solves
    // grow too slow): the subgradient method gets closer in bounded work (the one-day
    // 50,000 x 10,000 city: 388.9 M in 6 rounds where the stopped LP's prices gave 258.9 M).
    certified = std::max(certified, Subgradient(progress));
  }
  return std::max<std::int64_t>(certified, 0);
}

std::vector<std::int64_t> CostDual::Ascend(std::vector<double> nu, std::int64_t* best) {
  const auto& shifts = model_.instance().shifts;
  const double target = double(plan_.cost());
  std::vector<std::int64_t> prices(shifts.size()), best_prices;
  std::vector<double> direction(shifts.size(), 0);
  double theta = scale_, best_value = -std::numeric_limits<double>::max();
  int stale = 0;
  for (int step = 0; step < kStepsPerRound && theta > kEndScale; ++step) {
    for (int s = 0; s < model_.shift_count(); ++s) {
      prices[s] = std::max<std::int64_t>(0, std::llround(nu[s]));
    }
    Evaluation e = Evaluate(prices);
    if (best_prices.empty() || e.bound > *best) {
      *best = e.bound;
      best_prices = prices;
    }
    if (e.bound >= plan_.cost()) break;
    if (e.value > best_value + 1e-9) {
      best_value = e.value;
      stale = 0;
    } else if (++stale >= kPatience) {
      theta /= 2;
      stale = 0;
    }
    // Deflected subgradient (Polyak steps towards the plan's cost): half of the previous
    // direction damps the zig-zag between shifts that trade the same volunteers.
    double norm = 0;
    for (int s = 0; s < model_.shift_count(); ++s) {
      if (!fillable_[s]) continue;
      double g = double(shifts[s].headcount - e.demand[s]);
      if (s == e.top) g -= double(deficit_) / double(shifts[s].priority);
      direction[s] = g + kDeflection * direction[s];
      norm += direction[s] * direction[s];
    }
    if (norm == 0) break;
    double t = theta * std::max(target - e.value, 1.0) / norm;
    for (int s = 0; s < model_.shift_count(); ++s) nu[s] = std::max(0.0, nu[s] + t * direction[s]);
  }
  scale_ = std::max(theta, kLeastScale);
  return best_prices;
}

std::int64_t CostDual::Subgradient(const ProgressFn& progress) {
  std::int64_t certified = kNoBound, previous = kNoBound;
  std::vector<double> nu = WarmStart();
  scale_ = 1.0;
  for (int round = 1; round <= kRounds; ++round) {
    std::int64_t best = kNoBound;
    std::vector<std::int64_t> prices = Ascend(nu, &best);
    std::vector<std::int64_t> reach(prices.size(), 0);
    for (int s = 0; s < model_.shift_count(); ++s) reach[s] = fillable_[s] ? prices[s] : 0;
    std::int64_t added = pool_.AddWithin(reach, kAddPerRound);
    if (added > 0) IndexPool();
    for (int s = 0; s < model_.shift_count(); ++s) {
      if (fillable_[s]) prices[s] = std::min(prices[s], reach[s]);
    }
    certified = std::max(certified, Evaluate(prices).bound);
    if (progress) {
      progress("cost bound, subgradient round " + std::to_string(round) + ": " +
               std::to_string(certified) + ", " + std::to_string(added) + " pairs priced in");
    }
    bool stalled =
        double(certified - previous) < kStall * double(std::max<std::int64_t>(certified, 1));
    if (added == 0 || certified >= plan_.cost() || (round > 1 && stalled)) break;
    previous = certified;
    nu.assign(prices.begin(), prices.end());
  }
  return certified;
}

}  // namespace

std::int64_t CostBound(const Model& model, const ShiftTimes& times, CandidatePool& pool,
                       const SliceSearch& plan, const ProgressFn& progress,
                       std::vector<ScheduleValue>* lp, std::int64_t max_work) {
  CostDual dual(model, times, pool, plan);
  return dual.Run(progress, lp, max_work);
}

}  // namespace muster::dispatch
