// Requests and shifts: posting with routing, listing in scope, escalation.
#include <algorithm>
#include <set>

#include "app/audit.h"
#include "app/outbox.h"
#include "app/workflow_internal.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace {

using workflow::RequestRow;

constexpr std::size_t kMaxShifts = 100;
constexpr std::size_t kMaxNote = 2000;
constexpr auto kMaxShiftLength = std::chrono::hours(24);

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

// Checks one shift's fields; `prefix` is "shifts[i]".
Status CheckShiftFields(const ShiftInput& s, Timestamp now, const std::string& prefix) {
  if (s.ends_at <= s.starts_at) return Invalid(prefix + ".ends_at", "must be after starts_at", "order");
  if (s.ends_at - s.starts_at > kMaxShiftLength) {
    return Invalid(prefix + ".ends_at", "a shift lasts at most 24 hours", "too_long");
  }
  if (s.ends_at <= now) return Invalid(prefix + ".ends_at", "must be in the future", "past");
  if (s.headcount < 1 || s.headcount > 10000) {
    return Invalid(prefix + ".headcount", "must be between 1 and 10000", "range");
  }
  if (s.priority < 0 || s.priority > 10) {
    return Invalid(prefix + ".priority", "must be between 0 and 10", "range");
  }
  for (auto [age, field] : {std::pair{s.min_age, ".min_age"}, std::pair{s.max_age, ".max_age"}}) {
    if (age && (*age < 16 || *age > 100)) {
      return Invalid(prefix + field, "must be between 16 and 100", "range");
    }
  }
  if (s.min_age && s.max_age && *s.min_age > *s.max_age) {
    return Invalid(prefix + ".max_age", "must not be below min_age", "order");
  }
  return Ok();
}

}  // namespace

