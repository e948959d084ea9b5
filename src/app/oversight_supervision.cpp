// Supervision of units over a period, inspections, and the supervision export.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "app/audit.h"
#include "app/oversight_internal.h"

namespace muster::app {
namespace {

using oversight::Sql;

// What one request routed by a pairing contributes.
struct RoutedRequest {
  std::int64_t posted_at = 0;
  std::set<std::int64_t> units;  // routed to, each once
};

// A shift of a routed request, starting in the period.
struct PeriodShift {
  std::int64_t request = 0;
  int headcount = 0;
  std::optional<std::int64_t> filled_at;
};

// Everything a page of supervision rows is computed from, read in one snapshot.
struct Facts {
  std::map<std::int64_t, RoutedRequest> requests;
  std::map<std::int64_t, PeriodShift> shifts;
  std::map<std::pair<std::int64_t, std::int64_t>, int> own_confirmed;  // (shift, unit) -> count
  std::map<std::int64_t, std::pair<int, int>> attendance;  // unit -> (person-times, members)
  std::map<std::int64_t, int> members;
  std::set<std::int64_t> unfilled_past_escalation;  // request ids
  std::map<std::int64_t, std::vector<CallId>> unanswered_calls;
};

// The bounds every query of a page shares: units lo..hi, days from..to.
struct Bounds {
  std::int64_t lo = 0, hi = 0, from = 0, to = 0;
};

// The requests routed by a pairing to units lo..hi with a shift starting in the period.
Status LoadRouted(store::Transaction& tx, const Bounds& b, Facts& f) {
  return tx.Query(
      "SELECT DISTINCT COALESCE(rr.unit_id, d.unit_id), r.id, r.posted_at FROM request_routes rr "
      "JOIN requests r ON r.id = rr.request_id LEFT JOIN departments d ON d.id = rr.department_id "
      "WHERE rr.reason IN ('street_pairing', 'community_pairing') AND "
      "COALESCE(rr.unit_id, d.unit_id) BETWEEN ? AND ? AND EXISTS (SELECT 1 FROM shifts s WHERE "
      "s.request_id = r.id AND s.day BETWEEN ? AND ?)",
      {b.lo, b.hi, b.from, b.to}, [&](const store::Row& r) {
        RoutedRequest& req = f.requests[r.Int(1)];
        req.posted_at = r.Int(2);
        req.units.insert(r.Int(0));
        return Ok();
      });
}

// The period's shifts of requests routed by a pairing, and their confirmed sign-ups by unit.
Status LoadShifts(store::Transaction& tx, const Bounds& b, Facts& f) {
  MUSTER_TRY(tx.Query(
      "SELECT s.id, s.request_id, s.headcount, s.filled_at FROM shifts s WHERE s.day BETWEEN ? "
      "AND ? AND EXISTS (SELECT 1 FROM request_routes rr WHERE rr.request_id = s.request_id AND "
      "rr.reason <> 'escalation')",
      {b.from, b.to}, [&](const store::Row& r) {
        if (!f.requests.contains(r.Int(1))) return Ok();
        f.shifts[r.Int(0)] = {r.Int(1), static_cast<int>(r.Int(2)), r.OptInt(3)};
        return Ok();
      }));
  return tx.Query(
      "SELECT su.shift_id, m.unit_id, COUNT(*) FROM signups su JOIN shifts s ON s.id = "
      "su.shift_id JOIN members m ON m.id = su.member_id WHERE su.status = 'confirmed' AND s.day "
      "BETWEEN ? AND ? AND m.unit_id BETWEEN ? AND ? GROUP BY su.shift_id, m.unit_id",
      {b.from, b.to, b.lo, b.hi}, [&](const store::Row& r) {
        f.own_confirmed[{r.Int(0), r.Int(1)}] = static_cast<int>(r.Int(2));
        return Ok();
      });
}

// Person-times and members of units lo..hi.
Status LoadPeople(store::Transaction& tx, const Bounds& b, Facts& f) {
  MUSTER_TRY(tx.Query(
      "SELECT unit_id, COUNT(*), COUNT(DISTINCT member_id) FROM attendance WHERE day BETWEEN ? "
      "AND ? AND unit_id BETWEEN ? AND ? GROUP BY unit_id",
      {b.from, b.to, b.lo, b.hi}, [&](const store::Row& r) {
        f.attendance[r.Int(0)] = {static_cast<int>(r.Int(1)), static_cast<int>(r.Int(2))};
        return Ok();
      }));
  return tx.Query(
      "SELECT unit_id, COUNT(*) FROM members WHERE unit_id BETWEEN ? AND ? GROUP BY unit_id",
      {b.lo, b.hi}, [&](const store::Row& r) {
        f.members[r.Int(0)] = static_cast<int>(r.Int(1));
        return Ok();
      });
}

// The open problems: requests that reached escalation (later than their posting) with a shift
// not filled by then, and calls that no called branch answered with a sign-up.
Status LoadFlags(store::Transaction& tx, const Bounds& b, Facts& f) {
  MUSTER_TRY(tx.Query(
      "SELECT DISTINCT r.id FROM requests r JOIN shifts s ON s.request_id = r.id WHERE "
      "r.escalated_at IS NOT NULL AND r.escalated_at > r.posted_at AND (s.filled_at IS NULL OR "
      "s.filled_at > r.escalated_at) AND EXISTS (SELECT 1 FROM shifts p WHERE p.request_id = "
      "r.id AND p.day BETWEEN ? AND ?)",
      {b.from, b.to}, [&](const store::Row& r) {
        f.unfilled_past_escalation.insert(r.Int(0));
        return Ok();
      }));
  return tx.Query(
      "SELECT c.id, c.unit_id FROM calls c WHERE c.unit_id BETWEEN ? AND ? AND EXISTS (SELECT 1 "
      "FROM shifts p WHERE p.request_id = c.request_id AND p.day BETWEEN ? AND ?) AND NOT EXISTS "
      "(SELECT 1 FROM signups su JOIN shifts sh ON sh.id = su.shift_id JOIN call_branches cb ON "
      "cb.branch_id = su.branch_id WHERE cb.call_id = c.id AND sh.request_id = c.request_id AND "
      "su.status <> 'cancelled') ORDER BY c.id",
      {b.lo, b.hi, b.from, b.to}, [&](const store::Row& r) {
        f.unanswered_calls[r.Int(1)].push_back(CallId(r.Int(0)));
        return Ok();
      });
}

// The latest inspection of each unit lo..hi dated on or before the period's end.
Status LoadInspections(store::Transaction& tx, const Bounds& b,
                       std::map<std::int64_t, SupervisionRow>& rows) {
  return tx.Query(
      "SELECT unit_id, id, day, rating FROM inspections WHERE unit_id BETWEEN ? AND ? AND day <= ? "
      "ORDER BY unit_id, day, id",
      {b.lo, b.hi, b.to}, [&](const store::Row& r) {
        auto it = rows.find(r.Int(0));
        if (it == rows.end()) return Ok();
        it->second.last_inspection = InspectionId(r.Int(1));
        it->second.last_inspection_date = DateFromDayNumber(static_cast<int>(r.Int(2)));
        it->second.last_inspection_rating = r.String(3);
        return Ok();
      });
}

std::optional<std::int64_t> MedianMinutes(std::vector<std::int64_t> seconds) {
  if (seconds.empty()) return std::nullopt;
  std::sort(seconds.begin(), seconds.end());
  std::size_t n = seconds.size();
  double median = n % 2 == 1 ? static_cast<double>(seconds[n / 2])
                             : (static_cast<double>(seconds[n / 2 - 1]) + seconds[n / 2]) / 2;
  return static_cast<std::int64_t>(std::llround(median / 60));
}

// Fills the figures of `row` (its unit and name already set) from the facts.
void Compute(const Facts& f, SupervisionRow& row) {
  const std::int64_t unit = row.id.value;
  std::vector<std::int64_t> to_fill;
  for (const auto& [id, req] : f.requests) {
    if (!req.units.contains(unit)) continue;
    ++row.routed;
    if (f.unfilled_past_escalation.contains(id)) row.unfilled_past_escalation.push_back(RequestId(id));
  }
  for (const auto& [id, shift] : f.shifts) {
    const RoutedRequest& req = f.requests.at(shift.request);
    if (!req.units.contains(unit)) continue;
    row.places += shift.headcount;
    if (auto it = f.own_confirmed.find({id, unit}); it != f.own_confirmed.end()) {
      row.places_filled_by_own += std::min(it->second, shift.headcount);
    }
    if (shift.filled_at) to_fill.push_back(*shift.filled_at - req.posted_at);
  }
  row.median_minutes_to_fill = MedianMinutes(std::move(to_fill));
  if (auto it = f.attendance.find(unit); it != f.attendance.end()) {
    row.person_times = it->second.first;
    row.members_served = it->second.second;
  }
  if (auto it = f.members.find(unit); it != f.members.end()) row.members = it->second;
  if (auto it = f.unanswered_calls.find(unit); it != f.unanswered_calls.end()) {
    row.calls_without_signups = it->second;
  }
}

Status CheckPeriod(const Period& p) {
  if (std::chrono::sys_days(p.to) < std::chrono::sys_days(p.from)) {
    return BadRequest("to: must not be before from", "to");
  }
  return Ok();
}

Result<std::vector<SupervisionRow>> SuperviseIn(store::Transaction& tx, const Actor& a,
                                                const Period& period, store::Page page) {
  Sql units{"SELECT id, name FROM units WHERE id > ?", {page.after}};
  if (a.role == Role::kUnitAdmin) units.Add(" AND id = ?", a.scope_id);
  units.Add(" ORDER BY id LIMIT ?", std::int64_t{page.limit});
  std::map<std::int64_t, SupervisionRow> rows;
  MUSTER_TRY(tx.QueryV(units.text, units.params, [&](const store::Row& r) {
    SupervisionRow& row = rows[r.Int(0)];
    row.id = UnitId(r.Int(0));
    row.unit_name = r.String(1);
    return Ok();
  }));
  if (rows.empty()) return std::vector<SupervisionRow>();
  Bounds b{rows.begin()->first, rows.rbegin()->first, DayNumber(period.from), DayNumber(period.to)};
  Facts facts;
  MUSTER_TRY(LoadRouted(tx, b, facts));
  MUSTER_TRY(LoadShifts(tx, b, facts));
  MUSTER_TRY(LoadPeople(tx, b, facts));
  MUSTER_TRY(LoadFlags(tx, b, facts));
  MUSTER_TRY(LoadInspections(tx, b, rows));
  std::vector<SupervisionRow> out;
  out.reserve(rows.size());
  for (auto& [unit, row] : rows) {
    Compute(facts, row);
    out.push_back(std::move(row));
  }
  return out;
}

std::string Share(std::optional<double> v) {
  if (!v) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}

std::string Ids(const auto& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ";") + std::to_string(id.value);
  return out;
}

Inspection ReadInspection(const store::Row& r) {
  Inspection i;
  i.id = InspectionId(r.Int(0));
  i.unit_id = UnitId(r.Int(1));
  i.unit_name = r.String(2);
  i.date = DateFromDayNumber(static_cast<int>(r.Int(3)));
  i.inspector = r.String(4);
  i.findings = r.String(5);
  i.rating = ParseRating(r.Text(6)).value_or(Rating::kGood);
  i.recorded_by = r.String(7);
  i.created_at = FromUnixSeconds(r.Int(8));
  return i;
}

constexpr std::string_view kInspectionSelect =
    "SELECT i.id, i.unit_id, u.name, i.day, i.inspector, i.findings, i.rating, i.recorded_by_name, "
    "i.created_at FROM inspections i JOIN units u ON u.id = i.unit_id WHERE ";

}  // namespace

