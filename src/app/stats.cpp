// The statistics read from the tallies: a period is cut into blocks (stats::Decompose), the
// rows of those blocks are grouped by what the answer is broken down by, and each group's sets
// are united to count distinct units, branches, members, streets and communities.
#include "app/stats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "app/stats_internal.h"
#include "app/stats_upkeep.h"

namespace muster::app {

StatsScope StatsScope::Of(const Actor& a) {
  switch (a.role) {
    case Role::kCityAdmin:
      return {Kind::kCity, 0};
    case Role::kUnitAdmin:
      return {Kind::kUnit, a.scope_id};
    case Role::kBranchSecretary:
      return {Kind::kBranch, a.scope_id};
    case Role::kStreetCoordinator:
      return {Kind::kStreet, a.scope_id};
    case Role::kCommunityCoordinator:
      return {Kind::kCommunity, a.scope_id};
    case Role::kVolunteer:
      return {Kind::kMember, a.scope_id};
  }
  return {Kind::kMember, 0};
}

double AttendanceFigures::hours() const {
  return static_cast<double>(std::llround(static_cast<double>(seconds) / 36.0)) / 100.0;
}

std::optional<double> RequestFigures::fill_rate() const {
  if (headcount <= 0) return std::nullopt;
  return static_cast<double>(filled) / static_cast<double>(headcount);
}

std::string_view Name(Breakdown b) {
  switch (b) {
    case Breakdown::kUnit:
      return "unit";
    case Breakdown::kBranch:
      return "branch";
    case Breakdown::kStreet:
      return "street";
    case Breakdown::kCommunity:
      return "community";
    case Breakdown::kDay:
      return "day";
  }
  return "unit";
}

Result<Breakdown> ParseBreakdown(std::string_view s, std::string_view field) {
  for (Breakdown b : {Breakdown::kUnit, Breakdown::kBranch, Breakdown::kStreet,
                      Breakdown::kCommunity, Breakdown::kDay}) {
    if (s == Name(b)) return b;
  }
  return Invalid(std::string(field), "give unit, branch, street, community or day", "unknown");
}

namespace {

using stats::BlockRange;
using stats::SetReader;
using Kind = StatsScope::Kind;

// What rows are grouped by: everything together (a summary), or a breakdown.
enum class GroupBy { kAll, kUnit, kBranch, kStreet, kCommunity, kDay };

GroupBy GroupOf(Breakdown b) {
  switch (b) {
    case Breakdown::kUnit:
      return GroupBy::kUnit;
    case Breakdown::kBranch:
      return GroupBy::kBranch;
    case Breakdown::kStreet:
      return GroupBy::kStreet;
    case Breakdown::kCommunity:
      return GroupBy::kCommunity;
    case Breakdown::kDay:
      return GroupBy::kDay;
  }
  return GroupBy::kAll;
}

// One group's figures as its rows are read: counters summed, the ids of the rows' sets united.
struct Group {
  stats::Counters sums;
  bool attendance = false;
  std::array<stats::IdBits, stats::kSetKinds> sets;
  bool malformed = false;
  bool shifts = false;
  RequestFigures requests;
  // The histograms of minutes to fill of the rows read, one after another, still encoded: a
  // fraction of their decoded size, and decoded once.
  std::string fill_minutes;

  // Unites the five sets of a stats_tallies row.
  void AddTallySets(std::string_view text) {
    SetReader reader(text);
    for (int k = 0; k < stats::kSetKinds && !malformed; ++k) {
      malformed = !reader.Next([&](std::int64_t v) { sets[k].Add(v); });
    }
  }
  // Unites a set of members (of a stats_cells row).
  void AddMembers(std::string_view text) {
    malformed = malformed ||
                !SetReader(text).Next([&](std::int64_t v) { sets[stats::kSetMembers].Add(v); });
  }
};

// The groups of an answer, made on first use with room for the ids they may meet.
class Groups {
 public:
  Group& At(std::int64_t key) {
    auto [it, made] = groups_.try_emplace(key);
    if (made) {
      for (int k = 0; k < stats::kSetKinds; ++k) it->second.sets[k].Reserve(max_ids_[k]);
    }
    return it->second;
  }
  const std::map<std::int64_t, Group>& all() const { return groups_; }

