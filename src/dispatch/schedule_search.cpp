#include "dispatch/schedule_search.h"

#include <algorithm>
#include <numeric>

namespace muster::dispatch {
namespace {

// Most units in a block's cap for the search's table (positions x units); a finer unit is
// coarsened to this.
constexpr std::int64_t kMaxUnits = 192;

int Find(std::vector<int>& parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

// Splits one volunteer's usable shifts (sorted by start) into blocks: shifts of one day, or of
// days joined by an overlap, share a block.
void SplitVolunteer(const Model& model, int v, const std::vector<int>& usable,
                    std::vector<ScheduleBlock>* blocks) {
  const auto& shifts = model.instance().shifts;
  int n = int(usable.size());
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n && shifts[usable[j]].starts_at < shifts[usable[i]].ends_at; ++j) {
      parent[Find(parent, i)] = Find(parent, j);  // overlapping
    }
  }
  std::vector<std::pair<std::int64_t, int>> first_of_day;  // day -> first position
  for (int i = 0; i < n; ++i) first_of_day.push_back({model.ShiftDay(usable[i]), i});
  std::sort(first_of_day.begin(), first_of_day.end());
  for (std::size_t k = 1; k < first_of_day.size(); ++k) {
    if (first_of_day[k].first == first_of_day[k - 1].first) {
      parent[Find(parent, first_of_day[k].second)] = Find(parent, first_of_day[k - 1].second);
    }
  }
  std::vector<int> block_of(n, -1);
  for (int i = 0; i < n; ++i) {
    int root = Find(parent, i);
    if (block_of[root] < 0) {
      block_of[root] = int(blocks->size());
      blocks->push_back(ScheduleBlock{v, {}, {}, {}, 1});
    }
    (*blocks)[block_of[root]].shifts.push_back(usable[i]);
  }
}

void Index(const Model& model, ScheduleBlock* block) {
  const auto& shifts = model.instance().shifts;
  int n = int(block->shifts.size());
  block->next.assign(n, n);
  for (int i = 0; i < n; ++i) {
    int j = i + 1;
    while (j < n && shifts[block->shifts[j]].starts_at < shifts[block->shifts[i]].ends_at) ++j;
    block->next[i] = j;
  }
  std::vector<std::int64_t> days;
  for (int s : block->shifts) days.push_back(model.ShiftDay(s));
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  block->days = int(days.size());
  block->day.clear();
  for (int s : block->shifts) {
    block->day.push_back(
        int(std::lower_bound(days.begin(), days.end(), model.ShiftDay(s)) - days.begin()));
  }
}

}  // namespace

std::vector<ScheduleBlock> BuildBlocks(const Model& model, std::int64_t max_pairs,
                                       std::int64_t* pairs, const PairFilter& allowed) {
  const auto& in = model.instance();
  std::vector<int> by_start(in.shifts.size());
  std::iota(by_start.begin(), by_start.end(), 0);
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](int a, int b) { return in.shifts[a].starts_at < in.shifts[b].starts_at; });
  std::vector<ScheduleBlock> blocks;
  *pairs = 0;
  for (int v = 0; v < model.volunteer_count() && *pairs <= max_pairs; ++v) {
    std::vector<int> usable;
    for (int s : by_start) {
      if (in.shifts[s].headcount > 0 && model.Eligible(v, s) &&
          model.Duration(s) <= in.volunteers[v].max_seconds_per_day &&
          (!allowed || allowed(v, s))) {
        usable.push_back(s);
      }
    }
    *pairs += std::int64_t(usable.size());
    SplitVolunteer(model, v, usable, &blocks);
  }
  for (ScheduleBlock& block : blocks) Index(model, &block);
  return blocks;
}

ScheduleSearch::ScheduleSearch(const Model& model, const ScheduleBlock& block,
                               const std::vector<double>& weights, std::int64_t* steps,
                               std::int64_t step_limit)
    : model_(model), block_(block), weights_(weights), steps_(steps), step_limit_(step_limit) {
  int n = int(block.shifts.size());
  // The table bounds what a schedule can still add by counting durations in whole units of
  // the block's total cap, rounded down (a relaxation: sum floor(d / unit) <= floor(sum d /
  // unit) <= floor(cap / unit), so every schedule stays within it). On a single day whose
  // durations are multiples of the unit it is exact, so searches walk only towards the
  // schedules they report.
  std::int64_t cap = model.instance().volunteers[block.volunteer].max_seconds_per_day * block.days;
  std::int64_t unit = 0;
  for (int s : block.shifts) unit = std::gcd(unit, model.Duration(s));
  if (cap / unit > kMaxUnits) unit = (cap + kMaxUnits - 1) / kMaxUnits;
  cap_units_ = int(cap / unit);
  int width = cap_units_ + 1;
  for (int s : block.shifts) units_.push_back(int(model.Duration(s) / unit));
  completion_.assign(std::size_t(n + 1) * width, 0);
  for (int i = n - 1; i >= 0; --i) {
    for (int u = 0; u < width; ++u) {
      double best = completion_[std::size_t(i + 1) * width + u];
      if (units_[i] <= u) {
        best = std::min(
            best, weights[i] + completion_[std::size_t(block.next[i]) * width + u - units_[i]]);
      }
      completion_[std::size_t(i) * width + u] = best;
    }
  }
  seconds_.assign(block.days, 0);
}

double ScheduleSearch::Completion(int from) const {
  int used = 0;
  for (int p : path_) used += units_[p];
  return completion_[std::size_t(from) * (cap_units_ + 1) + (cap_units_ - used)];
}

void ScheduleSearch::Go(int from, double value) {
  const auto& cap = model_.instance().volunteers[block_.volunteer].max_seconds_per_day;
  int n = int(block_.shifts.size());
  // completion_ does not decrease with the position, so once it cannot reach the threshold no
  // later position can.
  for (int j = from; j < n && value + Completion(j) <= threshold_; ++j) {
    if (stopped_) return;
    if (++*steps_ > step_limit_) {
      stopped_ = true;
      return;
    }
    double with = value + weights_[j];
    std::int64_t seconds = model_.Duration(block_.shifts[j]);
    if (seconds_[block_.day[j]] + seconds > cap) continue;
    seconds_[block_.day[j]] += seconds;
    path_.push_back(j);
    if (with + Completion(block_.next[j]) > threshold_) {
      path_.pop_back();
      seconds_[block_.day[j]] -= seconds;
      continue;
    }
    if (with <= threshold_) {
      if (lowest_mode_) {
        lowest_ = with;
        lowest_path_ = path_;
        // Only strictly lower schedules are wanted from now on.
        threshold_ = with - 1e-9 * (1 + std::abs(with));
      } else if (out_->size() < max_out_) {
        out_->push_back(path_);
      } else {
        stopped_ = true;
      }
    }
    Go(block_.next[j], with);
    path_.pop_back();
    seconds_[block_.day[j]] -= seconds;
  }
}

bool ScheduleSearch::Lowest(double below, double* best, std::vector<int>* positions) {
  lowest_mode_ = true;
  threshold_ = below;
  lowest_path_.clear();
  stopped_ = false;
  Go(0, 0);
  if (lowest_path_.empty()) return false;
  *best = lowest_;
  *positions = lowest_path_;
  return true;
}

bool ScheduleSearch::AllAtMost(double at_most, std::size_t max_out,
                               std::vector<std::vector<int>>* out) {
  lowest_mode_ = false;
  threshold_ = at_most;
  out_ = out;
  max_out_ = max_out;
  stopped_ = false;
  Go(0, 0);
  return !stopped_;
}

}  // namespace muster::dispatch
