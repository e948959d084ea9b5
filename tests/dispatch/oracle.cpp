#include "dispatch/oracle.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

namespace muster::dispatch::oracle {
namespace {

double Metres(const LatLon& a, const LatLon& b) {
  const double r = 6371008.8, k = std::numbers::pi / 180;
  double h =
      std::pow(std::sin((b.lat - a.lat) * k / 2), 2) +
      std::cos(a.lat * k) * std::cos(b.lat * k) * std::pow(std::sin((b.lon - a.lon) * k / 2), 2);
  return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

bool Overlap(const Shift& a, const Shift& b) {
  return a.starts_at < b.ends_at && b.starts_at < a.ends_at;
}

struct Key {
  std::map<std::int64_t, int> volunteer, shift;
};

}  // namespace

bool Eligible(const Instance& in, int v, int s) {
  const Volunteer& vol = in.volunteers[v];
  const Shift& sh = in.shifts[s];
  bool window = std::any_of(vol.available.begin(), vol.available.end(), [&](const Window& w) {
    return w.begin <= sh.starts_at && sh.ends_at <= w.end;
  });
  bool skills =
      std::includes(vol.skills.begin(), vol.skills.end(), sh.skills.begin(), sh.skills.end());
  bool risk = !sh.high_risk || vol.high_risk_ok;
  bool age = (!sh.min_age && !sh.max_age) || (vol.age && (!sh.min_age || *vol.age >= *sh.min_age) &&
                                              (!sh.max_age || *vol.age <= *sh.max_age));
  return window && skills && risk && age;
}

std::int64_t Cost(const Instance& in, int v, int s) {
  const Volunteer& vol = in.volunteers[v];
  const Shift& sh = in.shifts[s];
  std::int64_t d = vol.home && sh.site ? std::llround(Metres(*vol.home, *sh.site)) : 0;
  bool paired = vol.department && std::count(sh.paired_departments.begin(),
                                             sh.paired_departments.end(), *vol.department) > 0;
  if (paired) return d;
  if (vol.unit && sh.paired_unit && *vol.unit == *sh.paired_unit) return d + in.penalties.same_unit;
  return d + in.penalties.other_unit;
}

std::string CheckPlan(const Instance& in, const Plan& plan) {
  Key key;
  for (int v = 0; v < int(in.volunteers.size()); ++v) key.volunteer[in.volunteers[v].id] = v;
  for (int s = 0; s < int(in.shifts.size()); ++s) key.shift[in.shifts[s].id] = s;
  std::set<std::pair<int, int>> seen;
  std::vector<std::int64_t> filled(in.shifts.size(), 0);
  std::map<int, std::vector<int>> by_volunteer;
  std::int64_t coverage = 0, cost = 0;
  for (const Assignment& a : plan.assignments) {
    if (!key.shift.count(a.shift) || !key.volunteer.count(a.volunteer))
      return "unknown id in assignment";
    int s = key.shift[a.shift], v = key.volunteer[a.volunteer];
    std::string pair =
        " (shift " + std::to_string(a.shift) + ", volunteer " + std::to_string(a.volunteer) + ")";
    if (!Eligible(in, v, s)) return "ineligible pair" + pair;
    if (!seen.insert({s, v}).second) return "duplicate pair" + pair;
    if (++filled[s] > in.shifts[s].headcount) return "headcount exceeded" + pair;
    by_volunteer[v].push_back(s);
    coverage += in.shifts[s].priority;
    cost += Cost(in, v, s);
  }
  for (const auto& [v, shifts] : by_volunteer) {
    std::map<std::int64_t, std::int64_t> hours;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
      const Shift& a = in.shifts[shifts[i]];
      for (std::size_t j = i + 1; j < shifts.size(); ++j) {
        if (Overlap(a, in.shifts[shifts[j]]))
          return "overlapping shifts for volunteer " + std::to_string(in.volunteers[v].id);
      }
      hours[DayOf(in, a.starts_at)] += a.ends_at - a.starts_at;
    }
    for (auto [day, total] : hours) {
      if (total > in.volunteers[v].max_seconds_per_day)
        return "daily cap exceeded for volunteer " + std::to_string(in.volunteers[v].id);
    }
  }
  if (coverage != plan.coverage)
    return "coverage " + std::to_string(plan.coverage) + " != " + std::to_string(coverage);
  if (cost != plan.cost) return "cost " + std::to_string(plan.cost) + " != " + std::to_string(cost);
  std::size_t below = 0;
  for (const Unfilled& u : plan.unfilled) {
    if (!key.shift.count(u.shift)) return "unknown shift in unfilled";
    int s = key.shift[u.shift];
    if (u.missing != in.shifts[s].headcount - filled[s] || u.missing <= 0)
      return "wrong missing count for shift " + std::to_string(u.shift);
    if (u.reason.empty()) return "unfilled shift without reason";
    ++below;
  }
  for (std::size_t s = 0; s < in.shifts.size(); ++s) {
    if (filled[s] < in.shifts[s].headcount && below-- == 0)
      return "an unfilled shift is not listed";
  }
  if (plan.bound && (plan.bound->coverage < coverage ||
                     (plan.bound->coverage == coverage && plan.bound->cost > cost))) {
    return "the plan beats its own bound";
  }
  return "";
}

Optimum FullFlow(const Instance& in) {
  using Graph = lemon::SmartDigraph;
  Graph g;
  Graph::Node source = g.addNode(), sink = g.addNode();
  std::int64_t length = in.shifts.empty() ? 1 : in.shifts[0].ends_at - in.shifts[0].starts_at;
  std::map<std::int64_t, int> slots_per_day;
  std::set<std::int64_t> starts;
  for (const Shift& s : in.shifts) starts.insert(s.starts_at);
  for (std::int64_t t : starts) ++slots_per_day[DayOf(in, t)];
  std::map<std::pair<int, std::int64_t>, Graph::Node> day_node, slot_node;
  std::vector<std::int64_t> cap, cost;
  auto arc = [&](Graph::Node a, Graph::Node b, std::int64_t u, std::int64_t c) {
    g.addArc(a, b), cap.push_back(u), cost.push_back(c);
  };
  std::int64_t places = 0, max_cost = 1;
  std::vector<std::tuple<int, int, std::int64_t>> pairs;
  for (int s = 0; s < int(in.shifts.size()); ++s) {
    for (int v = 0; v < int(in.volunteers.size()); ++v) {
      if (!Eligible(in, v, s) || in.volunteers[v].max_seconds_per_day < length) continue;
      pairs.emplace_back(s, v, Cost(in, v, s));
      max_cost = std::max(max_cost, std::get<2>(pairs.back()));
    }
    places += in.shifts[s].headcount;
  }
  places = std::min<std::int64_t>(places, std::int64_t(pairs.size()));
  const std::int64_t big = max_cost * (places + 1) + 1;
  std::vector<Graph::Node> shift_node;
  for (const Shift& s : in.shifts) {
    shift_node.push_back(g.addNode());
    arc(shift_node.back(), sink, s.headcount, -s.priority * big);
  }
  std::vector<int> pair_arc;
  for (auto [s, v, c] : pairs) {
    std::int64_t day = DayOf(in, in.shifts[s].starts_at);
    auto slot_key = std::make_pair(v, in.shifts[s].starts_at);
    if (!slot_node.count(slot_key)) {
      Graph::Node n = g.addNode();
      slot_node[slot_key] = n;
      auto day_key = std::make_pair(v, day);
      if (!day_node.count(day_key)) {
        day_node[day_key] = g.addNode();
        arc(source, day_node[day_key],
            std::min<std::int64_t>(in.volunteers[v].max_seconds_per_day / length,
                                   slots_per_day[day]),
            0);
      }
      arc(day_node[day_key], n, 1, 0);
    }
    pair_arc.push_back(g.arcNum());
    arc(slot_node[slot_key], shift_node[s], 1, c);
  }
  arc(source, sink, places, 0);
  Graph::ArcMap<std::int64_t> u(g), w(g);
  for (Graph::ArcIt a(g); a != lemon::INVALID; ++a) u[a] = cap[g.id(a)], w[a] = cost[g.id(a)];
  lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t> simplex(g);
  simplex.upperMap(u).costMap(w).stSupply(source, sink, places).run();
  Optimum best;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (simplex.flow(g.arcFromId(pair_arc[i])) == 0) continue;
    auto [s, v, c] = pairs[i];
    best.coverage += in.shifts[s].priority;
    best.cost += c;
    best.assignments.push_back({in.shifts[s].id, in.volunteers[v].id});
  }
  return best;
}