Result<std::vector<SupervisionRow>> Oversight::Supervise(const Actor& a, const Period& period,
                                                         store::Page page) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "read the supervision of units"));
  MUSTER_TRY(CheckPeriod(period));
  return store_.Read([&](store::Transaction& tx) { return SuperviseIn(tx, a, period, page); });
}

Result<Inspection> Oversight::RecordInspection(const Actor& a, const InspectionInput& in) const {
  MUSTER_TRY(Access::Require(a, {Role::kCityAdmin}, "record inspections"));
  MUSTER_ASSIGN(std::string inspector, oversight::Text(in.inspector, "inspector", 200));
  MUSTER_ASSIGN(std::string findings, oversight::Text(in.findings, "findings", 10000));
  const Timestamp now = clock_.Now();
  MUSTER_TRY(oversight::CheckRecordDate(in.date, ShanghaiDate(now), "date"));
  return store_.Write([&](store::Transaction& tx) -> Result<Inspection> {
    MUSTER_ASSIGN(auto unit, store::RegistryRepo(tx).FindUnit(in.unit_id));
    if (!unit) {
      return Invalid("unit_id", "no unit with id " + std::to_string(in.unit_id.value), "unknown_id");
    }
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO inspections (unit_id, day, inspector, findings, rating, "
                      "recorded_by, recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {in.unit_id.value, std::int64_t{DayNumber(in.date)}, inspector, findings,
                       std::string(Name(in.rating)), oversight::UserIdOf(a), a.username,
                       UnixSeconds(now)}));
    MUSTER_TRY(AppendAudit(tx, a, now, "inspection_recorded", "inspection/" + std::to_string(id),
                           "unit " + std::to_string(in.unit_id.value)));
    return Inspection{InspectionId(id), in.unit_id, unit->name, in.date, inspector, findings,
                      in.rating, a.username, now};
  });
}

