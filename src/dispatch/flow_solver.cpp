#include "dispatch/flow_solver.h"

#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <string>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace muster::dispatch {
namespace {

using Digraph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;

// A candidate pair of one shift: the volunteer index and c(v, s).
struct Candidate {
  int volunteer;
  std::int64_t cost;
};

// Returns the index of `key` in the sorted `keys`, or -1.
int IndexOf(const std::vector<std::int64_t>& keys, std::int64_t key) {
  auto it = std::lower_bound(keys.begin(), keys.end(), key);
  return it != keys.end() && *it == key ? static_cast<int>(it - keys.begin()) : -1;
}

// The sparse flow and its pricing loop; one object per solve.
class SlotFlow {
 public:
  SlotFlow(const Model& model, const SlotGrid& grid, const VolunteerGrid& homes,
           const ProgressFn& progress);

  // Returns false when the folded objective could overflow.
  bool ChooseWeight();
  void InitialCandidates();
  void SolveSparse();
  // Adds the excluded pairs of negative reduced cost; returns how many.
  std::int64_t Price();
  Solution Extract() const;

 private:
  int ShiftsPerDay(int v) const { return slots_per_day_cap_[v]; }
  int DayIndex(int slot) const { return slot_day_index_[slot]; }
  bool Binds(int v, int slot) const { return slots_per_day_cap_[v] < slots_in_day_[DayIndex(slot)]; }
  std::int64_t SlotKey(int v, int slot) const { return std::int64_t{v} * slot_count_ + slot; }
  std::int64_t DayKey(int v, int day) const { return std::int64_t{v} * day_count_ + day; }
  bool Usable(int v, int s) const { return slots_per_day_cap_[v] > 0 && model_.Eligible(v, s); }
  // Returns the potential of the volunteer side of pair (v, slot): its slot node, else its day
  // node, else the source; absent nodes may take their parent's potential without breaking
  // dual feasibility.
  std::int64_t VolunteerPotential(int v, int slot) const;
  void PriceShift(int s, std::int64_t floor_potential, std::vector<Candidate>& out) const;

