// The statistics recounted by plain SQL over the records: the oracle the tallies are checked
// against, and the baseline of bench/stats.
#include <algorithm>
#include <map>

#include "app/stats.h"
#include "app/stats_internal.h"

namespace muster::app {
namespace {

using Kind = StatsScope::Kind;

// The records of the period with the seconds each counts, as a subquery `t`.
constexpr std::string_view kRecords =
    "(SELECT unit_id, branch_id, member_id, party_member, street_id, community_id, day, CASE "
    "WHEN checked_out_at IS NULL THEN 0 WHEN checked_out_at > checked_in_at THEN checked_out_at "
    "- checked_in_at ELSE 0 END AS s FROM attendance WHERE day BETWEEN ? AND ?";

constexpr std::string_view kFigures =
    "COUNT(DISTINCT t.unit_id), COUNT(DISTINCT t.branch_id), COUNT(DISTINCT t.member_id), "
    "COUNT(*), SUM(t.party_member), COUNT(DISTINCT t.street_id), COUNT(DISTINCT "
    "t.community_id), SUM(t.s), SUM(2 * (t.s / 3600) + CASE WHEN t.s % 3600 > 2700 THEN 2 WHEN "
    "t.s % 3600 > 900 THEN 1 ELSE 0 END)";

std::string ScopeColumn(const StatsScope& scope) {
  switch (scope.kind) {
    case Kind::kCity:
      return "";
    case Kind::kUnit:
      return "unit_id";
    case Kind::kBranch:
      return "branch_id";
    case Kind::kStreet:
      return "street_id";
    case Kind::kCommunity:
      return "community_id";
    case Kind::kMember:
      return "member_id";
  }
  return "";
}

AttendanceFigures ReadFigures(const store::Row& r, int first) {
  AttendanceFigures f;
  f.units = r.Int(first);
  f.branches = r.Int(first + 1);
  f.members = r.Int(first + 2);
  f.person_times = r.Int(first + 3);
  f.party_member_person_times = r.OptInt(first + 4).value_or(0);
  f.streets = r.Int(first + 5);
  f.communities = r.Int(first + 6);
  f.seconds = r.OptInt(first + 7).value_or(0);
  f.record_half_hours = r.OptInt(first + 8).value_or(0);
  return f;
}

// The attendance figures grouped by `group` (a column of `t`, or "" for one group).
Result<std::map<std::int64_t, AttendanceFigures>> CountAttendance(store::Transaction& tx,
                                                                  const StatsScope& scope,
                                                                  const std::string& group,
                                                                  std::int64_t from,
                                                                  std::int64_t to) {
  const std::string column = ScopeColumn(scope);
  std::string sql = "SELECT " + (group.empty() ? std::string("0") : "t." + group) + ", " +
                    std::string(kFigures) + " FROM " + std::string(kRecords);
  std::vector<store::Value> params = {from, to};
  if (!column.empty()) {
    sql += " AND " + column + " = ?";
    params = {from, to, scope.id};
  }
  sql += ") t";
  if (group == "branch_id") sql += " WHERE t.branch_id IS NOT NULL";
  if (!group.empty()) sql += " GROUP BY t." + group;
  std::map<std::int64_t, AttendanceFigures> out;
  MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
    AttendanceFigures f = ReadFigures(r, 1);
    if (f.person_times > 0) out[r.Int(0)] = f;
    return Ok();
  }));
  return out;
}

struct ShiftGroup {
  RequestFigures figures;
  std::vector<std::pair<std::int64_t, std::int64_t>> minutes;  // (minutes to fill, 1) per shift
};

