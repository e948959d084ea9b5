#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/time.h"

namespace muster::notify {

// Follows a table whose ids only grow (the outbox's notifications and events) without losing a
// row that commits late. Ids are handed out when a row is inserted, not when its transaction
// commits: on PostgreSQL a reader can see id 11 before id 10 commits, and a rolled-back or rerun
// transaction leaves an id that never appears. So the follower remembers every id it skipped (a
// gap) and asks for those again on later passes, until the row appears or the gap is older than
// `gap_grace`; only then does the settled position move past it.
//
// Not thread-safe: one reader owns it.
class IdFollower {
 public:
  // A run of ids not yet seen: [first, last], noticed at `since`.
  struct Gap {
    std::int64_t first;
    std::int64_t last;
    Timestamp since;
  };

  struct Options {
    // How long a skipped id is waited for. A transaction that commits a row later than this after
    // a later id became visible is not followed.
    std::chrono::seconds gap_grace{900};
    // Gaps remembered at most; beyond, the oldest is given up.
    std::size_t max_gaps = 256;
  };

  // Starts after id `start` (every id up to it counts as read).
  IdFollower(std::int64_t start, Options options) : options_(options), scanned_(start) {}

  // The highest id read: the next pass asks for ids above it.
  std::int64_t scanned() const { return scanned_; }
  // Every id up to this one has been read or given up: where a restarted reader resumes.
  std::int64_t settled() const;
  // The runs of ids to ask for again, oldest first.
  const std::vector<Gap>& gaps() const { return gaps_; }

  // Records the ids a pass read above scanned() (ascending); the ids skipped become gaps
  // noticed at `now`.
  // REQUIRES: every id > scanned(), ascending.
  void Advance(const std::vector<std::int64_t>& ids, Timestamp now);
  // Records that `id`, inside a gap, has appeared.
  void Fill(std::int64_t id);
  // Gives up gaps noticed more than gap_grace before `now`; returns how many ids were given up.
  std::int64_t Expire(Timestamp now);
  // Forgets every gap and moves to `position` (when nothing can still need following, e.g. no
  // webhook exists). REQUIRES: position >= scanned().
  void Reset(std::int64_t position);

 private:
  Options options_;
  std::int64_t scanned_;
  std::vector<Gap> gaps_;  // disjoint, ascending
};

}  // namespace muster::notify
