#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "dispatch/assignment_flow.h"
#include "dispatch/candidate_pool.h"
#include "dispatch/model.h"

namespace muster::dispatch {

// A feasible plan on the pairs of a CandidatePool, improved by large-neighbourhood search. The
// neighbourhood of an instant t is every shift running at t: those shifts pairwise overlap, so a
// volunteer takes at most one of them and, with everyone's other shifts fixed, re-assigning all of
// them at once is a b-matching, solved exactly as a min-cost flow (coverage first, then cost).
// Each accepted move is a lexicographic improvement, so sweeps end at a plan no single instant can
// improve. Deterministic. `model` and `pool` must outlive the search; the pool may grow between
// sweeps.
class SliceSearch {
 public:
  SliceSearch(const Model& model, const CandidatePool& pool);

  // Replaces the plan by `pairs` (shift, volunteer). REQUIRES: a feasible plan whose pairs are
  // all in the pool.
  void Reset(const std::vector<std::pair<int, int>>& pairs);
  // Re-solves the neighbourhood of every start time once, in time order. Returns whether the plan
  // improved.
  bool Sweep();
  // Sweeps until a sweep changes nothing or `max_sweeps` ran; returns the number of sweeps.
  int SweepUntilStable(int max_sweeps);

  // Fills places of short shifts by chains no single instant sees: a volunteer leaves the shifts
  // that block a short one (overlap or daily cap) and each shift left is refilled by a free
  // volunteer where one fits. A move is made when it raises coverage. Returns the moves made.
  int FillShortShifts();

  // Lowers cost by exchanging whole days: every volunteer's shifts of one calendar day form a
  // bundle, and all bundles of the day are re-assigned at once to volunteers who may work every
  // shift of the bundle (an assignment problem, solved as a min-cost flow). Coverage is kept.
  // Returns whether the plan improved.
  bool ExchangeDays();

  std::int64_t coverage() const { return coverage_; }
  std::int64_t cost() const { return cost_; }
  // Returns the volunteers assigned to shift s (ascending) and their costs.
  const std::vector<Candidate>& Crew(int s) const { return crew_[s]; }
  // Returns every volunteer's shifts, in no particular order.
  const std::vector<std::vector<int>>& Schedules() const { return schedule_; }
  // Returns the plan as (shift index, volunteer index) pairs, by shift then volunteer.
  std::vector<std::pair<int, int>> Pairs() const;

 private:
  // Returns whether some volunteer offered to a shift of slice `i` changed since it was solved.
  bool Dirty(std::size_t i) const;
  void Touch(int v) { changed_at_[v] = ++clock_; }
  // Returns whether v can take s once its shifts in the current neighbourhood are released.
  bool Fits(int v, int s) const;
  // Re-solves the shifts of one neighbourhood; returns whether the plan improved.
  bool SolveSlice(const std::vector<int>& slice);
  // Takes `crews` for the shifts of `slice` when lexicographically better; returns whether.
  bool AcceptIfBetter(const std::vector<int>& slice, std::vector<std::vector<Candidate>> crews);
  void Apply(const std::vector<int>& slice, std::vector<std::vector<Candidate>> crews);
  // One chain for FillShortShifts: v joins `shift`, leaves `leave`, and `refill` take its places.
  struct Chain {
    Candidate joiner;
    int shift = -1;
    std::vector<int> leave;
    std::vector<std::pair<int, Candidate>> refill;
    std::int64_t coverage_gain = 0;
    std::int64_t cost_gain = 0;  // cost added
  };
  // Returns the shifts v must leave for s to fit (overlapping ones, and at most one more of the
  // same day when the cap requires), or false when leaving them would not make room.
  bool Blockers(int v, int s, std::vector<int>* leave) const;
  // Chain searches stop once `*work` (candidates examined) runs out.
  std::optional<Chain> BestChain(int s, std::int64_t* work) const;
  // Returns a chain of any length where each volunteer joins a shift and leaves the one shift
  // blocking it, until one fits freely: (shift joined, volunteer) steps from s on, or nothing.
  std::vector<std::pair<int, Candidate>> AugmentingPath(int s, std::int64_t* work) const;
  // Returns volunteer -> bundle arcs: each bundle's owner and its cheapest other takers.
  std::vector<AssignmentArc> BundleTakers(const std::vector<int>& owners,
                                          const std::vector<std::vector<int>>& bundles) const;
  // Re-assigns the bundles of calendar day `day`; returns whether the cost fell.
  bool ExchangeDay(std::int64_t day);
  // Returns the cost of v working all of `bundle` (shifts of one day), or -1 when v may not:
  // a pair outside the pool, the cap, or an overlap with v's shifts of other days.
  std::int64_t BundleCost(int v, const std::vector<int>& bundle) const;
  void Join(int s, const Candidate& c);
  void Leave(int s, int v);

  const Model& model_;
  const CandidatePool& pool_;
  std::vector<std::vector<int>> slices_;      // per distinct start time: the shifts running then
  std::vector<std::vector<int>> schedule_;    // per volunteer: its shifts
  std::vector<std::vector<Candidate>> crew_;  // per shift: its volunteers, ascending
  std::vector<char> in_slice_;                // per shift, scratch
  std::vector<int> node_of_;                  // per volunteer, scratch: flow node or -1
  // Change tracking, so that sweeps skip neighbourhoods nothing has touched: a counter of
  // changes, when each volunteer's shifts last changed, when each slice was last solved, and
  // the pool size then (a grown pool offers new pairs everywhere).
  std::int64_t clock_ = 1;
  std::vector<std::int64_t> changed_at_;
  std::vector<std::int64_t> solved_at_;
  std::int64_t pool_size_ = -1;
  std::int64_t coverage_ = 0;
  std::int64_t cost_ = 0;
};

}  // namespace muster::dispatch
