#include "dispatch/cost_bound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "dispatch/parallel.h"

namespace muster::dispatch {
namespace {

constexpr int kRounds = 6;  // pricing rounds, each after a run of subgradient steps
constexpr int kStepsPerRound = 150;
// Steps without progress before the step shrinks, when the scale is kept across rounds and when
// each round starts at full scale.
constexpr int kPatience = 20;
constexpr int kFreshPatience = 8;
// The step scale carries over from one round to the next; it never starts a round below this, so
// that a round still takes a few steps on the pairs that pricing added.
constexpr double kLeastScale = 4e-3;
constexpr double kEndScale = 1e-3;          // a round ends when the step scale falls below this
constexpr std::size_t kChunks = 64;         // volunteers are evaluated in this many slices
constexpr std::int64_t kAddPerRound = 256;  // pairs a shift may gain per pricing round
constexpr double kDeflection = 0.5;         // share of the previous direction kept
constexpr double kStall = 2e-3;             // a round raising the bound less than this ends it
constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::min();

// A pair seen from its volunteer's side.
struct Offer {
  int shift = 0;
  std::int64_t cost = 0;
};

struct Evaluation {
  std::int64_t bound = kNoBound;  // the Lagrangian value rounded up to an integer cost
  double value = 0;               // the same, unrounded, for the step size
  std::vector<std::int64_t> demand;
  int top = -1;  // the shift that sets mu, or -1 when mu = 0
};

class CostDual {
 public:
  CostDual(const Model& model, const ShiftTimes& times, CandidatePool& pool,
           const SliceSearch& plan);
  std::int64_t Run(const ProgressFn& progress, CostPrices* state);

 private:
  void IndexPool();
  Evaluation Evaluate(const std::vector<std::int64_t>& prices);
  std::vector<double> WarmStart() const;
  // Runs subgradient steps from `nu`; returns the prices of the best evaluation.
  std::vector<std::int64_t> Ascend(std::vector<double> nu, std::int64_t* best);

