#include "dispatch/slice_search.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace muster::dispatch {
namespace {

using Digraph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

// Coverage and cost of the crews of some shifts.
std::pair<std::int64_t, std::int64_t> Totals(const Model& model, const std::vector<int>& shifts,
                                             const std::vector<std::vector<Candidate>>& crews) {
  std::int64_t coverage = 0, cost = 0;
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    for (const Candidate& c : crews[i]) {
      coverage += model.instance().shifts[shifts[i]].priority;
      cost += c.cost;
    }
  }
  return {coverage, cost};
}

}  // namespace

SliceSearch::SliceSearch(const Model& model, const CandidatePool& pool)
    : model_(model),
      pool_(pool),
      schedule_(model.volunteer_count()),
      crew_(model.shift_count()),
      in_slice_(model.shift_count(), 0),
      node_of_(model.volunteer_count(), -1),
      changed_at_(model.volunteer_count(), 0) {
  const auto& shifts = model.instance().shifts;
  std::vector<std::int64_t> starts;
  for (const Shift& s : shifts) {
    if (s.headcount > 0) starts.push_back(s.starts_at);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  // Each shift contains its own start, so every shift lies in some neighbourhood.
  std::vector<int> order;
  for (int s = 0; s < model.shift_count(); ++s) {
    if (shifts[s].headcount > 0) order.push_back(s);
  }
  slices_.resize(starts.size());
  for (int s : order) {
    auto lo = std::lower_bound(starts.begin(), starts.end(), shifts[s].starts_at);
    auto hi = std::lower_bound(starts.begin(), starts.end(), shifts[s].ends_at);
    for (auto it = lo; it != hi; ++it) slices_[std::size_t(it - starts.begin())].push_back(s);
  }
  solved_at_.assign(slices_.size(), 0);
}

bool SliceSearch::Dirty(std::size_t i) const {
  for (int s : slices_[i]) {
    for (const Candidate& c : pool_.Of(s)) {
      if (changed_at_[c.volunteer] > solved_at_[i]) return true;
    }
  }
  return false;
}

bool SliceSearch::Fits(int v, int s) const {
  const auto& shifts = model_.instance().shifts;
  std::int64_t hours = model_.Duration(s);
  for (int o : schedule_[v]) {
    if (in_slice_[o]) continue;
    if (Overlap(shifts[o], shifts[s])) return false;
    if (model_.ShiftDay(o) == model_.ShiftDay(s)) hours += model_.Duration(o);
  }
  return hours <= model_.instance().volunteers[v].max_seconds_per_day;
}

bool SliceSearch::SolveSlice(const std::vector<int>& slice) {
  const auto& shifts = model_.instance().shifts;
  for (int s : slice) in_slice_[s] = 1;
  Digraph g;
  Digraph::Node source = g.addNode(), sink = g.addNode();
  std::vector<std::int64_t> upper, cost;
  auto add_arc = [&](Digraph::Node a, Digraph::Node b, std::int64_t cap, std::int64_t c) {
    g.addArc(a, b);
    upper.push_back(cap);
    cost.push_back(c);
  };
  std::vector<int> volunteers;
  std::vector<std::vector<const Candidate*>> arcs(slice.size());
  std::vector<Digraph::Node> shift_nodes;
  std::int64_t places = 0, widest = 1;
  for (std::size_t i = 0; i < slice.size(); ++i) {
    int s = slice[i];
    shift_nodes.push_back(g.addNode());
    places += shifts[s].headcount;
    for (const Candidate& c : pool_.Of(s)) {
      if (!Fits(c.volunteer, s)) continue;
      if (node_of_[c.volunteer] < 0) {
        node_of_[c.volunteer] = g.id(g.addNode());
        volunteers.push_back(c.volunteer);
      }
      arcs[i].push_back(&c);
      widest = std::max(widest, c.cost);
    }
  }
  for (int s : slice) in_slice_[s] = 0;
  places = std::min<std::int64_t>(places, std::int64_t(volunteers.size()));
  // One unit of priority must outweigh the cost of every assignment of the neighbourhood.
  long double weight = static_cast<long double>(widest) * (places + 1) + 1;
  bool fits = weight * 100 * (places + 4) * 4 < static_cast<long double>(std::int64_t{1} << 61);
  if (!fits || volunteers.empty()) {
    for (int v : volunteers) node_of_[v] = -1;
    return false;
  }
  for (int v : volunteers) add_arc(source, g.nodeFromId(node_of_[v]), 1, 0);
  int first_pair = g.arcNum();
  for (std::size_t i = 0; i < slice.size(); ++i) {
    for (const Candidate* c : arcs[i]) {
      add_arc(g.nodeFromId(node_of_[c->volunteer]), shift_nodes[i], 1, c->cost);
    }
    add_arc(shift_nodes[i], sink, shifts[slice[i]].headcount,
            -shifts[slice[i]].priority * static_cast<std::int64_t>(weight));
  }
  add_arc(source, sink, places, 0);
  for (int v : volunteers) node_of_[v] = -1;

  Digraph::ArcMap<std::int64_t> upper_map(g), cost_map(g);
  for (Digraph::ArcIt a(g); a != lemon::INVALID; ++a) {
    upper_map[a] = upper[std::size_t(g.id(a))];
    cost_map[a] = cost[std::size_t(g.id(a))];
  }
  Simplex simplex(g);
  simplex.upperMap(upper_map).costMap(cost_map).stSupply(source, sink, places);
  if (simplex.run() != Simplex::OPTIMAL) return false;
  std::vector<std::vector<Candidate>> crews(slice.size());
  int arc = first_pair;
  for (std::size_t i = 0; i < slice.size(); ++i) {
    for (const Candidate* c : arcs[i]) {
      if (simplex.flow(g.arcFromId(arc++)) > 0) crews[i].push_back(*c);
    }
    ++arc;  // the shift's arc to the sink
  }
  std::vector<std::vector<Candidate>> old;
  for (int s : slice) old.push_back(crew_[s]);
  auto [old_coverage, old_cost] = Totals(model_, slice, old);
  auto [new_coverage, new_cost] = Totals(model_, slice, crews);
  // Equal plans keep the old crews, so that sweeps end.
  if (new_coverage < old_coverage || (new_coverage == old_coverage && new_cost >= old_cost)) {
    return false;
  }
  coverage_ += new_coverage - old_coverage;
  cost_ += new_cost - old_cost;
  Apply(slice, std::move(crews));
  return true;
}

void SliceSearch::Apply(const std::vector<int>& slice, std::vector<std::vector<Candidate>> crews) {
  for (std::size_t i = 0; i < slice.size(); ++i) {
    int s = slice[i];
    for (const Candidate& c : crew_[s]) {
      auto& mine = schedule_[c.volunteer];
      mine.erase(std::find(mine.begin(), mine.end(), s));
      Touch(c.volunteer);
    }
    crew_[s] = std::move(crews[i]);
    for (const Candidate& c : crew_[s]) {
      schedule_[c.volunteer].push_back(s);
      Touch(c.volunteer);
    }
  }
}

void SliceSearch::Reset(const std::vector<std::pair<int, int>>& pairs) {
  for (auto& crew : crew_) crew.clear();
  for (auto& mine : schedule_) mine.clear();
  coverage_ = cost_ = 0;
  for (auto [s, v] : pairs) Join(s, *pool_.Find(v, s));
  std::fill(solved_at_.begin(), solved_at_.end(), 0);
}

bool SliceSearch::Sweep() {
  if (pool_.size() != pool_size_) {
    pool_size_ = pool_.size();
    std::fill(solved_at_.begin(), solved_at_.end(), 0);
  }
  bool improved = false;
  for (std::size_t i = 0; i < slices_.size(); ++i) {
    // A slice whose volunteers are all as they were when it was solved would come out the same.
    if (solved_at_[i] > 0 && !Dirty(i)) continue;
    if (SolveSlice(slices_[i])) improved = true;
    solved_at_[i] = ++clock_;
  }
  return improved;
}

int SliceSearch::SweepUntilStable(int max_sweeps) {
  int sweeps = 0;
  while (sweeps < max_sweeps) {
    ++sweeps;
    if (!Sweep()) break;
  }
  return sweeps;
}

std::vector<std::pair<int, int>> SliceSearch::Pairs() const {
  std::vector<std::pair<int, int>> pairs;
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (const Candidate& c : crew_[s]) pairs.push_back({s, c.volunteer});
  }
  return pairs;
}

}  // namespace muster::dispatch
