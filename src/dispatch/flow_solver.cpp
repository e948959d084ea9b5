#include "dispatch/flow_solver.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <string>
#include <tuple>

#include "dispatch/parallel.h"

namespace muster::dispatch {
namespace {

using Digraph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;

// Each shift starts with this many nearest eligible volunteers per place (plus 4).
constexpr std::int64_t kInitialPerPlace = 3;
// Pricing adds at most this many pairs per place of a shift that is full in each round.
constexpr std::int64_t kAddPerRound = 4;

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
  // Takes the nearest eligible volunteers of every shift as its first candidates.
  void InitialCandidates();
  void SolveSparse();
  // Adds the excluded pairs of negative reduced cost; returns how many.
  std::int64_t Price();
  Solution Extract() const;

 private:
  int DayIndex(int slot) const { return slot_day_index_[slot]; }
  bool Binds(int v, int slot) const {
    return slots_per_day_cap_[v] < slots_in_day_[DayIndex(slot)];
  }
  std::int64_t SlotKey(int v, int slot) const { return std::int64_t{v} * slot_count_ + slot; }
  std::int64_t DayKey(int v, int day) const { return std::int64_t{v} * day_count_ + day; }
  bool Usable(int v, int s) const { return slots_per_day_cap_[v] > 0 && model_.Eligible(v, s); }
  // Returns the potential of the volunteer side of pair (v, slot): its slot node, else its day
  // node, else the source; absent nodes may take their parent's potential without breaking
  // dual feasibility.
  std::int64_t VolunteerPotential(int v, int slot) const;
  // Fills the candidates of `shifts`, which share one site, with their nearest eligible volunteers.
  void NearestAtSite(const std::vector<int>& shifts);
  // Prices the excluded pairs of `shifts`, which share one site, into out[i] for shifts[i].
  void PriceSite(const std::vector<int>& shifts, std::int64_t floor_potential,
                 std::vector<std::vector<Candidate>>& out) const;

  const Model& model_;
  const SlotGrid& grid_;
  const VolunteerGrid& homes_;
  const ProgressFn& progress_;
  int slot_count_ = 0;
  int day_count_ = 0;
  std::vector<int> slot_day_index_;
  std::vector<int> slots_in_day_;
  std::vector<int> slots_per_day_cap_;              // per volunteer: floor(max hours / slot hours)
  std::vector<std::vector<Candidate>> candidates_;  // per shift, sorted by volunteer
  std::vector<char> complete_;                      // the shift's candidates are all its pairs
  std::vector<std::vector<int>> site_groups_;       // shifts at the same site, in index order
  std::int64_t weight_ = 1;                         // one unit of priority, in cost units
  std::int64_t places_ = 0;                         // bound on the places any plan can fill
  // Results of the last sparse solve.
  std::vector<std::vector<char>> used_;  // parallel to candidates_
  std::vector<char> short_;              // the shift is below headcount
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
  std::map<std::tuple<bool, double, double>, std::vector<int>> by_site;
  for (int s = 0; s < model.shift_count(); ++s) {
    const auto& site = model.instance().shifts[s].site;
    by_site[{site.has_value(), site ? site->lat : 0, site ? site->lon : 0}].push_back(s);
  }
  for (auto& [site, shifts] : by_site) site_groups_.push_back(std::move(shifts));
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

void SlotFlow::NearestAtSite(const std::vector<int>& shifts) {
  // Volunteers paired with a shift (its department or unit) are few and cheap: they are offered
  // directly. Everyone else pays penalties.other_unit, so distance alone orders them and the ring
  // search stops once no farther home can enter any shift's k best.
  using Entry = std::pair<std::int64_t, int>;  // (cost, volunteer): each heap keeps the k best
  const std::int64_t other = model_.instance().penalties.other_unit;
  std::vector<std::priority_queue<Entry>> best(shifts.size());
  std::vector<std::size_t> k(shifts.size());
  auto offer = [&](std::size_t i, int v, std::int64_t cost) {
    Entry e{cost, v};
    if (best[i].size() < k[i]) {
      best[i].push(e);
    } else if (e < best[i].top()) {
      best[i].pop();
      best[i].push(e);
    }
  };
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    k[i] = static_cast<std::size_t>(
        std::min<std::int64_t>(kInitialPerPlace * model_.instance().shifts[shifts[i]].headcount + 4,
                               model_.volunteer_count()));
    if (k[i] == 0) continue;
    for (int v : model_.PairedVolunteers(shifts[i])) {
      if (Usable(v, shifts[i])) offer(i, v, model_.Cost(v, shifts[i]));
    }
  }
  homes_.Search(
      model_.instance().shifts[shifts[0]].site,
      [&](int v) {
        std::int64_t metres = model_.Metres(v, shifts[0]);  // the shifts share their site
        for (std::size_t i = 0; i < shifts.size(); ++i) {
          if (k[i] == 0 || (best[i].size() == k[i] && metres + other >= best[i].top().first))
            continue;
          if (model_.Paired(v, shifts[i]) || !Usable(v, shifts[i])) continue;
          offer(i, v, metres + other);
        }
      },
      [&](double bound) {
        for (std::size_t i = 0; i < shifts.size(); ++i) {
          if (k[i] > 0 && (best[i].size() < k[i] || bound + other < best[i].top().first + 1))
            return false;
        }
        return true;
      });
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    int s = shifts[i];
    // A heap that never filled saw every volunteer: the shift has all its pairs.
    complete_[s] = best[i].size() < k[i] || k[i] == 0;
    auto& list = candidates_[s];
    for (; !best[i].empty(); best[i].pop())
      list.push_back({best[i].top().second, best[i].top().first});
    std::sort(list.begin(), list.end(),
              [](const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; });
  }
}