Result<RequestView> Workflow::PostRequest(const Actor& a, const RequestInput& in) {
  if (a.role != Role::kCityAdmin && a.role != Role::kStreetCoordinator &&
      a.role != Role::kCommunityCoordinator) {
    return Forbidden("only street and community coordinators post requests");
  }
  const Timestamp now = clock_.Now();
  if (in.note.size() > kMaxNote) return Invalid("note", "at most 2000 bytes", "too_long");
  if (in.shifts.empty()) return Invalid("shifts", "a request needs at least one shift", "empty");
  if (in.shifts.size() > kMaxShifts) return Invalid("shifts", "at most 100 shifts", "too_many");
  std::vector<std::vector<std::string>> skills(in.shifts.size());
  for (std::size_t i = 0; i < in.shifts.size(); ++i) {
    const std::string prefix = "shifts[" + std::to_string(i) + "]";
    MUSTER_TRY(CheckShiftFields(in.shifts[i], now, prefix));
    MUSTER_ASSIGN(skills[i], domain::NormalizeSkills(in.shifts[i].skills, prefix + ".skills"));
  }
  return store_.Write([&](store::Transaction& tx) -> Result<RequestView> {
    store::RegistryRepo repo(tx);
    std::vector<domain::Site> sites;
    std::vector<domain::Community> communities;
    std::optional<StreetId> street;
    for (std::size_t i = 0; i < in.shifts.size(); ++i) {
      const std::string field = "shifts[" + std::to_string(i) + "].site_id";
      MUSTER_ASSIGN(auto site, repo.FindSite(in.shifts[i].site_id));
      if (!site) {
        return Invalid(field, "no site with id " + std::to_string(in.shifts[i].site_id.value),
                       "unknown_id");
      }
      MUSTER_ASSIGN(auto community, repo.FindCommunity(site->community_id));
      if (!community) return Internal("site without community");
      if (a.role == Role::kStreetCoordinator && community->street_id.value != a.scope_id) {
        return Forbidden("the site " + site->name + " is outside your street");
      }
      if (a.role == Role::kCommunityCoordinator && community->id.value != a.scope_id) {
        return Forbidden("the site " + site->name + " is outside your community");
      }
      if (street && *street != community->street_id) {
        return Invalid(field, "all shifts of a request are in one street", "other_street");
      }
      street = community->street_id;
      sites.push_back(*site);
      communities.push_back(*community);
    }
    Timestamp first_start = in.shifts.front().starts_at;
    for (const ShiftInput& s : in.shifts) first_start = std::min(first_start, s.starts_at);
    const Timestamp escalates_at = domain::EscalationTime(now, first_start, in.urgent);
    const bool at_once = escalates_at <= now;

    MUSTER_ASSIGN(std::int64_t request_id,
                  tx.InsertReturningId(
                      "INSERT INTO requests (street_id, note, urgent, posted_by, posted_at, "
                      "escalates_at, escalated_at, escalation_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {street->value, in.note, std::int64_t{in.urgent}, store::Opt(a.user_id.valid() ? std::optional<std::int64_t>(a.user_id.value) : std::nullopt),
                       UnixSeconds(now), UnixSeconds(escalates_at),
                       at_once ? store::Value(UnixSeconds(now)) : store::Null(),
                       at_once ? store::Value(std::string("the first shift starts too soon")) : store::Null()}));
    const Date today = ShanghaiDate(now);

    // Routing: the street's paired unit and the communities' paired departments, on the day.
    std::vector<std::int64_t> notify_units;
    std::vector<std::int64_t> routed_departments;
    MUSTER_ASSIGN(auto street_pairing, repo.StreetPairingOn(*street, today));
    if (street_pairing) {
      MUSTER_TRY(tx.Exec("INSERT INTO request_routes (request_id, unit_id, reason, routed_at) "
                         "VALUES (?, ?, 'street_pairing', ?)",
                         {request_id, street_pairing->unit_id.value, UnixSeconds(now)}));
      notify_units.push_back(street_pairing->unit_id.value);
    }
    std::set<std::int64_t> seen_communities;
    for (const domain::Community& c : communities) {
      if (!seen_communities.insert(c.id.value).second) continue;
      MUSTER_ASSIGN(auto pairing, repo.CommunityPairingOn(c.id, today));
      if (!pairing) continue;
      for (DepartmentId d : pairing->department_ids) {
        if (std::find(routed_departments.begin(), routed_departments.end(), d.value) !=
            routed_departments.end()) {
          continue;
        }
        MUSTER_TRY(tx.Exec("INSERT INTO request_routes (request_id, department_id, reason, "
                           "routed_at) VALUES (?, ?, 'community_pairing', ?)",
                           {request_id, d.value, UnixSeconds(now)}));
        routed_departments.push_back(d.value);
        MUSTER_ASSIGN(auto dept, repo.FindDepartment(d));
        if (dept && std::find(notify_units.begin(), notify_units.end(), dept->unit_id.value) ==
                        notify_units.end()) {
          notify_units.push_back(dept->unit_id.value);
        }
      }
    }
    if (at_once) {
      MUSTER_TRY(tx.Exec("INSERT INTO request_routes (request_id, reason, routed_at) VALUES (?, "
                         "'escalation', ?)",
                         {request_id, UnixSeconds(now)}));
    }

    for (std::size_t i = 0; i < in.shifts.size(); ++i) {
      const ShiftInput& s = in.shifts[i];
      MUSTER_TRY(tx.Exec(
          "INSERT INTO shifts (request_id, site_id, community_id, street_id, task, starts_at, "
          "ends_at, day, headcount, skills, priority, risk, min_age, max_age) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {request_id, s.site_id.value, communities[i].id.value, street->value,
           std::string(domain::Name(s.task)), UnixSeconds(s.starts_at), UnixSeconds(s.ends_at),
           std::int64_t{DayNumber(ShanghaiDate(s.starts_at))}, std::int64_t{s.headcount},
           Join(skills[i]), std::int64_t{s.priority},
           std::string(sites[i].risk == domain::Risk::kHigh ? "high" : "normal"),
           store::Opt(s.min_age ? std::optional<std::int64_t>(*s.min_age) : std::nullopt),
           store::Opt(s.max_age ? std::optional<std::int64_t>(*s.max_age) : std::nullopt)}));
    }

    // Tell the routed units' administrators; every unit's when it escalated at once.
    std::vector<std::int64_t> units = notify_units;
    if (at_once) {
      units.clear();
      MUSTER_TRY(tx.Query("SELECT id FROM units ORDER BY id", [&](const store::Row& r) {
        units.push_back(r.Int(0));
        return Ok();
      }));
    }
    MUSTER_ASSIGN(auto admins, workflow::UsersWithRole(tx, Role::kUnitAdmin, units));
    const std::string payload = "{\"request_id\":" + std::to_string(request_id) +
                                ",\"street_id\":" + std::to_string(street->value) + "}";
    for (UserId admin : admins) {
      MUSTER_TRY(Notify(tx, now,
                        {std::nullopt, admin, "routed",
                         std::string(in.urgent ? "【紧急】" : "") + "新的用人需求",
                         "街道请求支援：" + in.note, payload}));
    }
    MUSTER_TRY(PublishEvent(tx, now, "request_posted", payload));
    if (at_once) MUSTER_TRY(PublishEvent(tx, now, "request_escalated", payload));

    MUSTER_ASSIGN(auto row, workflow::LoadRequest(tx, RequestId(request_id)));
    return workflow::AssembleRequest(tx, *row, now, std::nullopt);
  });
}

