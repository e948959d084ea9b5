#include "dispatch/candidate_pool.h"

#include <algorithm>
#include <map>
#include <queue>
#include <tuple>

#include "dispatch/parallel.h"

namespace muster::dispatch {
namespace {

bool ByVolunteer(const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; }

bool Contains(const std::vector<Candidate>& list, int v) {
  auto it = std::lower_bound(list.begin(), list.end(), v,
                             [](const Candidate& c, int w) { return c.volunteer < w; });
  return it != list.end() && it->volunteer == v;
}

}  // namespace

CandidatePool::CandidatePool(const Model& model, const VolunteerGrid& homes)
    : model_(model), homes_(homes), lists_(model.shift_count()), complete_(model.shift_count(), 0) {
  std::map<std::tuple<bool, double, double>, std::vector<int>> by_site;
  for (int s = 0; s < model.shift_count(); ++s) {
    const auto& site = model.instance().shifts[s].site;
    by_site[{site.has_value(), site ? site->lat : 0, site ? site->lon : 0}].push_back(s);
    if (model.instance().shifts[s].headcount <= 0) complete_[s] = 1;
  }
  for (auto& [site, shifts] : by_site) site_groups_.push_back(std::move(shifts));
}

bool CandidatePool::Usable(int v, int s) const {
  return model_.instance().shifts[s].headcount > 0 &&
         model_.Duration(s) <= model_.instance().volunteers[v].max_seconds_per_day &&
         model_.Eligible(v, s);
}

std::int64_t CandidatePool::size() const {
  std::int64_t total = 0;
  for (const auto& list : lists_) total += static_cast<std::int64_t>(list.size());
  return total;
}

void CandidatePool::AddPairs(const std::vector<std::pair<int, int>>& pairs) {
  for (auto [s, v] : pairs) {
    auto& list = lists_[s];
    auto it = std::lower_bound(list.begin(), list.end(), v,
                               [](const Candidate& c, int w) { return c.volunteer < w; });
    if (it == list.end() || it->volunteer != v) list.insert(it, {v, model_.Cost(v, s)});
  }
}

const Candidate* CandidatePool::Find(int v, int s) const {
  const auto& list = lists_[s];
  auto it = std::lower_bound(list.begin(), list.end(), v,
                             [](const Candidate& c, int w) { return c.volunteer < w; });
  return it != list.end() && it->volunteer == v ? &*it : nullptr;
}

template <typename Search>
std::int64_t CandidatePool::SearchSites(Search search) {
  std::vector<std::vector<std::vector<Candidate>>> found(site_groups_.size());
  ForEachInParallel(site_groups_.size(), [&](std::size_t g) {
    found[g].resize(site_groups_[g].size());
    search(site_groups_[g], found[g]);
  });
  std::int64_t added = 0;
  for (std::size_t g = 0; g < site_groups_.size(); ++g) {
    for (std::size_t i = 0; i < site_groups_[g].size(); ++i) {
      auto& list = lists_[site_groups_[g][i]];
      added += static_cast<std::int64_t>(found[g][i].size());
      list.insert(list.end(), found[g][i].begin(), found[g][i].end());
      std::sort(list.begin(), list.end(), ByVolunteer);
    }
  }
  return added;
}

void CandidatePool::NearestAtSite(const std::vector<int>& shifts,
                                  const std::vector<std::int64_t>& more,
                                  std::vector<std::vector<Candidate>>& out) const {
  // Paired volunteers are few and offered directly; all others pay penalties.other_unit, so
  // distance orders them and the ring search ends once no farther home can enter any k best.
  using Entry = std::pair<std::int64_t, int>;  // (cost, volunteer)
  const std::int64_t other = model_.instance().penalties.other_unit;
  std::vector<std::priority_queue<Entry>> best(shifts.size());
  std::vector<std::size_t> k(shifts.size());
  auto offer = [&](std::size_t i, int v, std::int64_t cost) {
    if (k[i] == 0 || Contains(lists_[shifts[i]], v)) return;
    Entry e{cost, v};
    if (best[i].size() < k[i]) {
      best[i].push(e);
    } else if (e < best[i].top()) {
      best[i].pop();
      best[i].push(e);
    }
  };
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    if (complete_[shifts[i]]) continue;
    k[i] = static_cast<std::size_t>(std::max<std::int64_t>(more[shifts[i]], 0));
    for (int v : model_.PairedVolunteers(shifts[i])) {
      if (Usable(v, shifts[i])) offer(i, v, model_.Cost(v, shifts[i]));
    }
  }
  auto full = [&](std::size_t i, std::int64_t cost) {
    return k[i] == 0 || (best[i].size() == k[i] && cost >= best[i].top().first);
  };
  homes_.Search(
      model_.instance().shifts[shifts[0]].site,
      [&](int v) {
        std::int64_t cost = model_.Metres(v, shifts[0]) + other;  // the shifts share their site
        for (std::size_t i = 0; i < shifts.size(); ++i) {
          if (full(i, cost) || model_.Paired(v, shifts[i]) || !Usable(v, shifts[i])) continue;
          offer(i, v, cost);
        }
      },
      [&](double bound) {
        // Every home not yet visited costs at least bound - 0.5 + other once rounded.
        for (std::size_t i = 0; i < shifts.size(); ++i) {
          if (k[i] == 0) continue;
          if (best[i].size() < k[i] || bound + double(other) < double(best[i].top().first) + 1) {
            return false;
          }
        }
        return true;
      });
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    for (; !best[i].empty(); best[i].pop()) {
      out[i].push_back({best[i].top().second, best[i].top().first});
    }
  }
}

