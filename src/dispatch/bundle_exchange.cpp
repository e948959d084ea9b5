#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <map>

#include "dispatch/slice_search.h"

namespace muster::dispatch {
namespace {

using Digraph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;

// Each bundle is offered to its owner and at most this many other volunteers, the cheapest.
constexpr std::size_t kTakersPerBundle = 24;

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

}  // namespace

std::int64_t SliceSearch::BundleCost(int v, const std::vector<int>& bundle) const {
  const auto& shifts = model_.instance().shifts;
  std::int64_t cost = 0, hours = 0;
  for (int s : bundle) {
    const Candidate* c = pool_.Find(v, s);
    if (c == nullptr) return -1;
    cost += c->cost;
    hours += model_.Duration(s);
  }
  if (hours > model_.instance().volunteers[v].max_seconds_per_day) return -1;
  std::int64_t day = model_.ShiftDay(bundle[0]);
  for (int o : schedule_[v]) {
    if (model_.ShiftDay(o) == day) continue;
    for (int s : bundle) {
      if (Overlap(shifts[o], shifts[s])) return -1;
    }
  }
  return cost;
}

bool SliceSearch::ExchangeDay(std::int64_t day) {
  std::vector<int> owners;
  std::vector<std::vector<int>> bundles;
  for (int v = 0; v < model_.volunteer_count(); ++v) {
    std::vector<int> mine;
    for (int s : schedule_[v]) {
      if (model_.ShiftDay(s) == day) mine.push_back(s);
    }
    if (mine.empty()) continue;
    std::sort(mine.begin(), mine.end());
    owners.push_back(v);
    bundles.push_back(std::move(mine));
  }
  if (bundles.size() < 2) return false;
  // Arcs: volunteer -> bundle for every volunteer in the pool of all its shifts; the shortest
  // pool list of the bundle is scanned and the others searched.
  struct Arc {
    int volunteer, bundle;
    std::int64_t cost;
  };
  std::vector<Arc> arcs;
  std::int64_t old_cost = 0, widest = 1;
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    old_cost += BundleCost(owners[b], bundles[b]);
    int base = *std::min_element(bundles[b].begin(), bundles[b].end(), [&](int x, int y) {
      return pool_.Of(x).size() < pool_.Of(y).size();
    });
    std::vector<Arc> mine;
    for (const Candidate& c : pool_.Of(base)) {
      std::int64_t cost = BundleCost(c.volunteer, bundles[b]);
      if (cost >= 0) mine.push_back({c.volunteer, int(b), cost});
    }
    // The cheapest takers and the owner suffice for a good exchange and keep the flow small.
    std::sort(mine.begin(), mine.end(), [&](const Arc& x, const Arc& y) {
      bool x_owns = x.volunteer == owners[b], y_owns = y.volunteer == owners[b];
      if (x_owns != y_owns) return x_owns;
      return x.cost != y.cost ? x.cost < y.cost : x.volunteer < y.volunteer;
    });
    if (mine.size() > kTakersPerBundle) mine.resize(kTakersPerBundle);
    for (const Arc& a : mine) widest = std::max(widest, a.cost);
    arcs.insert(arcs.end(), mine.begin(), mine.end());
  }
  const std::int64_t n = std::int64_t(bundles.size());
  long double weight = static_cast<long double>(widest) * (n + 1) + 1;
  if (weight * (n + 4) * 4 >= static_cast<long double>(std::int64_t{1} << 61)) return false;
  Digraph g;
  Digraph::Node source = g.addNode(), sink = g.addNode();
  std::vector<std::int64_t> upper, cost;
  auto add_arc = [&](Digraph::Node a, Digraph::Node z, std::int64_t cap, std::int64_t c) {
    g.addArc(a, z);
    upper.push_back(cap);
    cost.push_back(c);
  };
  std::vector<Digraph::Node> bundle_nodes;
  for (std::int64_t b = 0; b < n; ++b) {
    bundle_nodes.push_back(g.addNode());
    add_arc(bundle_nodes.back(), sink, 1, -static_cast<std::int64_t>(weight));
  }
  std::map<int, Digraph::Node> volunteer_nodes;
  for (const Arc& a : arcs) {
    auto [it, fresh] = volunteer_nodes.emplace(a.volunteer, Digraph::Node());
    if (fresh) {
      it->second = g.addNode();
      add_arc(source, it->second, 1, 0);
    }
  }
  int first_pair = g.arcNum();
  for (const Arc& a : arcs)
    add_arc(volunteer_nodes[a.volunteer], bundle_nodes[a.bundle], 1, a.cost);
  add_arc(source, sink, n, 0);
  Digraph::ArcMap<std::int64_t> upper_map(g), cost_map(g);
  for (Digraph::ArcIt a(g); a != lemon::INVALID; ++a) {
    upper_map[a] = upper[std::size_t(g.id(a))];
    cost_map[a] = cost[std::size_t(g.id(a))];
  }
  Simplex simplex(g);
  simplex.upperMap(upper_map).costMap(cost_map).stSupply(source, sink, n);
  if (simplex.run() != Simplex::OPTIMAL) return false;
  std::vector<int> taker(bundles.size(), -1);
  std::int64_t new_cost = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (simplex.flow(g.arcFromId(first_pair + int(i))) == 0) continue;
    taker[std::size_t(arcs[i].bundle)] = arcs[i].volunteer;
    new_cost += arcs[i].cost;
  }
  // Every bundle keeps a volunteer (coverage is unchanged) and the day must get cheaper.
  if (std::count(taker.begin(), taker.end(), -1) > 0 || new_cost >= old_cost) return false;
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    for (int s : bundles[b]) Leave(s, owners[b]);
  }
  for (std::size_t b = 0; b < bundles.size(); ++b) {
    for (int s : bundles[b]) Join(s, *pool_.Find(taker[b], s));
  }
  return true;
}

bool SliceSearch::ExchangeDays() {
  std::vector<std::int64_t> days;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (!crew_[s].empty()) days.push_back(model_.ShiftDay(s));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  bool improved = false;
  for (std::int64_t day : days) improved = ExchangeDay(day) || improved;
  return improved;
}

}  // namespace muster::dispatch