// The shifts of the period in the scope, grouped by `group` ("", "street_id", "community_id"
// or "day").
Result<std::map<std::int64_t, RequestFigures>> CountShifts(store::Transaction& tx,
                                                           const StatsScope& scope,
                                                           const std::string& group,
                                                           std::int64_t from, std::int64_t to) {
  std::string sql =
      "SELECT s.day, s.street_id, s.community_id, s.headcount, s.confirmed, s.filled_at, "
      "r.posted_at FROM shifts s JOIN requests r ON r.id = s.request_id WHERE s.day BETWEEN ? "
      "AND ?";
  std::vector<store::Value> params = {from, to};
  switch (scope.kind) {
    case Kind::kStreet:
      sql += " AND s.street_id = ?";
      params = {from, to, scope.id};
      break;
    case Kind::kCommunity:
      sql += " AND s.community_id = ?";
      params = {from, to, scope.id};
      break;
    case Kind::kUnit:
    case Kind::kBranch: {
      std::int64_t unit = scope.id;
      if (scope.kind == Kind::kBranch) {
        MUSTER_ASSIGN(auto of,
                      tx.QueryInt("SELECT unit_id FROM branches WHERE id = ?", {scope.id}));
        unit = of.value_or(0);
      }
      sql +=
          " AND EXISTS (SELECT 1 FROM request_routes rr LEFT JOIN departments d ON d.id = "
          "rr.department_id WHERE rr.request_id = s.request_id AND rr.reason IN "
          "('street_pairing', 'community_pairing') AND (rr.unit_id = ? OR d.unit_id = ?))";
      params = {from, to, unit, unit};
      break;
    }
    default:
      break;
  }
  std::map<std::int64_t, ShiftGroup> groups;
  MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
    const std::int64_t key = group == "day"            ? r.Int(0)
                             : group == "street_id"    ? r.Int(1)
                             : group == "community_id" ? r.Int(2)
                                                       : 0;
    ShiftGroup& g = groups[key];
    g.figures.shifts += 1;
    g.figures.headcount += r.Int(3);
    g.figures.filled += std::min(r.Int(4), r.Int(3));
    if (auto at = r.OptInt(5)) g.minutes.emplace_back(domain::FillMinutes(*at - r.Int(6)), 1);
    return Ok();
  }));
  std::map<std::int64_t, RequestFigures> out;
  for (auto& [key, g] : groups) {
    g.figures.median_minutes_to_fill = domain::MedianMinutes(std::move(g.minutes));
    out[key] = g.figures;
  }
  return out;
}

Result<std::pair<std::int64_t, std::int64_t>> Days(const StatsPeriod& p) {
  if (std::chrono::sys_days(p.to) < std::chrono::sys_days(p.from)) {
    return Invalid("to", "must not be before from", "order");
  }
  return std::pair<std::int64_t, std::int64_t>{DayNumber(p.from), DayNumber(p.to)};
}

}  // namespace

Result<StatsSummary> RecountSummary(store::Transaction& tx, const StatsScope& scope,
                                    const StatsPeriod& p) {
  MUSTER_ASSIGN(auto days, Days(p));
  StatsSummary s;
  s.period = p;
  s.scope = scope;
  MUSTER_ASSIGN(s.scope_name, stats::ScopeName(tx, scope));
  MUSTER_ASSIGN(auto attendance, CountAttendance(tx, scope, "", days.first, days.second));
  if (auto it = attendance.find(0); it != attendance.end()) s.attendance = it->second;
  if (scope.kind != Kind::kMember) {
    MUSTER_ASSIGN(auto shifts, CountShifts(tx, scope, "", days.first, days.second));
    s.requests = shifts.contains(0) ? shifts[0] : RequestFigures();
  }
  return s;
}

Result<std::vector<BreakdownRow>> RecountBreakdown(store::Transaction& tx, const StatsScope& scope,
                                                   Breakdown by, const StatsPeriod& p) {
  MUSTER_ASSIGN(auto days, Days(p));
  const std::string group = by == Breakdown::kDay ? "day" : std::string(Name(by)) + "_id";
  MUSTER_ASSIGN(auto attendance, CountAttendance(tx, scope, group, days.first, days.second));
  const bool with_shifts =
      (by == Breakdown::kStreet || by == Breakdown::kCommunity || by == Breakdown::kDay) &&
      scope.kind != Kind::kMember;
  std::map<std::int64_t, RequestFigures> shifts;
  if (with_shifts) {
    MUSTER_ASSIGN(shifts, CountShifts(tx, scope, group, days.first, days.second));
  }
  MUSTER_ASSIGN(auto names, stats::NamesOf(tx, by));
  std::map<std::int64_t, BreakdownRow> rows;
  for (const auto& [key, f] : attendance) rows[key].attendance = f;
  for (const auto& [key, f] : shifts) rows[key].requests = f;
  std::vector<BreakdownRow> out;
  for (auto& [key, row] : rows) {
    row.id = key;
    if (auto n = names.find(key); n != names.end()) row.name = n->second;
    if (with_shifts && !row.requests) row.requests = RequestFigures();
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace muster::app