void CandidatePool::AddNearest(const std::vector<std::int64_t>& more) {
  std::vector<std::size_t> before(lists_.size());
  for (std::size_t s = 0; s < lists_.size(); ++s) before[s] = lists_[s].size();
  SearchSites([&](const std::vector<int>& shifts, std::vector<std::vector<Candidate>>& out) {
    NearestAtSite(shifts, more, out);
  });
  for (int s = 0; s < model_.shift_count(); ++s) {
    // A search that found fewer than asked saw every usable volunteer.
    if (more[s] > 0 && std::int64_t(lists_[s].size() - before[s]) < more[s]) complete_[s] = 1;
  }
}

void CandidatePool::WithinAtSite(const std::vector<int>& shifts, std::vector<std::int64_t>& reach,
                                 std::int64_t limit,
                                 std::vector<std::vector<Candidate>>& out) const {
  const std::int64_t other = model_.instance().penalties.other_unit;
  std::int64_t widest = -1;  // metres: non-paired pairs farther than this cost too much
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    int s = shifts[i];
    if (complete_[s] || reach[s] <= 0) continue;
    widest = reach[s] == kEverything || widest == kEverything ? kEverything
                                                              : std::max(widest, reach[s] - other);
    for (int v : model_.PairedVolunteers(s)) {
      std::int64_t cost = model_.Cost(v, s);
      if (cost < reach[s] && !Contains(lists_[s], v) && Usable(v, s)) out[i].push_back({v, cost});
    }
  }
  if (widest < 0) return;
  homes_.Search(
      model_.instance().shifts[shifts[0]].site,
      [&](int v) {
        std::int64_t cost = model_.Metres(v, shifts[0]) + other;
        for (std::size_t i = 0; i < shifts.size(); ++i) {
          int s = shifts[i];
          if (complete_[s] || reach[s] <= 0 || cost >= reach[s]) continue;
          if (model_.Paired(v, s) || Contains(lists_[s], v) || !Usable(v, s)) continue;
          out[i].push_back({v, cost});
        }
      },
      [&](double bound) {
        return widest != kEverything && bound >= static_cast<double>(widest) + 1;
      });
  // Each shift belongs to one site group, so writing its reach here is race-free.
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    auto& found = out[i];
    if (std::int64_t(found.size()) <= limit) continue;
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
      return a.cost != b.cost ? a.cost < b.cost : a.volunteer < b.volunteer;
    });
    std::size_t keep = std::size_t(limit);
    // Pairs tied with the first one left out go too: the reach is strict.
    while (keep > 0 && found[keep - 1].cost == found[keep].cost) --keep;
    reach[shifts[i]] = found[keep].cost;
    found.resize(keep);
  }
}

std::int64_t CandidatePool::AddWithin(std::vector<std::int64_t>& reach, std::int64_t limit) {
  std::int64_t added =
      SearchSites([&](const std::vector<int>& shifts, std::vector<std::vector<Candidate>>& out) {
        WithinAtSite(shifts, reach, limit, out);
      });
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (reach[s] == kEverything) complete_[s] = 1;
  }
  return added;
}

}  // namespace muster::dispatch