void SlotFlow::InitialCandidates() {
  ForEachInParallel(site_groups_.size(), [&](std::size_t g) { NearestAtSite(site_groups_[g]); });
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

  // Potentials of volunteers the flow leaves idle are raised to their parent's: still dual
  // feasible (their arcs carry no flow) and never below the source's, which keeps every pricing
  // search within c(v, s) < pi(s) - pi(source).
  source_potential_ = simplex.potential(source);
  day_potential_.clear();
  for (std::size_t i = 0; i < day_nodes.size(); ++i) {
    bool idle = simplex.flow(g.arcFromId(int(i))) == 0;
    day_potential_.push_back(idle ? source_potential_ : simplex.potential(day_nodes[i]));
  }
  slot_potential_.clear();
  for (std::size_t j = 0; j < slot_nodes.size(); ++j) {
    Digraph::Arc in = g.arcFromId(int(day_nodes.size() + j));
    bool idle = simplex.flow(in) == 0;
    std::int64_t parent =
        g.source(in) == source ? source_potential_ : day_potential_[g.id(g.source(in)) - 2];
    slot_potential_.push_back(idle ? parent : simplex.potential(slot_nodes[j]));
  }
  shift_potential_.assign(model_.shift_count(), 0);
  short_.assign(model_.shift_count(), 0);
  used_.assign(model_.shift_count(), {});
  int arc = first_pair_arc;
  for (int s = 0; s < model_.shift_count(); ++s) {
    if (candidates_[s].empty()) continue;
    shift_potential_[s] = simplex.potential(shift_nodes[s]);
    for (std::size_t i = 0; i < candidates_[s].size(); ++i) {
      used_[s].push_back(simplex.flow(g.arcFromId(arc++)) > 0);
    }
    short_[s] = simplex.flow(g.arcFromId(arc++)) < model_.instance().shifts[s].headcount;
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

void SlotFlow::PriceSite(const std::vector<int>& shifts, std::int64_t floor_potential,
                         std::vector<std::vector<Candidate>>& out) const {
  // A pair (v, s) has reduced cost c(v, s) + pi(v side) - pi(s) with pi(v side) >= the floor, so
  // it can only be negative while c(v, s) < pi(s) - floor. Paired volunteers are checked one by
  // one; for all others c = metres + penalties.other_unit, which bounds the distance searched.
  // A shift below headcount is searched to the end and takes all its pairs.
  const std::int64_t other = model_.instance().penalties.other_unit;
  std::vector<std::int64_t> reach(shifts.size());
  std::int64_t widest = 0;
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    reach[i] = short_[shifts[i]] ? std::numeric_limits<std::int64_t>::max()
                                 : shift_potential_[shifts[i]] - floor_potential;
    widest = std::max(
        widest, reach[i] == std::numeric_limits<std::int64_t>::max() ? reach[i] : reach[i] - other);
  }
  std::vector<std::vector<std::pair<std::int64_t, Candidate>>> found(shifts.size());
  auto consider = [&](std::size_t i, int v, std::int64_t c) {
    int s = shifts[i];
    if (c >= reach[i] || !Usable(v, s)) return;
    std::int64_t reduced = c + VolunteerPotential(v, grid_.shift_slot[s]) - shift_potential_[s];
    if (reduced >= 0 && !short_[s]) return;
    const auto& have = candidates_[s];
    auto it = std::lower_bound(have.begin(), have.end(), v,
                               [](const Candidate& a, int w) { return a.volunteer < w; });
    if (it == have.end() || it->volunteer != v) found[i].push_back({reduced, {v, c}});
  };
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    for (int v : model_.PairedVolunteers(shifts[i])) consider(i, v, model_.Cost(v, shifts[i]));
  }
  if (widest >= 0) {
    homes_.Search(
        model_.instance().shifts[shifts[0]].site,
        [&](int v) {
          std::int64_t metres = model_.Metres(v, shifts[0]);  // the shifts share their site
          for (std::size_t i = 0; i < shifts.size(); ++i) {
            if (metres + other < reach[i] && !model_.Paired(v, shifts[i]))
              consider(i, v, metres + other);
          }
        },
        [&](double bound) { return bound >= static_cast<double>(widest) + 1; });
  }
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    auto& f = found[i];
    std::sort(f.begin(), f.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.volunteer < b.second.volunteer;
    });
    std::size_t limit =
        short_[shifts[i]]
            ? f.size()
            : std::min<std::size_t>(
                  kAddPerRound * model_.instance().shifts[shifts[i]].headcount + 4, f.size());
    for (std::size_t k = 0; k < limit; ++k) out[i].push_back(f[k].second);
  }
}

