#include "dispatch/assignment_flow.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <unordered_map>

namespace muster::dispatch {

std::optional<std::vector<char>> SolveAssignment(const std::vector<AssignmentArc>& arcs,
                                                 const std::vector<std::int64_t>& capacity,
                                                 const std::vector<std::int64_t>& reward) {
  using Digraph = lemon::SmartDigraph;
  using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;
  Digraph g;
  Digraph::Node source = g.addNode(), sink = g.addNode();
  std::vector<std::int64_t> upper, cost;
  auto add_arc = [&](Digraph::Node a, Digraph::Node z, std::int64_t cap, std::int64_t c) {
    g.addArc(a, z);
    upper.push_back(cap);
    cost.push_back(c);
  };
  std::vector<Digraph::Node> right;
  std::int64_t places = 0;
  for (std::size_t r = 0; r < capacity.size(); ++r) {
    right.push_back(g.addNode());
    add_arc(right.back(), sink, capacity[r], -reward[r]);
    places += capacity[r];
  }
  // Left nodes in order of first appearance, so that the graph depends on the arcs' order only.
  std::unordered_map<int, Digraph::Node> left;
  for (const AssignmentArc& a : arcs) {
    auto [it, fresh] = left.emplace(a.left, Digraph::Node());
    if (fresh) {
      it->second = g.addNode();
      add_arc(source, it->second, 1, 0);
    }
  }
  places = std::min<std::int64_t>(places, std::int64_t(left.size()));
  int first = g.arcNum();
  for (const AssignmentArc& a : arcs) add_arc(left[a.left], right[std::size_t(a.right)], 1, a.cost);
  add_arc(source, sink, places, 0);  // places may stay empty
  Digraph::ArcMap<std::int64_t> upper_map(g), cost_map(g);
  for (Digraph::ArcIt a(g); a != lemon::INVALID; ++a) {
    upper_map[a] = upper[std::size_t(g.id(a))];
    cost_map[a] = cost[std::size_t(g.id(a))];
  }
  Simplex simplex(g);
  simplex.upperMap(upper_map).costMap(cost_map).stSupply(source, sink, places);
  if (simplex.run() != Simplex::OPTIMAL) return std::nullopt;
  std::vector<char> chosen(arcs.size(), 0);
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    chosen[i] = simplex.flow(g.arcFromId(first + int(i))) > 0;
  }
  return chosen;
}

}  // namespace muster::dispatch