Result<std::vector<RequestView>> Workflow::ListRequests(const Actor& a, store::Page page,
                                                        const RequestFilter& f) {
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<RequestView>> {
    MUSTER_ASSIGN(workflow::Condition scope, workflow::RequestScope(tx, a));
    std::string sql = "SELECT r.id FROM requests r WHERE r.id > ? AND " + scope.sql;
    std::vector<store::Value> params = {page.after};
    params.insert(params.end(), scope.params.begin(), scope.params.end());
    if (f.street) {
      sql += " AND r.street_id = ?";
      params.push_back(f.street->value);
    }
    if (f.community) {
      sql += " AND EXISTS (SELECT 1 FROM shifts y WHERE y.request_id = r.id AND y.community_id = ?)";
      params.push_back(f.community->value);
    }
    const std::string closed =
        "(r.closed_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM shifts z WHERE z.request_id = r.id "
        "AND z.ends_at > ?))";
    if (f.status == RequestStatus::kClosed) {
      sql += " AND " + closed;
      params.push_back(UnixSeconds(now));
    } else if (f.status) {
      sql += " AND NOT " + closed;
      params.push_back(UnixSeconds(now));
      sql += std::string(" AND ") + (*f.status == RequestStatus::kOpen ? "" : "NOT ") +
             "EXISTS (SELECT 1 FROM shifts w WHERE w.request_id = r.id AND w.confirmed < w.headcount)";
    }
    sql += " ORDER BY r.id LIMIT ?";
    params.push_back(std::int64_t{page.limit});
    std::vector<std::int64_t> ids;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      ids.push_back(r.Int(0));
      return Ok();
    }));
    std::optional<MemberId> viewer;
    if (a.role == Role::kVolunteer) viewer = MemberId(a.scope_id);
    std::vector<RequestView> out;
    for (std::int64_t id : ids) {
      MUSTER_ASSIGN(auto row, workflow::LoadRequest(tx, RequestId(id)));
      if (!row) continue;
      MUSTER_ASSIGN(auto view, workflow::AssembleRequest(tx, *row, now, viewer));
      out.push_back(std::move(view));
    }
    return out;
  });
}

Result<RequestView> Workflow::GetRequest(const Actor& a, RequestId id) {
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<RequestView> {
    MUSTER_ASSIGN(auto row, workflow::LoadRequest(tx, id));
    if (!row) return NotFound("no request with id " + std::to_string(id.value));
    MUSTER_TRY(workflow::SeeRequest(tx, a, *row));
    std::optional<MemberId> viewer;
    if (a.role == Role::kVolunteer) viewer = MemberId(a.scope_id);
    return workflow::AssembleRequest(tx, *row, now, viewer);
  });
}

namespace {

// Opens a request to every unit, records it, and tells every unit's administrators.
Status EscalateIn(store::Transaction& tx, const RequestRow& row, Timestamp now,
                  const std::string& reason) {
  MUSTER_ASSIGN(std::int64_t changed,
                tx.Exec("UPDATE requests SET escalated_at = ?, escalation_reason = ? WHERE id = ? "
                        "AND escalated_at IS NULL",
                        {UnixSeconds(now), reason, row.id.value}));
  if (changed == 0) return Conflict("the request is already open to every unit", "id");
  MUSTER_TRY(tx.Exec("INSERT INTO request_routes (request_id, reason, routed_at) VALUES (?, "
                     "'escalation', ?)",
                     {row.id.value, UnixSeconds(now)}));
  std::vector<std::int64_t> units;
  MUSTER_TRY(tx.Query("SELECT id FROM units ORDER BY id", [&](const store::Row& r) {
    units.push_back(r.Int(0));
    return Ok();
  }));
  MUSTER_ASSIGN(auto admins, workflow::UsersWithRole(tx, Role::kUnitAdmin, units));
  const std::string payload = "{\"request_id\":" + std::to_string(row.id.value) +
                              ",\"street_id\":" + std::to_string(row.street_id.value) + "}";
  for (UserId admin : admins) {
    MUSTER_TRY(Notify(tx, now,
                      {std::nullopt, admin, "escalated", "需求已向全市开放",
                       row.street_name + "的用人需求尚未满员，现向全市各单位开放：" + reason,
                       payload}));
  }
  return PublishEvent(tx, now, "request_escalated", payload);
}

}  // namespace

