#include "dispatch/exact_solver.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <queue>
#include <string>

#include "dispatch/integer_program.h"

namespace muster::dispatch {
namespace {

// Up to this many (volunteer, shift) combinations every eligible pair is enumerated.
constexpr std::int64_t kEnumerateLimit = 4'000'000;
// Branch-and-bound nodes per integer program; beyond it the best plan found is kept and bounded.
constexpr int kNodeLimit = 200;
constexpr double kTolerance = 1e-6;

class GeneralSolver {
 public:
  GeneralSolver(const Model& model, const VolunteerGrid& homes, const ProgressFn& progress)
      : model_(model),
        homes_(homes),
        progress_(progress),
        candidates_(model.shift_count()),
        complete_(model.shift_count(), 0) {}

  Solution Run();

 private:
  bool Usable(int v, int s) const {
    return model_.instance().shifts[s].headcount > 0 && model_.Eligible(v, s) &&
           model_.Duration(s) <= model_.instance().volunteers[v].max_seconds_per_day;
  }
  std::size_t Limit(int s) const {
    return std::size_t(std::min<std::int64_t>(2 * model_.instance().shifts[s].headcount + 4,
                                              model_.volunteer_count()));
  }
  void EnumerateAll();
  void NearestCandidates();
  std::vector<Pair> AllPairs() const;
  // Solves the LP of the current stage, adding priced pairs until none improves; returns its
  // optimum over every eligible pair, or nothing if the LP failed.
  std::optional<double> CertifiedRelaxation(std::optional<std::int64_t> min_coverage);
  std::int64_t PriceAll(const IntegerProgram& program, bool cost_stage);
  std::vector<Pair> Greedy() const;
  void Report(const std::string& line) const {
    if (progress_) progress_(line);
  }

  const Model& model_;
  const VolunteerGrid& homes_;
  const ProgressFn& progress_;
  std::vector<std::vector<Pair>> candidates_;  // per shift, sorted by volunteer
  std::vector<char> complete_;
  std::unique_ptr<IntegerProgram> program_;
};

void GeneralSolver::EnumerateAll() {
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (int v = 0; v < model_.volunteer_count(); ++v) {
      if (Usable(v, s)) candidates_[s].push_back({v, s, model_.Cost(v, s)});
    }
    complete_[s] = 1;
  }
}

void GeneralSolver::NearestCandidates() {
  using Entry = std::pair<std::int64_t, int>;
  for (int s = 0; s < model_.shift_count(); ++s) {
    std::size_t k = Limit(s);
    std::priority_queue<Entry> best;
    homes_.Search(
        model_.instance().shifts[s].site,
        [&](int v) {
          if (k == 0 || !Usable(v, s)) return;
          Entry e{model_.Cost(v, s), v};
          if (best.size() < k) {
            best.push(e);
          } else if (e < best.top()) {
            best.pop();
            best.push(e);
          }
        },
        [&](double bound) {
          return best.size() == k && bound + model_.MinPenalty() >= best.top().first + 1;
        });
    complete_[s] = best.size() < k || k == 0;
    for (; !best.empty(); best.pop())
      candidates_[s].push_back({best.top().second, s, best.top().first});
    std::sort(candidates_[s].begin(), candidates_[s].end(),
              [](const Pair& a, const Pair& b) { return a.volunteer < b.volunteer; });
  }
}

std::vector<Pair> GeneralSolver::AllPairs() const {
  std::vector<Pair> all;
  for (const auto& list : candidates_) all.insert(all.end(), list.begin(), list.end());
  return all;
}

std::int64_t GeneralSolver::PriceAll(const IntegerProgram& program, bool cost_stage) {
  std::int64_t added = 0;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (complete_[s]) continue;
    // A volunteer without rows adds nothing to the reduced cost and one with rows only makes it
    // worse, so the shift's own duals bound what is worth searching.
    double base = program.ReducedCost(-1, s, 0);
    if (!cost_stage && base <= kTolerance) continue;
    double reach = -base - double(model_.MinPenalty()) + 1;
    if (cost_stage && reach <= 0) continue;
    auto& have = candidates_[s];
    std::vector<std::pair<double, Pair>> found;
    homes_.Search(
        model_.instance().shifts[s].site,
        [&](int v) {
          if (!Usable(v, s)) return;
          std::int64_t c = model_.Cost(v, s);
          double d = program.ReducedCost(v, s, c);
          if (cost_stage ? d >= -kTolerance : d <= kTolerance) return;
          auto it = std::lower_bound(have.begin(), have.end(), v,
                                     [](const Pair& p, int w) { return p.volunteer < w; });
          if (it == have.end() || it->volunteer != v)
            found.push_back({cost_stage ? d : -d, {v, s, c}});
        },
        [&](double bound) { return cost_stage && bound >= reach; });
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.volunteer < b.second.volunteer;
    });
    if (found.size() > Limit(s)) found.resize(Limit(s));
    for (const auto& f : found) have.push_back(f.second);
    std::sort(have.begin(), have.end(),
              [](const Pair& a, const Pair& b) { return a.volunteer < b.volunteer; });
    added += std::int64_t(found.size());
  }
  return added;
}

