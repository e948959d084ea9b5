#include "notify/id_follower.h"

#include <algorithm>

namespace muster::notify {

std::int64_t IdFollower::settled() const {
  return gaps_.empty() ? scanned_ : gaps_.front().first - 1;
}

void IdFollower::Advance(const std::vector<std::int64_t>& ids, Timestamp now) {
  for (std::int64_t id : ids) {
    if (id <= scanned_) continue;
    if (id > scanned_ + 1) gaps_.push_back(Gap{scanned_ + 1, id - 1, now});
    scanned_ = id;
  }
  while (gaps_.size() > options_.max_gaps) gaps_.erase(gaps_.begin());
}

void IdFollower::Fill(std::int64_t id) {
  auto it = std::find_if(gaps_.begin(), gaps_.end(),
                         [id](const Gap& g) { return g.first <= id && id <= g.last; });
  if (it == gaps_.end()) return;
  Gap g = *it;
  it = gaps_.erase(it);
  if (id < g.last) it = gaps_.insert(it, Gap{id + 1, g.last, g.since});
  if (g.first < id) gaps_.insert(it, Gap{g.first, id - 1, g.since});
}

std::int64_t IdFollower::Expire(Timestamp now) {
  std::int64_t given_up = 0;
  std::erase_if(gaps_, [&](const Gap& g) {
    if (now - g.since <= options_.gap_grace) return false;
    given_up += g.last - g.first + 1;
    return true;
  });
  return given_up;
}

void IdFollower::Reset(std::int64_t position) {
  gaps_.clear();
  scanned_ = std::max(scanned_, position);
}

}  // namespace muster::notify