  // Reads the largest id of each kind of set.
  Status ReadMaxIds(store::Transaction& tx) {
    return tx.Query(
        "SELECT (SELECT MAX(id) FROM units), (SELECT MAX(id) FROM branches), (SELECT MAX(id) FROM "
        "members), (SELECT MAX(id) FROM streets), (SELECT MAX(id) FROM communities)",
        {}, [&](const store::Row& r) {
          for (int k = 0; k < stats::kSetKinds; ++k) max_ids_[k] = r.OptInt(k).value_or(0);
          return Ok();
        });
  }

 private:
  std::map<std::int64_t, Group> groups_;
  std::array<std::int64_t, stats::kSetKinds> max_ids_{};
};

struct Period {
  std::int64_t from;
  std::int64_t to;
};

Result<Period> DaysOf(const StatsPeriod& p) {
  if (std::chrono::sys_days(p.to) < std::chrono::sys_days(p.from)) {
    return Invalid("to", "must not be before from", "order");
  }
  return Period{DayNumber(p.from), DayNumber(p.to)};
}

// Days are read per day; everything else over the fewest blocks.
std::vector<BlockRange> RangesFor(GroupBy by, const Period& p) {
  if (by == GroupBy::kDay) return {{0, p.from, p.to}};
  return stats::Decompose(p.from, p.to);
}

std::int64_t KeyOf(GroupBy by, std::int64_t day, std::int64_t unit, std::int64_t branch,
                   std::int64_t street, std::int64_t community) {
  switch (by) {
    case GroupBy::kAll:
      return 0;
    case GroupBy::kUnit:
      return unit;
    case GroupBy::kBranch:
      return branch;
    case GroupBy::kStreet:
      return street;
    case GroupBy::kCommunity:
      return community;
    case GroupBy::kDay:
      return day;
  }
  return 0;
}

void AddCounters(stats::Counters& to, const store::Row& r, int first) {
  to.person_times += r.Int(first);
  to.party_person_times += r.Int(first + 1);
  to.seconds += r.Int(first + 2);
  to.record_half_hours += r.Int(first + 3);
}

// Adds the shift figures of a stats_tallies row read from column `first` on (shifts, headcount,
// filled, fill_minutes).
void AddShiftFigures(Group& g, const store::Row& r, int first) {
  g.shifts = true;
  g.requests.shifts += r.Int(first);
  g.requests.headcount += r.Int(first + 1);
  g.requests.filled += r.Int(first + 2);
  g.fill_minutes.append(r.Text(first + 3));
}

// The city: the rows of stats_tallies of the dimension broken down by (units for the summary and
// days), with the shift figures of streets and communities when `with_shifts`; for the summary
// and days, the shift figures of the city's rows.
Status GatherTallies(store::Transaction& tx, GroupBy by, const Period& p, bool with_shifts,
                     Groups& groups) {
  const int dim = by == GroupBy::kBranch      ? stats::kDimBranch
                  : by == GroupBy::kStreet    ? stats::kDimStreet
                  : by == GroupBy::kCommunity ? stats::kDimCommunity
                                              : stats::kDimUnit;
  auto key_of = [by](const store::Row& r) {
    return by == GroupBy::kAll ? 0 : by == GroupBy::kDay ? r.Int(0) : r.Int(1);
  };
  for (const BlockRange& range : RangesFor(by, p)) {
    const auto [lo, hi] = stats::TallyIdRange(dim, range.level, range.first, range.last);
    MUSTER_TRY(tx.Query(
        "SELECT block, key_id, person_times, party_person_times, seconds, record_half_hours, "
        "sets, shifts, headcount, filled, fill_minutes FROM stats_tallies WHERE id BETWEEN ? AND ?",
        {lo, hi}, [&](const store::Row& r) {
          const bool attendance = r.Int(2) > 0;
          const bool shifts = with_shifts && r.Int(7) > 0;
          if (!attendance && !shifts) return Ok();
          Group& g = groups.At(key_of(r));
          if (attendance) {
            g.attendance = true;
            AddCounters(g.sums, r, 2);
            g.AddTallySets(r.Text(6));
          }
          if (shifts) AddShiftFigures(g, r, 7);
          return Ok();
        }));
    if (with_shifts && (by == GroupBy::kAll || by == GroupBy::kDay)) {
      const auto [city_lo, city_hi] =
          stats::TallyIdRange(stats::kDimCity, range.level, range.first, range.last);
      MUSTER_TRY(
          tx.Query("SELECT block, key_id, shifts, headcount, filled, fill_minutes FROM "
                   "stats_tallies WHERE id BETWEEN ? AND ?",
                   {city_lo, city_hi}, [&](const store::Row& r) {
                     AddShiftFigures(groups.At(key_of(r)), r, 2);
                     return Ok();
                   }));
    }
  }
  return Ok();
}

// A unit, branch, street or community: the rows of stats_cells in the scope.
Status GatherCells(store::Transaction& tx, const StatsScope& scope, std::int64_t branch_unit,
                   GroupBy by, const Period& p, Groups& groups) {
  std::string where;
  std::vector<store::Value> params;
  switch (scope.kind) {
    case Kind::kUnit:
      where = "unit_id = ?";
      params = {scope.id};
      break;
    case Kind::kBranch:
      where = "unit_id = ? AND branch_id = ?";
      params = {branch_unit, scope.id};
      break;
    case Kind::kStreet:
      where = "street_id = ?";
      params = {scope.id};
      break;
    case Kind::kCommunity:
      where = "community_id = ?";
      params = {scope.id};
      break;
    default:
      return Internal("statistics: not a cell scope");
  }
  const std::string sql =
      "SELECT block, unit_id, branch_id, street_id, community_id, person_times, "
      "party_person_times, seconds, record_half_hours, members FROM stats_cells WHERE " +
      where + " AND level = ? AND block BETWEEN ? AND ?";
  for (const BlockRange& range : RangesFor(by, p)) {
    std::vector<store::Value> values = params;
    values.insert(values.end(), {std::int64_t{range.level}, range.first, range.last});
    MUSTER_TRY(tx.QueryV(sql, values, [&](const store::Row& r) {
      const std::int64_t unit = r.Int(1), branch = r.Int(2), street = r.Int(3),
                         community = r.Int(4);
      const std::int64_t key = KeyOf(by, r.Int(0), unit, branch, street, community);
      if (by == GroupBy::kBranch && branch == 0) return Ok();
      Group& g = groups.At(key);
      g.attendance = true;
      AddCounters(g.sums, r, 5);
      g.AddMembers(r.Text(9));
      g.sets[stats::kSetUnits].Add(unit);
      if (branch != 0) g.sets[stats::kSetBranches].Add(branch);
      g.sets[stats::kSetStreets].Add(street);
      g.sets[stats::kSetCommunities].Add(community);
      return Ok();
    }));
  }
  return Ok();
}

// A volunteer: his own records, read as they are.
Status GatherMember(store::Transaction& tx, std::int64_t member, GroupBy by, const Period& p,
                    Groups& groups) {
  return tx.Query(
      "SELECT day, unit_id, branch_id, street_id, community_id, party_member, checked_in_at, "
      "checked_out_at FROM attendance WHERE member_id = ? AND day BETWEEN ? AND ?",
      {member, p.from, p.to}, [&](const store::Row& r) {
        const std::int64_t unit = r.Int(1), branch = r.OptInt(2).value_or(0), street = r.Int(3),
                           community = r.Int(4);
        if (by == GroupBy::kBranch && branch == 0) return Ok();
        Group& g = groups.At(KeyOf(by, r.Int(0), unit, branch, street, community));
        const std::optional<std::int64_t> out = r.OptInt(7);
        const std::int64_t seconds = stats::CountedSeconds(r.Int(6), out ? &*out : nullptr);
        g.attendance = true;
        g.sums.person_times += 1;
        g.sums.party_person_times += r.Int(5) != 0 ? 1 : 0;
        g.sums.seconds += seconds;
        g.sums.record_half_hours += domain::RecordHalfHours(seconds);
        g.sets[stats::kSetUnits].Add(unit);
        if (branch != 0) g.sets[stats::kSetBranches].Add(branch);
        g.sets[stats::kSetMembers].Add(member);
        g.sets[stats::kSetStreets].Add(street);
        g.sets[stats::kSetCommunities].Add(community);
        return Ok();
      });
}

// The unit whose routed requests a unit or branch scope counts (0: none).
Result<std::int64_t> UnitOfScope(store::Transaction& tx, const StatsScope& scope) {
  if (scope.kind == Kind::kUnit) return scope.id;
  if (scope.kind != Kind::kBranch) return std::int64_t{0};
  MUSTER_ASSIGN(auto unit, tx.QueryInt("SELECT unit_id FROM branches WHERE id = ?", {scope.id}));
  return unit.value_or(0);
}

void AddShift(Group& g, const store::Row& r) {
  g.shifts = true;
  const std::int64_t headcount = r.Int(3);
  g.requests.shifts += 1;
  g.requests.headcount += headcount;
  g.requests.filled += std::min(r.Int(4), headcount);
  if (auto filled_at = r.OptInt(5)) {
    stats::AppendHistogram(g.fill_minutes, {{domain::FillMinutes(*filled_at - r.Int(6)), 1}});
  }
}

constexpr std::string_view kShiftSelect =
    "SELECT s.day, s.street_id, s.community_id, s.headcount, s.confirmed, s.filled_at, "
    "r.posted_at FROM shifts s JOIN requests r ON r.id = s.request_id WHERE s.day BETWEEN ? AND ?";

// The period's shifts in the scope: closed ones from the tallies, the others (and, for
// units, all those of routed requests) from the shifts themselves.
Status GatherShifts(store::Transaction& tx, const StatsScope& scope, std::int64_t scope_unit,
                    GroupBy by, const Period& p, Groups& groups) {
  auto key = [&](std::int64_t day, std::int64_t street, std::int64_t community) {
    return KeyOf(by, day, 0, 0, street, community);
  };
  if (scope.kind == Kind::kUnit || scope.kind == Kind::kBranch) {
    return tx.Query(
        std::string(kShiftSelect) +
            " AND s.request_id IN (SELECT rr.request_id FROM request_routes rr WHERE rr.reason "
            "<> 'escalation' AND (rr.unit_id = ? OR rr.department_id IN (SELECT d.id FROM "
            "departments d WHERE d.unit_id = ?)))",
        {p.from, p.to, scope_unit, scope_unit}, [&](const store::Row& r) {
          AddShift(groups.At(key(r.Int(0), r.Int(1), r.Int(2))), r);
          return Ok();
        });
  }
  // Closed shifts of an area: its street's row, or its communities' rows, block by block (the
  // city's come with its tallies).
  if (scope.kind == Kind::kStreet || scope.kind == Kind::kCommunity) {
    const int dim = by == GroupBy::kCommunity || scope.kind == Kind::kCommunity
                        ? stats::kDimCommunity
                        : stats::kDimStreet;
    std::vector<std::int64_t> keys;
    std::int64_t area_street = scope.kind == Kind::kStreet ? scope.id : 0;
    if (scope.kind == Kind::kCommunity) {
      keys = {scope.id};
      MUSTER_ASSIGN(auto street,
                    tx.QueryInt("SELECT street_id FROM communities WHERE id = ?", {scope.id}));
      area_street = street.value_or(0);
    } else if (dim == stats::kDimStreet) {
      keys = {scope.id};
    } else {
      MUSTER_TRY(tx.Query("SELECT id FROM communities WHERE street_id = ?", {scope.id},
                          [&](const store::Row& r) {
                            keys.push_back(r.Int(0));
                            return Ok();
                          }));
    }
    for (const BlockRange& range : RangesFor(by, p)) {
      for (std::int64_t block = range.first; block <= range.last; ++block) {
        for (std::int64_t k : keys) {
          MUSTER_ASSIGN(std::int64_t id, stats::TallyId(dim, range.level, block, k));
          const std::int64_t community = dim == stats::kDimCommunity ? k : 0;
          MUSTER_TRY(
              tx.Query("SELECT shifts, headcount, filled, fill_minutes FROM stats_tallies "
                       "WHERE id = ? AND shifts > 0",
                       {id}, [&](const store::Row& r) {
                         AddShiftFigures(groups.At(key(block, area_street, community)), r, 0);
                         return Ok();
                       }));
        }
      }
    }
  }
  // Shifts not closed yet, as they stand.
  const std::string column = scope.kind == Kind::kStreet      ? " AND s.street_id = ?"
                             : scope.kind == Kind::kCommunity ? " AND s.community_id = ?"
                                                              : "";
  const std::vector<store::Value> values = column.empty()
                                               ? std::vector<store::Value>{p.from, p.to}
                                               : std::vector<store::Value>{p.from, p.to, scope.id};
  return tx.QueryV(std::string(kShiftSelect) + " AND s.stats_folded = 0" + column, values,
                   [&](const store::Row& r) {
                     AddShift(groups.At(key(r.Int(0), r.Int(1), r.Int(2))), r);
                     return Ok();
                   });
}

Status Gather(store::Transaction& tx, const StatsScope& scope, GroupBy by, const Period& p,
              bool with_shifts, Groups& groups) {
  MUSTER_ASSIGN(std::int64_t unit, UnitOfScope(tx, scope));
  MUSTER_TRY(groups.ReadMaxIds(tx));
  switch (scope.kind) {
    case Kind::kCity:
      MUSTER_TRY(GatherTallies(tx, by, p, with_shifts, groups));
      break;
    case Kind::kMember:
      MUSTER_TRY(GatherMember(tx, scope.id, by, p, groups));
      break;
    default:
      if (scope.kind != Kind::kBranch || unit != 0) {
        MUSTER_TRY(GatherCells(tx, scope, unit, by, p, groups));
      }
  }
  if (with_shifts && scope.kind != Kind::kMember) {
    MUSTER_TRY(GatherShifts(tx, scope, unit, by, p, groups));
  }
  return Ok();
}

// Returns a group's figures.
Result<AttendanceFigures> Figures(const Group& g) {
  if (g.malformed) return Internal("statistics: malformed sets in the tallies");
  AttendanceFigures f;
  f.units = g.sets[stats::kSetUnits].count();
  f.branches = g.sets[stats::kSetBranches].count();
  f.members = g.sets[stats::kSetMembers].count();
  f.streets = g.sets[stats::kSetStreets].count();
  f.communities = g.sets[stats::kSetCommunities].count();
  f.person_times = g.sums.person_times;
  f.party_member_person_times = g.sums.party_person_times;
  f.seconds = g.sums.seconds;
  f.record_half_hours = g.sums.record_half_hours;
  return f;
}

// Returns a group's shift figures; `scratch` is reused from group to group.
Result<RequestFigures> Requests(const Group& g, stats::Histogram& scratch) {
  RequestFigures r = g.requests;
  scratch.clear();
  if (!stats::ReadHistograms(g.fill_minutes, scratch)) {
    return Internal("statistics: malformed minutes in the tallies");
  }
  r.median_minutes_to_fill = domain::MedianMinutes(scratch);
  return r;
}

bool HasRequests(Breakdown by) {
  return by == Breakdown::kStreet || by == Breakdown::kCommunity || by == Breakdown::kDay;
}

}  // namespace

// The names of the ids of a breakdown's dimension.
Result<std::map<std::int64_t, std::string>> stats::NamesOf(store::Transaction& tx, Breakdown by) {
  std::map<std::int64_t, std::string> names;
  const char* table = by == Breakdown::kUnit     ? "units"
                      : by == Breakdown::kBranch ? "branches"
                      : by == Breakdown::kStreet ? "streets"
                                                 : "communities";
  if (by == Breakdown::kDay) return names;
  MUSTER_TRY(tx.Query(std::string("SELECT id, name FROM ") + table, {}, [&](const store::Row& r) {
    names.emplace(r.Int(0), r.String(1));
    return Ok();
  }));
  return names;
}

Result<std::string> stats::ScopeName(store::Transaction& tx, const StatsScope& scope) {
  const char* table = nullptr;
  switch (scope.kind) {
    case Kind::kCity:
      return std::string();
    case Kind::kUnit:
      table = "units";
      break;
    case Kind::kBranch:
      table = "branches";
      break;
    case Kind::kStreet:
      table = "streets";
      break;
    case Kind::kCommunity:
      table = "communities";
      break;
    case Kind::kMember:
      table = "members";
      break;
  }
  std::string name;
  MUSTER_TRY(tx.Query(std::string("SELECT name FROM ") + table + " WHERE id = ?", {scope.id},
                      [&](const store::Row& r) {
                        name = r.String(0);
                        return Ok();
                      }));
  return name;
}

Result<StatsSummary> TalliedSummary(store::Transaction& tx, const StatsScope& scope,
                                    const StatsPeriod& p) {
  MUSTER_ASSIGN(Period days, DaysOf(p));
  Groups groups;
  MUSTER_TRY(Gather(tx, scope, GroupBy::kAll, days, true, groups));
  StatsSummary s;
  s.period = p;
  s.scope = scope;
  MUSTER_ASSIGN(s.scope_name, stats::ScopeName(tx, scope));
  const Group empty;
  auto it = groups.all().find(0);
  const Group& g = it == groups.all().end() ? empty : it->second;
  MUSTER_ASSIGN(s.attendance, Figures(g));
  stats::Histogram scratch;
  if (scope.kind != Kind::kMember) {
    MUSTER_ASSIGN(s.requests, Requests(g, scratch));
  }
  return s;
}

Result<std::vector<BreakdownRow>> TalliedBreakdown(store::Transaction& tx, const StatsScope& scope,
                                                   Breakdown by, const StatsPeriod& p,
                                                   store::Page page) {
  MUSTER_ASSIGN(Period days, DaysOf(p));
  Groups groups;
  const bool with_shifts = HasRequests(by) && scope.kind != Kind::kMember;
  MUSTER_TRY(Gather(tx, scope, GroupOf(by), days, with_shifts, groups));
  MUSTER_ASSIGN(auto names, stats::NamesOf(tx, by));
  std::vector<BreakdownRow> rows;
  stats::Histogram scratch;
  for (auto it = groups.all().upper_bound(page.after);
       it != groups.all().end() && static_cast<int>(rows.size()) < page.limit; ++it) {
    const auto& [key, g] = *it;
    BreakdownRow row;
    row.id = key;
    if (auto n = names.find(key); n != names.end()) row.name = n->second;
    MUSTER_ASSIGN(row.attendance, Figures(g));
    if (with_shifts) {
      MUSTER_ASSIGN(row.requests, Requests(g, scratch));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

template <typename T, typename F>
Result<T> Statistics::ReadCounted(F&& read) {
  MUSTER_ASSIGN(bool pending,
                store_.Read([](store::Transaction& tx) { return stats::Pending(tx); }));
  if (pending) {
    // Records written before the statistics existed (an upgraded database): count them once.
    MUSTER_TRY(store_.Write([](store::Transaction& tx) -> Status {
      MUSTER_ASSIGN(bool still, stats::Pending(tx));
      return still ? stats::Rebuild(tx) : Ok();
    }));
  }
  return store_.Read(read);
}

Result<StatsSummary> Statistics::Summary(const Actor& a, const StatsPeriod& p) {
  MUSTER_TRY(DaysOf(p));
  const StatsScope scope = StatsScope::Of(a);
  return ReadCounted<StatsSummary>(
      [&](store::Transaction& tx) { return TalliedSummary(tx, scope, p); });
}

Result<std::vector<BreakdownRow>> Statistics::By(const Actor& a, Breakdown by, const StatsPeriod& p,
                                                 store::Page page) {
  MUSTER_TRY(DaysOf(p));
  const StatsScope scope = StatsScope::Of(a);
  return ReadCounted<std::vector<BreakdownRow>>(
      [&](store::Transaction& tx) { return TalliedBreakdown(tx, scope, by, p, page); });
}

namespace {

domain::SentenceFigures SentenceOf(const StatsSummary& s) {
  domain::SentenceFigures f;
  f.from = s.period.from;
  f.to = s.period.to;
  f.subject = s.scope.kind == Kind::kCity     ? domain::SentenceSubject::kCity
              : s.scope.kind == Kind::kMember ? domain::SentenceSubject::kVolunteer
                                              : domain::SentenceSubject::kArea;
  f.scope_name = s.scope_name;
  f.units = s.attendance.units;
  f.branches = s.attendance.branches;
  f.party_member_person_times = s.attendance.party_member_person_times;
  f.communities = s.attendance.communities;
  f.person_times = s.attendance.person_times;
  f.hours_hundredths = std::llround(static_cast<double>(s.attendance.seconds) / 36.0);
  return f;
}

}  // namespace

Result<std::string> Statistics::Sentence(const Actor& a, const StatsPeriod& p,
                                         domain::Language lang) {
  MUSTER_ASSIGN(StatsSummary s, Summary(a, p));
  return domain::SummarySentence(SentenceOf(s), lang);
}

std::string stats::SummarySentenceOf(const StatsSummary& s, domain::Language lang) {
  return domain::SummarySentence(SentenceOf(s), lang);
}

}  // namespace muster::app