std::int64_t SlotFlow::Price() {
  // After the normalisation in SolveSparse no volunteer side lies below the source; the minimum
  // is taken anyway so that the search bound never rests on that argument alone.
  std::int64_t floor_potential = source_potential_;
  for (std::int64_t p : slot_potential_) floor_potential = std::min(floor_potential, p);
  for (std::int64_t p : day_potential_) floor_potential = std::min(floor_potential, p);
  std::vector<std::vector<int>> groups;
  for (const auto& group : site_groups_) {
    groups.emplace_back();
    for (int s : group) {
      if (!complete_[s] && !candidates_[s].empty()) groups.back().push_back(s);
    }
    if (groups.back().empty()) groups.pop_back();
  }
  std::vector<std::vector<std::vector<Candidate>>> more(groups.size());
  ForEachInParallel(groups.size(), [&](std::size_t g) {
    more[g].resize(groups[g].size());
    PriceSite(groups[g], floor_potential, more[g]);
  });
  std::int64_t added = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t i = 0; i < groups[g].size(); ++i) {
      int s = groups[g][i];
      if (short_[s]) complete_[s] = 1;
      auto& list = candidates_[s];
      added += static_cast<std::int64_t>(more[g][i].size());
      list.insert(list.end(), more[g][i].begin(), more[g][i].end());
      std::sort(list.begin(), list.end(),
                [](const Candidate& a, const Candidate& b) { return a.volunteer < b.volunteer; });
    }
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