  const Model& model_;
  const SlotGrid& grid_;
  const VolunteerGrid& homes_;
  const ProgressFn& progress_;
  int slot_count_ = 0;
  int day_count_ = 0;
  std::vector<int> slot_day_index_;
  std::vector<int> slots_in_day_;
  std::vector<int> slots_per_day_cap_;             // per volunteer: floor(max hours / slot hours)
  std::vector<std::vector<Candidate>> candidates_;  // per shift, sorted by volunteer
  std::vector<char> complete_;                     // the shift's candidates are all its pairs
  std::int64_t weight_ = 1;                        // one unit of priority, in cost units
  std::int64_t places_ = 0;                        // bound on the places any plan can fill
  // Results of the last sparse solve.
  std::vector<std::vector<char>> used_;  // parallel to candidates_
  std::vector<std::int64_t> shift_potential_;
  std::vector<std::int64_t> slot_keys_, slot_potential_;
  std::vector<std::int64_t> day_keys_, day_potential_;
  std::int64_t source_potential_ = 0;
};

SlotFlow::SlotFlow(const Model& model, const SlotGrid& grid, const VolunteerGrid& homes,
                   const ProgressFn& progress)
    : model_(model), grid_(grid), homes_(homes), progress_(progress) {
  slot_count_ = static_cast<int>(grid.slot_day.size());
  std::map<std::int64_t, int> days;
  for (std::int64_t day : grid.slot_day) ++days[day];
  for (auto& [day, count] : days) slots_in_day_.push_back(count);
  day_count_ = static_cast<int>(days.size());
  for (std::int64_t day : grid.slot_day) {
    slot_day_index_.push_back(static_cast<int>(std::distance(days.begin(), days.find(day))));
  }
  for (const Volunteer& v : model.instance().volunteers) {
    std::int64_t k = v.max_seconds_per_day / grid.length;
    slots_per_day_cap_.push_back(static_cast<int>(std::min<std::int64_t>(k, slot_count_)));
  }
  candidates_.resize(model.shift_count());
  complete_.assign(model.shift_count(), 0);
}

bool SlotFlow::ChooseWeight() {
  // The weight must exceed the cost of any whole plan so that priority always wins; all folded
  // sums (plan objective, potentials, LEMON's artificial costs) must stay far from 2^63.
  std::int64_t places = 0;
  for (const Shift& s : model_.instance().shifts) {
    places = std::min<std::int64_t>(places + s.headcount, std::int64_t{1} << 40);
  }
  places = std::min<std::int64_t>(places, std::int64_t{model_.volunteer_count()} * slot_count_);
  places_ = places;
  long double weight = static_cast<long double>(model_.MaxCostBound()) * (places + 1) + 1;
  long double worst = weight * 100 * (places + 4) * 4;
  if (worst > static_cast<long double>(std::int64_t{1} << 61)) return false;
  weight_ = static_cast<std::int64_t>(weight);
  return true;
}

void SlotFlow::InitialCandidates() {
  using Entry = std::pair<std::int64_t, int>;  // (cost, volunteer): the heap keeps the k best
  for (int s = 0; s < model_.shift_count(); ++s) {
    const Shift& shift = model_.instance().shifts[s];
    if (shift.headcount == 0) {
      complete_[s] = 1;
      continue;
    }
    std::size_t k = static_cast<std::size_t>(std::min<std::int64_t>(2 * shift.headcount + 4,
                                                                    model_.volunteer_count()));
    std::priority_queue<Entry> best;
    bool stopped = false;
    homes_.Search(
        shift.site,
        [&](int v) {
          if (!Usable(v, s)) return;
          Entry e{model_.Cost(v, s), v};
          if (best.size() < k) {
            best.push(e);
          } else if (e < best.top()) {
            best.pop();
            best.push(e);
          }
        },
        [&](double bound) {
          stopped = best.size() == k && bound + model_.MinPenalty() >= best.top().first + 1;
          return stopped;
        });
    complete_[s] = !stopped && best.size() < k;
    auto& list = candidates_[s];
    for (; !best.empty(); best.pop()) list.push_back({best.top().second, best.top().first});
    std::sort(list.begin(), list.end(),
              [](const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; });
  }
}


void SlotFlow::SolveSparse() {
  Digraph g;
  Digraph::Node source = g.addNode();
  Digraph::Node sink = g.addNode();
  slot_keys_.clear();
  day_keys_.clear();
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (const Candidate& c : candidates_[s]) {
      int slot = grid_.shift_slot[s];
      slot_keys_.push_back(SlotKey(c.volunteer, slot));
      if (Binds(c.volunteer, slot)) day_keys_.push_back(DayKey(c.volunteer, DayIndex(slot)));
    }
  }
  for (auto* keys : {&slot_keys_, &day_keys_}) {
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  }
  std::vector<Digraph::Node> day_nodes, slot_nodes, shift_nodes(model_.shift_count());
  std::vector<std::int64_t> upper, cost;  // by arc id, in the order arcs are added
  auto add_arc = [&](Digraph::Node from, Digraph::Node to, std::int64_t cap, std::int64_t c) {
    g.addArc(from, to);
    upper.push_back(cap);
    cost.push_back(c);
  };
  for (std::int64_t key : day_keys_) {
    day_nodes.push_back(g.addNode());
    add_arc(source, day_nodes.back(), slots_per_day_cap_[key / day_count_], 0);
  }
  for (std::int64_t key : slot_keys_) {
    int v = static_cast<int>(key / slot_count_);
    int slot = static_cast<int>(key % slot_count_);
    slot_nodes.push_back(g.addNode());
    int day = Binds(v, slot) ? IndexOf(day_keys_, DayKey(v, DayIndex(slot))) : -1;
    add_arc(day >= 0 ? day_nodes[day] : source, slot_nodes.back(), 1, 0);
  }
  int first_pair_arc = static_cast<int>(upper.size());
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (candidates_[s].empty()) continue;
    shift_nodes[s] = g.addNode();
    for (const Candidate& c : candidates_[s]) {
      int node = IndexOf(slot_keys_, SlotKey(c.volunteer, grid_.shift_slot[s]));
      add_arc(slot_nodes[node], shift_nodes[s], 1, c.cost);
    }
    const Shift& shift = model_.instance().shifts[s];
    add_arc(shift_nodes[s], sink, shift.headcount, -shift.priority * weight_);
  }
  // The supply is the full graph's bound on assigned places, not the sparse graph's, so that the
  // potentials certify the full problem; the bypass arc lets places stay empty at no cost.
  std::int64_t flow = places_;
  add_arc(source, sink, flow, 0);

  Digraph::ArcMap<std::int64_t> upper_map(g), cost_map(g);
  for (Digraph::ArcIt a(g); a != lemon::INVALID; ++a) {
    upper_map[a] = upper[g.id(a)];
    cost_map[a] = cost[g.id(a)];
  }
  Simplex simplex(g);
  simplex.upperMap(upper_map).costMap(cost_map).stSupply(source, sink, flow);
  simplex.run();

  source_potential_ = simplex.potential(source);
  day_potential_.clear();
  for (auto n : day_nodes) day_potential_.push_back(simplex.potential(n));
  slot_potential_.clear();
  for (auto n : slot_nodes) slot_potential_.push_back(simplex.potential(n));
  shift_potential_.assign(model_.shift_count(), 0);
  used_.assign(model_.shift_count(), {});
  int arc = first_pair_arc;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (candidates_[s].empty()) continue;
    shift_potential_[s] = simplex.potential(shift_nodes[s]);
    for (std::size_t i = 0; i < candidates_[s].size(); ++i) {
      used_[s].push_back(simplex.flow(g.arcFromId(arc++)) > 0);
    }
    ++arc;  // the shift's sink arc
  }
}

std::int64_t SlotFlow::VolunteerPotential(int v, int slot) const {
  int node = IndexOf(slot_keys_, SlotKey(v, slot));
  if (node >= 0) return slot_potential_[node];
  if (Binds(v, slot)) {
    int day = IndexOf(day_keys_, DayKey(v, DayIndex(slot)));
    if (day >= 0) return day_potential_[day];
  }
  return source_potential_;
}

