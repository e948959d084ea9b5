#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "dispatch/model.h"

namespace muster::dispatch {

// The usable shifts of one volunteer that can share a schedule: those of one calendar day, joined
// with other days' when shifts of the two days overlap (a shift crossing midnight). Schedules of
// different blocks of one volunteer never conflict, so the program chooses one per block.
struct ScheduleBlock {
  int volunteer = 0;
  std::vector<int> shifts;  // shift indices, by start then index
  std::vector<int> next;    // per position: first position starting at or after its end
  std::vector<int> day;     // per position: its calendar day, numbered within the block
  int days = 1;
};

// Narrows the usable pairs to those a caller allows: (volunteer, shift) -> whether.
using PairFilter = std::function<bool(int volunteer, int shift)>;

// Returns every volunteer's blocks over its usable pairs (eligible, headcount > 0, duration
// within the cap, and allowed by `allowed` when given), by volunteer then first shift; sets
// *pairs to the usable pairs counted. Stops early (returning what it has) once more than
// `max_pairs` are found.
std::vector<ScheduleBlock> BuildBlocks(const Model& model, std::int64_t max_pairs,
                                       std::int64_t* pairs, const PairFilter& allowed = nullptr);

// Searches the schedules of one block under a weight per position: the schedules are sets of
// positions without overlap whose seconds per day stay within the volunteer's cap; a schedule's
// value is the sum of its weights. Work is counted in `*steps`; a search that would pass
// `step_limit` stops and says so.
class ScheduleSearch {
 public:
  // `weights` is indexed by position in `block`; both must outlive the search.
  ScheduleSearch(const Model& model, const ScheduleBlock& block, const std::vector<double>& weights,
                 std::int64_t* steps, std::int64_t step_limit);

  // Returns whether a schedule of value below `below` exists; if so sets *best to the lowest
  // value and *positions to its positions (the first found among equals, so deterministic).
  bool Lowest(double below, double* best, std::vector<int>* positions);
  // Appends to *out every schedule (as positions) of value at most `at_most`, stopping once *out
  // holds `max_out`. Returns false when it stopped early (for the step or the output limit).
  bool AllAtMost(double at_most, std::size_t max_out, std::vector<std::vector<int>>* out);
  // Returns whether the last search stopped early, so that its answer is not proven.
  bool stopped() const { return stopped_; }

 private:
  void Go(int from, double value);
  // Returns a lower bound on what schedules can still add from position `from` on, given the
  // path so far.
  double Completion(int from) const;

  const Model& model_;
  const ScheduleBlock& block_;
  const std::vector<double>& weights_;
  std::int64_t* steps_;
  std::int64_t step_limit_;
  // The lowest value of a schedule from position i on within u units (durations in units
  // rounded down, see the constructor), at i * (cap_units_ + 1) + u.
  std::vector<double> completion_;
  std::vector<int> units_;  // per position
  int cap_units_ = 0;
  std::vector<std::int64_t> seconds_;  // per block day: seconds taken by the current path
  std::vector<int> path_;
  double threshold_ = 0;
  bool lowest_mode_ = false;
  double lowest_ = 0;
  std::vector<int> lowest_path_;
  std::vector<std::vector<int>>* out_ = nullptr;
  std::size_t max_out_ = 0;
  bool stopped_ = false;
};

}  // namespace muster::dispatch
