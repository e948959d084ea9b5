#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "dispatch/model.h"
#include "dispatch/spatial.h"

namespace muster::dispatch {

// A volunteer offered to a shift and the cost c(v, s) of the pair.
struct Candidate {
  int volunteer = 0;
  std::int64_t cost = 0;
};

// The pairs a general solve works on: per shift a growing list of usable volunteers (eligible,
// the shift no longer than their daily cap, headcount above zero). Lists start with the nearest
// volunteers and grow by reach: every pair cheaper than a given cost, found through the grid of
// homes, so a caller can prove that no pair outside the pool matters. `model` and `homes` must
// outlive the pool. Not thread-safe; the searches themselves run on two threads.
class CandidatePool {
 public:
  // A reach that takes every usable pair of the shift.
  static constexpr std::int64_t kEverything = std::numeric_limits<std::int64_t>::max();

  CandidatePool(const Model& model, const VolunteerGrid& homes);

  // Returns whether v may be assigned to s at all in some plan.
  bool Usable(int v, int s) const;
  // Adds, for each shift s, its more[s] cheapest usable volunteers not yet in the pool.
  void AddNearest(const std::vector<std::int64_t>& more);
  // Adds every usable pair (v, s) with c(v, s) < reach[s] not yet in the pool (reach[s] <= 0
  // skips s; kEverything takes all its pairs), but at most `limit` per shift, the cheapest: where
  // more were found, lowers reach[s] to the cost of the cheapest pair left out, so that on return
  // the pool holds every usable pair with c(v, s) < reach[s]. Returns how many pairs were added.
  std::int64_t AddWithin(std::vector<std::int64_t>& reach, std::int64_t limit = kEverything);
  // Adds the (shift, volunteer) `pairs` not yet in the pool. REQUIRES: every pair usable.
  void AddPairs(const std::vector<std::pair<int, int>>& pairs);
  // Returns the candidates of shift s, sorted by volunteer.
  const std::vector<Candidate>& Of(int s) const { return lists_[s]; }
  // Returns whether the pool holds every usable pair of s.
  bool Complete(int s) const { return complete_[s] != 0; }
  // Returns the number of pairs in the pool.
  std::int64_t size() const;
  // Returns the candidate of (v, s), or nullptr when the pair is not in the pool.
  const Candidate* Find(int v, int s) const;

 private:
  void NearestAtSite(const std::vector<int>& shifts, const std::vector<std::int64_t>& more,
                     std::vector<std::vector<Candidate>>& out) const;
  void WithinAtSite(const std::vector<int>& shifts, std::vector<std::int64_t>& reach,
                    std::int64_t limit, std::vector<std::vector<Candidate>>& out) const;
  // Runs `search(group, out)` for every site group on two threads and merges the results.
  template <typename Search>
  std::int64_t SearchSites(Search search);

  const Model& model_;
  const VolunteerGrid& homes_;
  std::vector<std::vector<int>> site_groups_;  // shifts at one site, in index order
  std::vector<std::vector<Candidate>> lists_;
  std::vector<char> complete_;
};

}  // namespace muster::dispatch