std::optional<double> GeneralSolver::CertifiedRelaxation(std::optional<std::int64_t> min_coverage) {
  for (int round = 1;; ++round) {
    if (!program_) program_ = std::make_unique<IntegerProgram>(model_, AllPairs());
    program_->SetStage(min_coverage);
    std::optional<double> value = program_->SolveRelaxation();
    if (!value) return std::nullopt;
    std::int64_t added = PriceAll(*program_, min_coverage.has_value());
    Report(std::string(min_coverage ? "cost" : "coverage") + " LP round " + std::to_string(round) +
           ": " + std::to_string(added) + " pairs priced in");
    if (added == 0) return value;
    program_.reset();
  }
}

std::vector<Pair> GeneralSolver::Greedy() const {
  // Highest priority first, then cheapest; a pair is kept when it breaks no constraint.
  std::vector<Pair> order = AllPairs();
  const auto& shifts = model_.instance().shifts;
  std::sort(order.begin(), order.end(), [&](const Pair& a, const Pair& b) {
    if (shifts[a.shift].priority != shifts[b.shift].priority) {
      return shifts[a.shift].priority > shifts[b.shift].priority;
    }
    if (a.cost != b.cost) return a.cost < b.cost;
    return a.shift != b.shift ? a.shift < b.shift : a.volunteer < b.volunteer;
  });
  std::vector<std::int64_t> filled(shifts.size(), 0);
  std::vector<std::vector<int>> taken(model_.volunteer_count());
  std::vector<Pair> chosen;
  for (const Pair& p : order) {
    const Shift& s = shifts[p.shift];
    if (filled[p.shift] >= s.headcount) continue;
    std::int64_t hours = model_.Duration(p.shift);
    bool fits = true;
    for (int t : taken[p.volunteer]) {
      if (shifts[t].starts_at < s.ends_at && s.starts_at < shifts[t].ends_at) fits = false;
      if (model_.ShiftDay(t) == model_.ShiftDay(p.shift)) hours += model_.Duration(t);
    }
    if (!fits || hours > model_.instance().volunteers[p.volunteer].max_seconds_per_day) continue;
    taken[p.volunteer].push_back(p.shift);
    ++filled[p.shift];
    chosen.push_back(p);
  }
  return chosen;
}

std::int64_t Coverage(const Model& model, const std::vector<Pair>& pairs) {
  std::int64_t total = 0;
  for (const Pair& p : pairs) total += model.instance().shifts[p.shift].priority;
  return total;
}

Solution Take(const std::vector<Pair>& pairs, std::optional<Bound> bound, std::string method) {
  Solution solution{{}, bound, std::move(method)};
  for (const Pair& p : pairs) solution.pairs.push_back({p.shift, p.volunteer});
  return solution;
}

Solution GeneralSolver::Run() {
  if (std::int64_t{model_.volunteer_count()} * model_.shift_count() <= kEnumerateLimit) {
    EnumerateAll();
  } else {
    NearestCandidates();
  }
  bool complete = std::all_of(complete_.begin(), complete_.end(), [](char c) { return c != 0; });
  std::vector<Pair> greedy = Greedy();
  if (AllPairs().empty()) return Take({}, Bound{0, 0}, "exact_small");
  std::optional<double> coverage_lp = CertifiedRelaxation(std::nullopt);
  if (!coverage_lp) return Take(greedy, std::nullopt, "heuristic_bounded");
  std::int64_t coverage_bound = std::int64_t(std::floor(*coverage_lp + kTolerance));

  bool proven_coverage = false, proven_cost = false;
  std::vector<Pair> best = greedy;
  if (auto found = program_->SolveInteger(kNodeLimit, &proven_coverage)) {
    if (Coverage(model_, *found) > Coverage(model_, best)) best = *found;
  }
  std::int64_t coverage = Coverage(model_, best);
  Report("integer program: coverage " + std::to_string(coverage) + " of bound " +
         std::to_string(coverage_bound));

  // The cost bound holds for plans of the bound's coverage; priced for every eligible pair.
  std::optional<double> cost_lp = CertifiedRelaxation(coverage_bound);
  program_->SetStage(coverage);
  if (program_->SolveRelaxation()) {
    if (auto found = program_->SolveInteger(kNodeLimit, &proven_cost)) {
      if (Coverage(model_, *found) >= coverage) best = *found;
    }
  }
  if (complete && proven_coverage && proven_cost && coverage == Coverage(model_, best)) {
    return Take(best, std::nullopt, "exact_small");
  }
  std::int64_t cost_bound = 0;
  if (cost_lp)
    cost_bound = std::int64_t(std::ceil(*cost_lp - kTolerance * (1 + std::fabs(*cost_lp))));
  return Take(best, Bound{coverage_bound, std::max<std::int64_t>(cost_bound, 0)},
              "heuristic_bounded");
}

}  // namespace

Solution SolveIntegerProgram(const Model& model, const VolunteerGrid& homes,
                             const ProgressFn& progress) {
  GeneralSolver solver(model, homes, progress);
  return solver.Run();
}

}  // namespace muster::dispatch
