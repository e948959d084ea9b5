#include <algorithm>
#include <cstdio>
#include <sstream>

#include "app/workflow_internal.h"
#include "store/registry_repo.h"

namespace muster::app {

std::string_view Name(SignupStatus s) {
  switch (s) {
    case SignupStatus::kConfirmed: return "confirmed";
    case SignupStatus::kWaiting: return "waiting";
    case SignupStatus::kCancelled: return "cancelled";
  }
  return "";
}

std::string_view Name(RequestStatus s) {
  switch (s) {
    case RequestStatus::kOpen: return "open";
    case RequestStatus::kFilled: return "filled";
    case RequestStatus::kClosed: return "closed";
  }
  return "";
}

Result<RequestStatus> ParseRequestStatus(std::string_view s, std::string_view field) {
  if (s == "open") return RequestStatus::kOpen;
  if (s == "filled") return RequestStatus::kFilled;
  if (s == "closed") return RequestStatus::kClosed;
  return BadRequest(std::string(field) + ": must be open, filled or closed", std::string(field));
}

namespace workflow {
namespace {

SignupStatus ParseSignupStatus(std::string_view s) {
  if (s == "waiting") return SignupStatus::kWaiting;
  if (s == "cancelled") return SignupStatus::kCancelled;
  return SignupStatus::kConfirmed;
}

constexpr const char* kShiftColumns =
    "SELECT sh.id, sh.request_id, sh.site_id, si.name, sh.community_id, c.name, sh.street_id, "
    "st.name, sh.task, sh.starts_at, sh.ends_at, sh.headcount, sh.confirmed, sh.waiting, "
    "sh.skills, sh.priority, sh.risk, sh.min_age, sh.max_age, "
    "CASE WHEN r.escalated_at IS NULL THEN 0 ELSE 1 END, su.id, su.status "
    "FROM shifts sh JOIN sites si ON si.id = sh.site_id "
    "JOIN communities c ON c.id = sh.community_id JOIN streets st ON st.id = sh.street_id "
    "JOIN requests r ON r.id = sh.request_id "
    "LEFT JOIN signups su ON su.shift_id = sh.id AND su.member_id = ? AND su.status <> 'cancelled' ";

}  // namespace

std::vector<std::string> SplitSkills(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t comma = text.find(',', at);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > at) out.emplace_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

ShiftView ReadShiftRow(const store::Row& r) {
  ShiftView s;
  s.id = ShiftId(r.Int(0));
  s.request_id = RequestId(r.Int(1));
  s.site_id = SiteId(r.Int(2));
  s.site_name = r.String(3);
  s.community_id = CommunityId(r.Int(4));
  s.community_name = r.String(5);
  s.street_id = StreetId(r.Int(6));
  s.street_name = r.String(7);
  s.task = domain::ParseShiftTask(r.Text(8)).value_or(domain::ShiftTask::kOther);
  s.starts_at = FromUnixSeconds(r.Int(9));
  s.ends_at = FromUnixSeconds(r.Int(10));
  s.headcount = static_cast<int>(r.Int(11));
  s.confirmed = static_cast<int>(r.Int(12));
  s.waiting = static_cast<int>(r.Int(13));
  s.skills = SplitSkills(r.Text(14));
  s.priority = static_cast<int>(r.Int(15));
  s.high_risk = r.Text(16) == "high";
  if (auto v = r.OptInt(17)) s.min_age = static_cast<int>(*v);
  if (auto v = r.OptInt(18)) s.max_age = static_cast<int>(*v);
  s.escalated = r.Int(19) != 0;
  if (auto id = r.OptInt(20)) s.my_signup = SignupRef{SignupId(*id), ParseSignupStatus(r.Text(21))};
  return s;
}

std::string ShiftSelect() { return kShiftColumns; }

Result<std::optional<RequestRow>> LoadRequest(store::Transaction& tx, RequestId id) {
  std::optional<RequestRow> out;
  MUSTER_TRY(tx.Query(
      "SELECT r.id, r.street_id, s.name, r.note, r.urgent, r.posted_by, r.posted_at, "
      "r.escalates_at, r.escalated_at, r.escalation_reason, r.closed_at "
      "FROM requests r JOIN streets s ON s.id = r.street_id WHERE r.id = ?",
      {id.value}, [&](const store::Row& r) {
        RequestRow row;
        row.id = RequestId(r.Int(0));
        row.street_id = StreetId(r.Int(1));
        row.street_name = r.String(2);
        row.note = r.String(3);
        row.urgent = r.Int(4) != 0;
        if (auto v = r.OptInt(5)) row.posted_by = UserId(*v);
        row.posted_at = FromUnixSeconds(r.Int(6));
        row.escalates_at = FromUnixSeconds(r.Int(7));
        if (auto v = r.OptInt(8)) row.escalated_at = FromUnixSeconds(*v);
        if (!r.IsNull(9)) row.escalation_reason = r.String(9);
        if (auto v = r.OptInt(10)) row.closed_at = FromUnixSeconds(*v);
        out = std::move(row);
        return Ok();
      }));
  if (!out) return out;
  MUSTER_TRY(tx.Query(
      "SELECT unit_id, department_id FROM request_routes WHERE request_id = ? AND reason <> "
      "'escalation' ORDER BY id",
      {id.value}, [&](const store::Row& r) {
        if (auto u = r.OptInt(0)) out->routed_unit = UnitId(*u);
        if (auto d = r.OptInt(1)) out->routed_departments.push_back(DepartmentId(*d));
        return Ok();
      }));
  return out;
}

Result<std::vector<ShiftView>> LoadShifts(store::Transaction& tx, RequestId request,
                                          std::optional<MemberId> viewer) {
  std::vector<ShiftView> out;
  MUSTER_TRY(tx.QueryV(ShiftSelect() + "WHERE sh.request_id = ? ORDER BY sh.starts_at, sh.id",
                       {viewer ? viewer->value : 0, request.value}, [&](const store::Row& r) {
                         out.push_back(ReadShiftRow(r));
                         return Ok();
                       }));
  return out;
}

Result<std::optional<ShiftView>> LoadShift(store::Transaction& tx, ShiftId id,
                                           std::optional<MemberId> viewer) {
  std::optional<ShiftView> out;
  MUSTER_TRY(tx.QueryV(ShiftSelect() + "WHERE sh.id = ?", {viewer ? viewer->value : 0, id.value},
                       [&](const store::Row& r) {
                         out = ReadShiftRow(r);
                         return Ok();
                       }));
  return out;
}

Result<RequestView> AssembleRequest(store::Transaction& tx, const RequestRow& row, Timestamp now,
                                    std::optional<MemberId> viewer) {
  RequestView v;
  v.id = row.id;
  v.street_id = row.street_id;
  v.street_name = row.street_name;
  v.note = row.note;
  v.urgent = row.urgent;
  v.posted_at = row.posted_at;
  v.escalates_at = row.escalates_at;
  v.escalated_at = row.escalated_at;
  v.escalation_reason = row.escalation_reason;
  v.routed_unit = row.routed_unit;
  v.routed_departments = row.routed_departments;
  MUSTER_ASSIGN(v.shifts, LoadShifts(tx, row.id, viewer));
  bool any_running = false;
  bool all_full = true;
  for (const ShiftView& s : v.shifts) {
    if (s.ends_at > now) any_running = true;
    if (s.confirmed < s.headcount) all_full = false;
  }
  if (row.closed_at || !any_running) {
    v.status = RequestStatus::kClosed;
  } else {
    v.status = all_full ? RequestStatus::kFilled : RequestStatus::kOpen;
  }
  return v;
}

Result<std::optional<UnitId>> UnitOf(store::Transaction& tx, const Actor& a) {
  store::RegistryRepo repo(tx);
  switch (a.role) {
    case Role::kUnitAdmin:
      return std::optional<UnitId>(UnitId(a.scope_id));
    case Role::kBranchSecretary: {
      MUSTER_ASSIGN(auto b, repo.FindBranch(BranchId(a.scope_id)));
      if (!b) return std::optional<UnitId>();
      return std::optional<UnitId>(b->unit_id);
    }
    case Role::kVolunteer: {
      MUSTER_ASSIGN(auto m, repo.FindMember(MemberId(a.scope_id)));
      if (!m) return std::optional<UnitId>();
      return std::optional<UnitId>(m->unit_id);
    }
    default:
      return std::optional<UnitId>();
  }
}

Result<Condition> RequestScope(store::Transaction& tx, const Actor& a) {
  switch (a.role) {
    case Role::kCityAdmin:
      return Condition{"1 = 1", {}};
    case Role::kStreetCoordinator:
      return Condition{"r.street_id = ?", {a.scope_id}};
    case Role::kCommunityCoordinator:
      return Condition{
          "EXISTS (SELECT 1 FROM shifts x WHERE x.request_id = r.id AND x.community_id = ?)",
          {a.scope_id}};
    case Role::kUnitAdmin:
    case Role::kBranchSecretary: {
      MUSTER_ASSIGN(auto unit, UnitOf(tx, a));
      std::int64_t u = unit ? unit->value : -1;
      return Condition{
          "(r.escalated_at IS NOT NULL OR EXISTS (SELECT 1 FROM request_routes rr LEFT JOIN "
          "departments d ON d.id = rr.department_id WHERE rr.request_id = r.id AND "
          "(rr.unit_id = ? OR d.unit_id = ?)))",
          {u, u}};
    }
    case Role::kVolunteer: {
      MUSTER_ASSIGN(auto m, store::RegistryRepo(tx).FindMember(MemberId(a.scope_id)));
      if (!m) return Condition{"1 = 0", {}};
      std::int64_t dept = m->department_id ? m->department_id->value : -1;
      return Condition{
          "(r.escalated_at IS NOT NULL OR EXISTS (SELECT 1 FROM request_routes rr WHERE "
          "rr.request_id = r.id AND (rr.unit_id = ? OR rr.department_id = ?)))",
          {m->unit_id.value, dept}};
    }
  }
  return Condition{"1 = 0", {}};
}

Status SeeRequest(store::Transaction& tx, const Actor& a, const RequestRow& r) {
  MUSTER_ASSIGN(Condition c, RequestScope(tx, a));
  std::vector<store::Value> params;
  params.reserve(c.params.size() + 1);
  params.emplace_back(r.id.value);
  for (store::Value& v : c.params) params.push_back(std::move(v));
  bool seen = false;
  MUSTER_TRY(tx.QueryV("SELECT 1 FROM requests r WHERE r.id = ? AND " + c.sql, params,
                       [&](const store::Row&) {
                         seen = true;
                         return Ok();
                       }));
  if (!seen) return NotFound("no request with id " + std::to_string(r.id.value));
  return Ok();
}

Result<bool> CoordinatesRequest(store::Transaction& tx, const Actor& a, const RequestRow& r) {
  if (a.role == Role::kCityAdmin) return true;
  if (a.role == Role::kStreetCoordinator) return r.street_id.value == a.scope_id;
  if (a.role == Role::kCommunityCoordinator) {
    MUSTER_ASSIGN(auto n, tx.QueryInt("SELECT COUNT(*) FROM shifts WHERE request_id = ? AND "
                                      "community_id = ?",
                                      {r.id.value, a.scope_id}));
    return n.value_or(0) > 0;
  }
  return false;
}

bool CoordinatesShift(const Actor& a, const ShiftView& s) {
  if (a.role == Role::kCityAdmin) return true;
  if (a.role == Role::kStreetCoordinator) return s.street_id.value == a.scope_id;
  if (a.role == Role::kCommunityCoordinator) return s.community_id.value == a.scope_id;
  return false;
}

namespace {

std::string PlaceFactsSql(std::string_view aggregate) {
  return "SELECT m.id, m.unit_id, m.department_id, m.branch_id, m.birth_date, (SELECT " +
         std::string(aggregate) +
         "(ms.skill, ',') FROM member_skills ms WHERE ms.member_id = m.id), "
         "av.high_risk_ok, av.max_hours_per_day, sh.id, sh.request_id, sh.street_id, "
         "sh.starts_at, sh.ends_at, sh.headcount, sh.skills, sh.risk, sh.min_age, sh.max_age, "
         "CASE WHEN r.escalated_at IS NOT NULL OR EXISTS (SELECT 1 FROM request_routes rr WHERE "
         "rr.request_id = r.id AND (rr.unit_id = m.unit_id OR rr.department_id = "
         "m.department_id)) THEN 1 ELSE 0 END, "
         "CASE WHEN EXISTS (SELECT 1 FROM signups su WHERE su.shift_id = sh.id AND su.member_id "
         "= m.id AND su.status <> 'cancelled') THEN 1 ELSE 0 END "
         "FROM members m JOIN shifts sh ON sh.id = ? JOIN requests r ON r.id = sh.request_id "
         "LEFT JOIN availability av ON av.member_id = m.id WHERE m.id = ?";
}

}  // namespace

Status ActFor(const Actor& a, MemberId member, UnitId unit, std::optional<BranchId> branch,
              std::string_view what) {
  switch (a.role) {
    case Role::kCityAdmin:
      return Ok();
    case Role::kUnitAdmin:
      if (unit.value == a.scope_id) return Ok();
      break;
    case Role::kBranchSecretary:
      if (branch && branch->value == a.scope_id) return Ok();
      break;
    case Role::kVolunteer:
      if (member.value == a.scope_id) return Ok();
      break;
    default:
      break;
  }
  return Forbidden("your role may not " + std::string(what) + " for this member");
}

Status ActFor(const Actor& a, const domain::Member& member, std::string_view what) {
  return ActFor(a, member.id, member.unit_id, member.branch_id, what);
}

Result<std::optional<PlaceFacts>> LoadPlaceFacts(store::Transaction& tx, MemberId member,
                                                 ShiftId shift) {
  // The member's skills come aggregated; the dialects differ only in the aggregate's name.
  static const std::string kSql[2] = {PlaceFactsSql("group_concat"), PlaceFactsSql("string_agg")};
  const std::string& sql = kSql[tx.backend() == store::Backend::kSqlite ? 0 : 1];
  std::optional<PlaceFacts> out;
  MUSTER_TRY(tx.Query(sql, {shift.value, member.value}, [&](const store::Row& r) {
    PlaceFacts f;
    f.member = MemberId(r.Int(0));
    f.unit = UnitId(r.Int(1));
    if (auto v = r.OptInt(2)) f.department = DepartmentId(*v);
    if (auto v = r.OptInt(3)) f.branch = BranchId(*v);
    if (auto v = r.OptInt(4)) f.birth_date = DateFromDayNumber(static_cast<int>(*v));
    if (!r.IsNull(5)) {
      f.member_skills = SplitSkills(r.Text(5));
      std::sort(f.member_skills.begin(), f.member_skills.end());
    }
    if (auto v = r.OptInt(6)) f.declared_consent = *v != 0;
    if (auto v = r.OptInt(7)) f.max_hours_per_day = static_cast<int>(*v);
    f.shift = ShiftId(r.Int(8));
    f.request = RequestId(r.Int(9));
    f.street = StreetId(r.Int(10));
    f.window = {FromUnixSeconds(r.Int(11)), FromUnixSeconds(r.Int(12))};
    f.headcount = static_cast<int>(r.Int(13));
    f.shift_skills = SplitSkills(r.Text(14));
    f.high_risk = r.Text(15) == "high";
    if (auto v = r.OptInt(16)) f.min_age = static_cast<int>(*v);
    if (auto v = r.OptInt(17)) f.max_age = static_cast<int>(*v);
    f.open = r.Int(18) != 0;
    f.already = r.Int(19) != 0;
    out = std::move(f);
    return Ok();
  }));
  return out;
}

Result<domain::Member> MemberForField(store::Transaction& tx, MemberId id, std::string_view field) {
  MUSTER_ASSIGN(auto m, store::RegistryRepo(tx).FindMember(id));
  if (!m) {
    return Invalid(std::string(field), "no member with id " + std::to_string(id.value), "unknown_id");
  }
  return *m;
}

Result<std::vector<UserId>> UsersWithRole(store::Transaction& tx, Role role,
                                          const std::vector<std::int64_t>& scopes) {
  std::vector<UserId> out;
  for (std::int64_t scope : scopes) {
    MUSTER_TRY(tx.Query("SELECT id FROM users WHERE role = ? AND scope_id = ? AND disabled = 0 "
                        "ORDER BY id",
                        {std::string(Name(role)), scope}, [&](const store::Row& r) {
                          UserId id(r.Int(0));
                          if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
                          return Ok();
                        }));
  }
  return out;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

Result<std::vector<domain::Interval>> Commitments(store::Transaction& tx, MemberId member,
                                                  const domain::Interval& window,
                                                  std::optional<ShiftId> except) {
  // Days the window touches, one day either side for shifts crossing midnight.
  int first = DayNumber(ShanghaiDate(window.starts)) - 1;
  int last = DayNumber(ShanghaiDate(window.ends)) + 1;
  std::vector<domain::Interval> out;
  MUSTER_TRY(tx.Query("SELECT starts_at, ends_at FROM signups WHERE member_id = ? AND status = "
                      "'confirmed' AND day BETWEEN ? AND ? AND shift_id <> ?",
                      {member.value, std::int64_t{first}, std::int64_t{last},
                       except ? except->value : std::int64_t{0}},
                      [&](const store::Row& r) {
                        out.push_back({FromUnixSeconds(r.Int(0)), FromUnixSeconds(r.Int(1))});
                        return Ok();
                      }));
  return out;
}

Result<std::optional<Availability>> LoadAvailability(store::Transaction& tx, MemberId member) {
  std::optional<Availability> out;
  std::string windows;
  MUSTER_TRY(tx.Query("SELECT windows, max_hours_per_day, high_risk_ok FROM availability WHERE "
                      "member_id = ?",
                      {member.value}, [&](const store::Row& r) {
                        out = Availability{};
                        windows = r.String(0);
                        out->max_hours_per_day = static_cast<int>(r.Int(1));
                        out->high_risk_ok = r.Int(2) != 0;
                        return Ok();
                      }));
  if (!out) return out;
  // Stored as "start-end;start-end" in Unix seconds.
  std::istringstream in(windows);
  std::string item;
  while (std::getline(in, item, ';')) {
    auto dash = item.find('-');
    if (dash == std::string::npos) continue;
    out->windows.push_back({FromUnixSeconds(std::stoll(item.substr(0, dash))),
                            FromUnixSeconds(std::stoll(item.substr(dash + 1)))});
  }
  return out;
}

}  // namespace workflow
}  // namespace muster::app