void SlotFlow::PriceShift(int s, std::int64_t floor_potential, std::vector<Candidate>& out) const {
  // A pair (v, s) has reduced cost c(v, s) + pi(v side) - pi(s); it can only be negative while
  // c(v, s) < pi(s) - floor_potential, which bounds the distance worth searching.
  const Shift& shift = model_.instance().shifts[s];
  int slot = grid_.shift_slot[s];
  std::int64_t reach = shift_potential_[s] - floor_potential - model_.MinPenalty();
  const auto& have = candidates_[s];
  std::vector<std::pair<std::int64_t, Candidate>> found;
  homes_.Search(
      shift.site,
      [&](int v) {
        if (!Usable(v, s)) return;
        std::int64_t c = model_.Cost(v, s);
        std::int64_t reduced = c + VolunteerPotential(v, slot) - shift_potential_[s];
        if (reduced >= 0) return;
        auto it = std::lower_bound(have.begin(), have.end(), v, [](const Candidate& a, int w) {
          return a.volunteer < w;
        });
        if (it != have.end() && it->volunteer == v) return;
        found.push_back({reduced, {v, c}});
      },
      [&](double bound) { return bound >= static_cast<double>(reach) + 1; });
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.volunteer < b.second.volunteer;
  });
  std::size_t limit = static_cast<std::size_t>(std::min<std::int64_t>(2 * shift.headcount + 4,
                                                                      found.size()));
  for (std::size_t i = 0; i < limit; ++i) out.push_back(found[i].second);
}

std::int64_t SlotFlow::Price() {
  // The volunteer side's potential is never below this per slot, which bounds every search.
  std::vector<std::int64_t> floor_potential(slot_count_, source_potential_);
  for (std::size_t i = 0; i < slot_keys_.size(); ++i) {
    auto& f = floor_potential[slot_keys_[i] % slot_count_];
    f = std::min(f, slot_potential_[i]);
  }
  std::vector<std::int64_t> day_floor(day_count_, source_potential_);
  for (std::size_t i = 0; i < day_keys_.size(); ++i) {
    auto& f = day_floor[day_keys_[i] % day_count_];
    f = std::min(f, day_potential_[i]);
  }
  for (int slot = 0; slot < slot_count_; ++slot) {
    floor_potential[slot] = std::min(floor_potential[slot], day_floor[DayIndex(slot)]);
  }
  std::int64_t added = 0;
  std::vector<Candidate> more;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (complete_[s] || candidates_[s].empty()) continue;
    more.clear();
    PriceShift(s, floor_potential[grid_.shift_slot[s]], more);
    if (more.empty()) continue;
    added += static_cast<std::int64_t>(more.size());
    auto& list = candidates_[s];
    list.insert(list.end(), more.begin(), more.end());
    std::sort(list.begin(), list.end(),
              [](const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; });
  }
  return added;
}

Solution SlotFlow::Extract() const {
  Solution solution;
  for (int s = 0; s < model_.shift_count(); ++s) {
    for (std::size_t i = 0; i < used_[s].size(); ++i) {
      if (used_[s][i]) solution.pairs.push_back({s, candidates_[s][i].volunteer});
    }
  }
  solution.method = "flow_exact";
  return solution;
}

}  // namespace

std::optional<SlotGrid> FindSlotGrid(const Model& model) {
  const auto& shifts = model.instance().shifts;
  SlotGrid grid;
  if (shifts.empty()) return grid;
  grid.length = shifts[0].ends_at - shifts[0].starts_at;
  auto phase = [&](std::int64_t t) { return ((t % grid.length) + grid.length) % grid.length; };
  std::vector<std::int64_t> starts;
  for (const Shift& s : shifts) {
    if (s.ends_at - s.starts_at != grid.length) return std::nullopt;
    if (phase(s.starts_at) != phase(shifts[0].starts_at)) return std::nullopt;
    starts.push_back(s.starts_at);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  for (const Shift& s : shifts) {
    grid.shift_slot.push_back(static_cast<int>(
        std::lower_bound(starts.begin(), starts.end(), s.starts_at) - starts.begin()));
  }
  for (std::int64_t start : starts) grid.slot_day.push_back(DayOf(model.instance(), start));
  return grid;
}

std::optional<Solution> SolveSlotFlow(const Model& model, const SlotGrid& grid,
                                      const VolunteerGrid& homes, const ProgressFn& progress) {
  SlotFlow flow(model, grid, homes, progress);
  if (!flow.ChooseWeight()) return std::nullopt;
  flow.InitialCandidates();
  for (int round = 1;; ++round) {
    flow.SolveSparse();
    std::int64_t added = flow.Price();
    if (progress) {
      progress("flow round " + std::to_string(round) + ": " + std::to_string(added) +
               " pairs of negative reduced cost added");
    }
    if (added == 0) break;
  }
  return flow.Extract();
}

}  // namespace muster::dispatch