Result<RequestView> Workflow::Escalate(const Actor& a, RequestId id, const std::string& reason) {
  const Timestamp now = clock_.Now();
  if (reason.empty() || reason.size() > 500) {
    return Invalid("reason", "give a reason of 1 to 500 bytes", "length");
  }
  return store_.Write([&](store::Transaction& tx) -> Result<RequestView> {
    MUSTER_ASSIGN(auto row, workflow::LoadRequest(tx, id));
    if (!row) return NotFound("no request with id " + std::to_string(id.value));
    MUSTER_ASSIGN(bool coordinates, workflow::CoordinatesRequest(tx, a, *row));
    if (!coordinates) {
      MUSTER_TRY(workflow::SeeRequest(tx, a, *row));
      return Forbidden("only the request's coordinators escalate it");
    }
    MUSTER_TRY(EscalateIn(tx, *row, now, reason));
    MUSTER_TRY(AppendAudit(tx, a, now, "escalate", "request/" + std::to_string(id.value), reason));
    MUSTER_ASSIGN(auto fresh, workflow::LoadRequest(tx, id));
    return workflow::AssembleRequest(tx, *fresh, now, std::nullopt);
  });
}

Result<std::vector<ShiftView>> Workflow::ListShifts(const Actor& a, store::Page page,
                                                    const ShiftFilter& f) {
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<ShiftView>> {
    MUSTER_ASSIGN(workflow::Condition scope, workflow::RequestScope(tx, a));
    std::optional<MemberId> viewer;
    if (a.role == Role::kVolunteer) viewer = MemberId(a.scope_id);
    std::vector<store::Value> params = {viewer ? viewer->value : 0, page.after};
    std::string sql = workflow::ShiftSelect() + "WHERE sh.id > ? AND " + scope.sql;
    params.insert(params.end(), scope.params.begin(), scope.params.end());
    if (f.open_to_me) {
      sql += " AND sh.ends_at > ? AND sh.closed = 0 AND r.closed_at IS NULL";
      params.push_back(UnixSeconds(now));
    }
    if (f.from) {
      sql += " AND sh.day >= ?";
      params.push_back(std::int64_t{DayNumber(*f.from)});
    }
    if (f.to) {
      sql += " AND sh.day <= ?";
      params.push_back(std::int64_t{DayNumber(*f.to)});
    }
    if (f.request) {
      sql += " AND sh.request_id = ?";
      params.push_back(f.request->value);
    }
    sql += " ORDER BY sh.id LIMIT ?";
    params.push_back(std::int64_t{page.limit});
    std::vector<ShiftView> out;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      out.push_back(workflow::ReadShiftRow(r));
      return Ok();
    }));
    return out;
  });
}

Result<ShiftView> Workflow::GetShift(const Actor& a, ShiftId id) {
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<ShiftView> {
    std::optional<MemberId> viewer;
    if (a.role == Role::kVolunteer) viewer = MemberId(a.scope_id);
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, id, viewer));
    if (!shift) return NotFound("no shift with id " + std::to_string(id.value));
    MUSTER_ASSIGN(auto row, workflow::LoadRequest(tx, shift->request_id));
    Status seen = workflow::SeeRequest(tx, a, *row);
    if (!seen.ok()) return NotFound("no shift with id " + std::to_string(id.value));
    (void)now;
    return *shift;
  });
}

namespace workflow {

// The escalations that fell due: requests not filled by their escalation time open to every unit.
Result<int> EscalateDue(store::Transaction& tx, Timestamp now) {
  std::vector<std::int64_t> due;
  MUSTER_TRY(tx.Query(
      "SELECT r.id FROM requests r WHERE r.escalated_at IS NULL AND r.closed_at IS NULL AND "
      "r.escalates_at <= ? AND EXISTS (SELECT 1 FROM shifts s WHERE s.request_id = r.id AND "
      "s.confirmed < s.headcount AND s.ends_at > ?) ORDER BY r.id",
      {UnixSeconds(now), UnixSeconds(now)}, [&](const store::Row& r) {
        due.push_back(r.Int(0));
        return Ok();
      }));
  for (std::int64_t id : due) {
    MUSTER_ASSIGN(auto row, LoadRequest(tx, RequestId(id)));
    MUSTER_TRY(EscalateIn(tx, *row, now, "not filled by its escalation time"));
  }
  return static_cast<int>(due.size());
}

}  // namespace workflow
}  // namespace muster::app