  const Model& model_;
  const ShiftTimes& times_;
  CandidatePool& pool_;
  const SliceSearch& plan_;
  std::vector<char> fillable_;                    // F: shifts some volunteer may take
  std::int64_t deficit_ = 0;                      // P - C
  std::vector<std::vector<Offer>> by_volunteer_;  // the pool's pairs by volunteer
  double scale_ = 1.0;                            // the step scale theta
  bool keep_scale_ = true;                        // scale_ is kept across rounds
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

Evaluation CostDual::Evaluate(const std::vector<std::int64_t>& prices) {
  const auto& shifts = model_.instance().shifts;
  const std::size_t n = by_volunteer_.size();
  std::vector<__int128> sums(kChunks, 0);
  std::vector<std::vector<int>> chosen(kChunks);
  ScheduleScratch scratch[2];
  std::vector<ScheduleItem> items[2];
  ForEachInParallel(kChunks, [&](std::size_t c) {
    for (std::size_t v = c * n / kChunks; v < (c + 1) * n / kChunks; ++v) {
      auto& list = items[c % 2];
      list.clear();
      for (const Offer& pair : by_volunteer_[v]) {
        int s = pair.shift;
        if (fillable_[s] && prices[s] > pair.cost) list.push_back({s, prices[s] - pair.cost});
      }
      if (list.empty()) continue;
      sums[c] += BestSchedule(times_, list, times_.CapUnits(int(v)), scratch[c % 2], &chosen[c]);
    }
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
  __int128 mu_part = 0;  // floor(deficit x mu), so that total - mu_part is the rounded-up bound
  if (e.top >= 0) mu_part = __int128{deficit_} * prices[e.top] / shifts[e.top].priority;
  __int128 bound = total - mu_part;
  __int128 lo = std::numeric_limits<std::int64_t>::min() / 2;
  e.bound = std::int64_t(std::max(bound, lo));
  e.value = double(total) -
            (e.top >= 0 ? double(deficit_) * double(prices[e.top]) / shifts[e.top].priority : 0);
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

std::vector<std::int64_t> CostDual::Ascend(std::vector<double> nu, std::int64_t* best) {
  const auto& shifts = model_.instance().shifts;
  const double target = double(plan_.cost());
  std::vector<std::int64_t> prices(shifts.size()), best_prices;
  std::vector<double> direction(shifts.size(), 0);
  double theta = keep_scale_ ? scale_ : 1.0, best_value = -std::numeric_limits<double>::max();
  int stale = 0;
  for (int step = 0; step < kStepsPerRound && theta > kEndScale; ++step) {
    for (int s = 0; s < model_.shift_count(); ++s)
      prices[s] = std::max<std::int64_t>(0, std::llround(nu[s]));
    Evaluation e = Evaluate(prices);
    if (best_prices.empty() || e.bound > *best) {
      *best = e.bound;
      best_prices = prices;
    }
    if (e.bound >= plan_.cost()) break;
    if (e.value > best_value + 1e-9) {
      best_value = e.value;
      stale = 0;
    } else if (++stale >= (keep_scale_ ? kPatience : kFreshPatience)) {
      theta /= 2;
      stale = 0;
    }
    // Deflected subgradient: half of the previous direction damps the zig-zag between shifts
    // that trade the same volunteers.
    double norm = 0;
    for (int s = 0; s < model_.shift_count(); ++s) {
      if (!fillable_[s]) continue;
      double g = double(shifts[s].headcount - e.demand[s]);
      if (s == e.top) g -= double(deficit_) / shifts[s].priority;
      direction[s] = g + kDeflection * direction[s];
      norm += direction[s] * direction[s];
    }
    if (norm == 0) break;
    double t = theta * std::max(target - e.value, 1.0) / norm;
    for (int s = 0; s < model_.shift_count(); ++s) {
      nu[s] = std::max(0.0, nu[s] + t * direction[s]);
    }
  }
  // Starting the next round at full scale again would throw away what the halvings learnt: from
  // prices near the best, steps aimed at a plan far above it overshoot (the one-day city of seed
  // 7 stopped at 188.4 M that way, and reaches 193.5 M with the scale kept).
  scale_ = std::max(theta, kLeastScale);
  return best_prices;
}

std::int64_t CostDual::Run(const ProgressFn& progress, CostPrices* state) {
  std::int64_t certified = kNoBound, previous = kNoBound;
  std::vector<double> nu;
  if (state != nullptr) keep_scale_ = state->keep_scale;
  if (state != nullptr && state->prices.size() == fillable_.size()) {
    nu.assign(state->prices.begin(), state->prices.end());
    scale_ = state->scale;
  } else {
    nu = WarmStart();
  }
  std::vector<std::int64_t> certified_prices;
  for (int round = 1; round <= kRounds; ++round) {
    std::int64_t best = kNoBound;
    std::vector<std::int64_t> prices = Ascend(nu, &best);
    // Every pair cheaper than its shift's price joins the pool, so the evaluation at these prices
    // covers every pair of the instance that could count.
    // At most a few pairs per place join per round; where more would, the shift's price is cut
    // to the cheapest pair left out, which keeps the evaluation valid.
    std::vector<std::int64_t> reach(prices.size(), 0);
    for (int s = 0; s < model_.shift_count(); ++s) reach[s] = fillable_[s] ? prices[s] : 0;
    std::int64_t added = pool_.AddWithin(reach, kAddPerRound);
    if (added > 0) {
      IndexPool();
      for (int s = 0; s < model_.shift_count(); ++s) {
        if (fillable_[s]) prices[s] = std::min(prices[s], reach[s]);
      }
      best = Evaluate(prices).bound;
    }
    if (best > certified) {
      certified = best;
      certified_prices = prices;
    }
    if (progress) {
      progress("cost bound round " + std::to_string(round) + ": " + std::to_string(certified) +
               ", " + std::to_string(added) + " pairs priced in");
    }
    // Stop when pricing found nothing, the plan is proven, or the bound has stopped moving.
    bool stalled =
        double(certified - previous) < kStall * double(std::max<std::int64_t>(certified, 1));
    if (added == 0 || certified >= plan_.cost() || (round > 1 && stalled)) break;
    previous = certified;
    nu.assign(prices.begin(), prices.end());
  }
  if (state != nullptr && !certified_prices.empty()) {
    state->prices = std::move(certified_prices);
    state->scale = scale_;
  }
  return std::max<std::int64_t>(certified, 0);
}

}  // namespace

std::int64_t CostBound(const Model& model, const ShiftTimes& times, CandidatePool& pool,
                       const SliceSearch& plan, const ProgressFn& progress, CostPrices* state) {
  CostDual dual(model, times, pool, plan);
  return dual.Run(progress, state);
}

}  // namespace muster::dispatch
