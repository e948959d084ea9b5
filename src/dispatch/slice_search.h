#pragma once

#include <cstdint>
#include <utility>
#include <vector>

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

  // Re-solves the neighbourhood of every start time once, in time order. Returns whether the plan
  // improved.
  bool Sweep();
  // Sweeps until a sweep changes nothing or `max_sweeps` ran; returns the number of sweeps.
  int SweepUntilStable(int max_sweeps);

  std::int64_t coverage() const { return coverage_; }
  std::int64_t cost() const { return cost_; }
  // Returns the volunteers assigned to shift s (ascending) and their costs.
  const std::vector<Candidate>& Crew(int s) const { return crew_[s]; }
  // Returns the plan as (shift index, volunteer index) pairs, by shift then volunteer.
  std::vector<std::pair<int, int>> Pairs() const;

 private:
  // Returns whether v can take s once its shifts in the current neighbourhood are released.
  bool Fits(int v, int s) const;
  // Re-solves the shifts of one neighbourhood; returns whether the plan improved.
  bool SolveSlice(const std::vector<int>& slice);
  void Apply(const std::vector<int>& slice, std::vector<std::vector<Candidate>> crews);

  const Model& model_;
  const CandidatePool& pool_;
  std::vector<std::vector<int>> slices_;    // per distinct start time: the shifts running then
  std::vector<std::vector<int>> schedule_;  // per volunteer: its shifts
  std::vector<std::vector<Candidate>> crew_;  // per shift: its volunteers, ascending
  std::vector<char> in_slice_;              // per shift, scratch
  std::vector<int> node_of_;                // per volunteer, scratch: flow node or -1
  std::int64_t coverage_ = 0;
  std::int64_t cost_ = 0;
};

}  // namespace muster::dispatch