Optimum Exhaustive(const Instance& in) {
  std::vector<std::tuple<int, int, std::int64_t>> pairs;
  for (int s = 0; s < int(in.shifts.size()); ++s) {
    for (int v = 0; v < int(in.volunteers.size()); ++v) {
      if (Eligible(in, v, s)) pairs.emplace_back(s, v, Cost(in, v, s));
    }
  }
  Optimum best;
  std::vector<int> chosen;
  // Depth-first over include/exclude of each pair; infeasible branches are cut by CheckPlan's
  // rules.
  auto feasible_with = [&](int s, int v) {
    std::int64_t filled = 0, hours = in.shifts[s].ends_at - in.shifts[s].starts_at;
    for (int i : chosen) {
      auto [cs, cv, cc] = pairs[i];
      filled += cs == s;
      if (cv != v) continue;
      if (Overlap(in.shifts[cs], in.shifts[s])) return false;
      if (DayOf(in, in.shifts[cs].starts_at) == DayOf(in, in.shifts[s].starts_at))
        hours += in.shifts[cs].ends_at - in.shifts[cs].starts_at;
    }
    return filled < in.shifts[s].headcount && hours <= in.volunteers[v].max_seconds_per_day;
  };
  std::int64_t cov = 0, cost = 0;
  bool have = false;
  auto dfs = [&](auto&& self, std::size_t i) -> void {
    if (i == pairs.size()) {
      if (!have || cov > best.coverage || (cov == best.coverage && cost < best.cost)) {
        have = true;
        best.coverage = cov, best.cost = cost, best.assignments.clear();
        for (int k : chosen)
          best.assignments.push_back(
              {in.shifts[std::get<0>(pairs[k])].id, in.volunteers[std::get<1>(pairs[k])].id});
      }
      return;
    }
    auto [s, v, c] = pairs[i];
    if (feasible_with(s, v)) {
      chosen.push_back(int(i)), cov += in.shifts[s].priority, cost += c;
      self(self, i + 1);
      chosen.pop_back(), cov -= in.shifts[s].priority, cost -= c;
    }
    self(self, i + 1);
  };
  dfs(dfs, 0);
  return best;
}

}  // namespace muster::dispatch::oracle