Result<std::vector<Inspection>> Oversight::ListInspections(const Actor& a, store::Page page,
                                                           const OversightFilter& f) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "read inspections"));
  oversight::UnitNarrowing unit = oversight::NarrowToUnit(a, f.unit);
  if (unit.empty) return std::vector<Inspection>();
  Sql sql{std::string(kInspectionSelect) + "i.id > ?", {page.after}};
  if (unit.unit) sql.Add(" AND i.unit_id = ?", unit.unit->value);
  oversight::AddDayRange(sql, "i.day", f.from, f.to);
  sql.Add(" ORDER BY i.id LIMIT ?", std::int64_t{page.limit});
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<Inspection>> {
    std::vector<Inspection> out;
    MUSTER_TRY(tx.QueryV(sql.text, sql.params, [&](const store::Row& r) {
      out.push_back(ReadInspection(r));
      return Ok();
    }));
    return out;
  });
}

Result<std::vector<tabular::Sheet>> Oversight::ExportSupervision(const Actor& a,
                                                                 const Period& period) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "export the supervision of units"));
  MUSTER_TRY(CheckPeriod(period));
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<std::vector<tabular::Sheet>> {
    tabular::Sheet sheet{"supervision",
                         {{"unit_id", "unit", "from", "to", "routed", "places",
                           "places_filled_by_own", "filled_by_own_share", "median_minutes_to_fill",
                           "person_times", "members", "members_served", "served_share",
                           "unfilled_past_escalation", "calls_without_signups",
                           "last_inspection_date", "last_inspection_rating"}}};
    for (store::Page page{0, 500};;) {
      MUSTER_ASSIGN(auto rows, SuperviseIn(tx, a, period, page));
      if (rows.empty()) break;
      page.after = rows.back().id.value;
      for (const SupervisionRow& r : rows) {
        sheet.rows.push_back(
            {std::to_string(r.id.value), r.unit_name, FormatDate(period.from), FormatDate(period.to),
             std::to_string(r.routed), std::to_string(r.places),
             std::to_string(r.places_filled_by_own), Share(r.FilledByOwnShare()),
             r.median_minutes_to_fill ? std::to_string(*r.median_minutes_to_fill) : "",
             std::to_string(r.person_times), std::to_string(r.members),
             std::to_string(r.members_served), Share(r.ServedShare()),
             Ids(r.unfilled_past_escalation), Ids(r.calls_without_signups),
             r.last_inspection_date ? FormatDate(*r.last_inspection_date) : "",
             r.last_inspection_rating});
      }
    }
    MUSTER_TRY(AppendAudit(tx, a, now, "export", "supervision",
                           FormatDate(period.from) + ".." + FormatDate(period.to) + ", " +
                               std::to_string(sheet.rows.size() - 1) + " units"));
    return std::vector<tabular::Sheet>{std::move(sheet)};
  });
}

}  // namespace muster::app
