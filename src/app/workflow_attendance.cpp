// Batches, check-in codes, check-in and check-out, attendance by hand, the calendar feed, and the
// clock-driven sweep.
#include <algorithm>
#include <cstdio>
#include <map>

#include "app/audit.h"
#include "app/calendar.h"
#include "app/checkin_code.h"
#include "app/outbox.h"
#include "app/stats_upkeep.h"
#include "app/workflow_internal.h"
#include "base/validate.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace workflow {
Result<int> EscalateDue(store::Transaction& tx, Timestamp now);  // workflow_requests.cpp
}  // namespace workflow

namespace {

std::string Payload(const ShiftView& s) {
  return "{\"shift_id\":" + std::to_string(s.id.value) +
         ",\"request_id\":" + std::to_string(s.request_id.value) +
         ",\"street_id\":" + std::to_string(s.street_id.value) +
         ",\"community_id\":" + std::to_string(s.community_id.value) + "}";
}

Status CheckText(const std::string& value, std::string_view field, std::size_t max) {
  if (value.empty() || value.size() > max) {
    return Invalid(std::string(field), "give 1 to " + std::to_string(max) + " bytes", "length");
  }
  return Ok();
}

// Inserts an attendance record with the counting facts copied from the member and the shift.
Result<std::int64_t> InsertAttendance(store::Transaction& tx, const ShiftView& shift,
                                      const domain::Member& m, std::optional<std::int64_t> signup,
                                      Timestamp in, std::optional<Timestamp> out,
                                      std::string_view source, const Actor& a,
                                      const std::string& reason) {
  return tx.InsertReturningId(
      "INSERT INTO attendance (shift_id, member_id, signup_id, checked_in_at, checked_out_at, "
      "closed_by, source, flagged, recorded_by, reason, day, unit_id, branch_id, party_member, "
      "street_id, community_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {shift.id.value, m.id.value, signup ? store::Value(*signup) : store::Null(), UnixSeconds(in),
       out ? store::Value(UnixSeconds(*out)) : store::Null(),
       out ? store::Value(std::string("coordinator")) : store::Null(), std::string(source),
       std::int64_t{signup ? 0 : 1},
       a.user_id.valid() ? store::Value(a.user_id.value) : store::Null(),
       reason.empty() ? store::Null() : store::Value(reason),
       std::int64_t{DayNumber(ShanghaiDate(shift.starts_at))}, m.unit_id.value,
       m.branch_id ? store::Value(m.branch_id->value) : store::Null(),
       std::int64_t{m.party_member}, shift.street_id.value, shift.community_id.value});
}

// Tells the coordinators of a shift's street and community about a check-in without sign-up.
Status NotifyFlagged(store::Transaction& tx, const ShiftView& shift, const domain::Member& m,
                     Timestamp now) {
  MUSTER_ASSIGN(auto street, workflow::UsersWithRole(tx, Role::kStreetCoordinator,
                                                     {shift.street_id.value}));
  MUSTER_ASSIGN(auto community, workflow::UsersWithRole(tx, Role::kCommunityCoordinator,
                                                        {shift.community_id.value}));
  street.insert(street.end(), community.begin(), community.end());
  for (UserId u : street) {
    MUSTER_TRY(Notify(tx, now,
                      {std::nullopt, u, "checkin_flagged", "未报名签到待核实",
                       m.name + "在" + shift.site_name + "签到，但未报名该班次，请核实。",
                       Payload(shift)}));
  }
  return Ok();
}

double HoursBetween(Timestamp in, Timestamp out) {
  return static_cast<double>(std::max<std::int64_t>(0, (out - in).count()) / 36) / 100.0;
}

}  // namespace

// ---- Batches ----

namespace {

Result<BatchView> LoadBatch(store::Transaction& tx, BatchId id) {
  std::optional<BatchView> b;
  MUSTER_TRY(tx.Query(
      "SELECT b.id, b.street_id, s.name, b.unit_id, b.departs_at, b.depart_from, b.vehicle, "
      "b.capacity FROM batches b JOIN streets s ON s.id = b.street_id WHERE b.id = ?",
      {id.value}, [&](const store::Row& r) {
        BatchView v;
        v.id = BatchId(r.Int(0));
        v.street_id = StreetId(r.Int(1));
        v.street_name = r.String(2);
        if (auto u = r.OptInt(3)) v.unit_id = UnitId(*u);
        v.departs_at = FromUnixSeconds(r.Int(4));
        v.depart_from = r.String(5);
        v.vehicle = r.String(6);
        v.capacity = static_cast<int>(r.Int(7));
        b = std::move(v);
        return Ok();
      }));
  if (!b) return NotFound("no batch with id " + std::to_string(id.value));
  const int day = DayNumber(ShanghaiDate(b->departs_at));
  MUSTER_TRY(tx.Query(
      "SELECT m.id, m.name, m.phone, m.branch_id, (SELECT MIN(su.shift_id) FROM signups su JOIN "
      "shifts sh ON sh.id = su.shift_id WHERE su.member_id = m.id AND su.status = 'confirmed' AND "
      "sh.street_id = ? AND sh.day = ?) FROM batch_members bm JOIN members m ON m.id = "
      "bm.member_id WHERE bm.batch_id = ? ORDER BY m.id",
      {b->street_id.value, std::int64_t{day}, id.value}, [&](const store::Row& r) {
        BatchMember m;
        m.member_id = MemberId(r.Int(0));
        m.name = r.String(1);
        m.phone_masked = MaskMobile(r.Text(2));
        if (auto v = r.OptInt(3)) m.branch_id = BranchId(*v);
        if (auto v = r.OptInt(4)) m.shift_id = ShiftId(*v);
        b->members.push_back(std::move(m));
        return Ok();
      }));
  for (BatchMember& m : b->members) {
    if (!m.shift_id) continue;
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, *m.shift_id, std::nullopt));
    if (shift) {
      m.site_name = shift->site_name;
      m.starts_at = shift->starts_at;
    }
  }
  return *b;
}

bool SeesBatch(const Actor& a, const BatchView& b) {
  switch (a.role) {
    case Role::kCityAdmin: return true;
    case Role::kUnitAdmin: return b.unit_id && b.unit_id->value == a.scope_id;
    case Role::kStreetCoordinator: return b.street_id.value == a.scope_id;
    default: return false;
  }
}

}  // namespace

Result<BatchView> Workflow::CreateBatch(const Actor& a, const BatchInput& in) {
  if (a.role != Role::kUnitAdmin && a.role != Role::kCityAdmin) {
    return Forbidden("only unit administrators form batches");
  }
  MUSTER_TRY(CheckText(in.depart_from, "depart_from", 200));
  MUSTER_TRY(CheckText(in.vehicle, "vehicle", 100));
  if (in.capacity < 1 || in.capacity > 10000) {
    return Invalid("capacity", "must be between 1 and 10000", "range");
  }
  if (in.member_ids.empty()) return Invalid("member_ids", "a batch needs at least one member", "empty");
  if (static_cast<int>(in.member_ids.size()) > in.capacity) {
    return Invalid("member_ids", "more members than the vehicle's capacity of " +
                                     std::to_string(in.capacity), "over_capacity");
  }
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<BatchView> {
    store::RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto street, repo.FindStreet(in.street_id));
    if (!street) {
      return Invalid("street_id", "no street with id " + std::to_string(in.street_id.value),
                     "unknown_id");
    }
    const int day = DayNumber(ShanghaiDate(in.departs_at));
    std::optional<UnitId> unit;
    if (a.role == Role::kUnitAdmin) unit = UnitId(a.scope_id);
    std::vector<std::int64_t> seen;
    for (std::size_t i = 0; i < in.member_ids.size(); ++i) {
      const std::string field = "member_ids[" + std::to_string(i) + "]";
      MUSTER_ASSIGN(domain::Member m, workflow::MemberForField(tx, in.member_ids[i], field));
      if (std::find(seen.begin(), seen.end(), m.id.value) != seen.end()) {
        return Invalid(field, "the member is listed twice", "duplicate");
      }
      seen.push_back(m.id.value);
      if (a.role == Role::kUnitAdmin && m.unit_id.value != a.scope_id) {
        return Forbidden("the member " + std::to_string(m.id.value) + " is outside your unit");
      }
      if (!unit) unit = m.unit_id;
      MUSTER_ASSIGN(auto shifts, tx.QueryInt(
                                     "SELECT COUNT(*) FROM signups su JOIN shifts sh ON sh.id = "
                                     "su.shift_id WHERE su.member_id = ? AND su.status = "
                                     "'confirmed' AND sh.street_id = ? AND sh.day = ?",
                                     {m.id.value, in.street_id.value, std::int64_t{day}}));
      if (shifts.value_or(0) == 0) {
        return Invalid(field, m.name + " has no confirmed shift in " + street->name + " that day",
                       "no_shift");
      }
    }
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO batches (street_id, unit_id, departs_at, depart_from, vehicle, "
                      "capacity, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {in.street_id.value, unit ? store::Value(unit->value) : store::Null(),
                       UnixSeconds(in.departs_at), in.depart_from, in.vehicle,
                       std::int64_t{in.capacity},
                       a.user_id.valid() ? store::Value(a.user_id.value) : store::Null(),
                       UnixSeconds(now)}));
    for (std::int64_t m : seen) {
      MUSTER_TRY(tx.Exec("INSERT INTO batch_members (batch_id, member_id) VALUES (?, ?)", {id, m}));
      MUSTER_TRY(Notify(tx, now,
                        {MemberId(m), std::nullopt, "batch", "出发安排",
                         FormatRfc3339(in.departs_at).substr(11, 5) + "从" + in.depart_from +
                             "乘" + in.vehicle + "前往" + street->name,
                         "{\"batch_id\":" + std::to_string(id) + "}"}));
    }
    return LoadBatch(tx, BatchId(id));
  });
}

Result<BatchView> Workflow::GetBatch(const Actor& a, BatchId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<BatchView> {
    MUSTER_ASSIGN(BatchView b, LoadBatch(tx, id));
    if (!SeesBatch(a, b)) return NotFound("no batch with id " + std::to_string(id.value));
    return b;
  });
}

Result<std::vector<BatchView>> Workflow::ListBatches(const Actor& a, store::Page page,
                                                     std::optional<StreetId> street) {
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<BatchView>> {
    std::string sql = "SELECT id FROM batches WHERE id > ?";
    std::vector<store::Value> params = {page.after};
    switch (a.role) {
      case Role::kCityAdmin: break;
      case Role::kUnitAdmin: sql += " AND unit_id = ?"; params.push_back(a.scope_id); break;
      case Role::kStreetCoordinator: sql += " AND street_id = ?"; params.push_back(a.scope_id); break;
      default: return std::vector<BatchView>();
    }
    if (street) {
      sql += " AND street_id = ?";
      params.push_back(street->value);
    }
    sql += " ORDER BY id LIMIT ?";
    params.push_back(std::int64_t{page.limit});
    std::vector<std::int64_t> ids;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      ids.push_back(r.Int(0));
      return Ok();
    }));
    std::vector<BatchView> out;
    for (std::int64_t id : ids) {
      MUSTER_ASSIGN(BatchView b, LoadBatch(tx, BatchId(id)));
      out.push_back(std::move(b));
    }
    return out;
  });
}

Result<std::vector<BatchInput>> Workflow::ProposeBatches(const Actor& a,
                                                         const BatchProposalInput& in) {
  if (a.role != Role::kUnitAdmin && a.role != Role::kCityAdmin) {
    return Forbidden("only unit administrators form batches");
  }
  if (in.capacity < 1 || in.capacity > 10000) {
    return Invalid("capacity", "must be between 1 and 10000", "range");
  }
  MUSTER_TRY(CheckText(in.vehicle, "vehicle", 100));
  MUSTER_TRY(CheckText(in.depart_from, "depart_from", 200));
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<BatchInput>> {
    MUSTER_ASSIGN(auto street, store::RegistryRepo(tx).FindStreet(in.street_id));
    if (!street) {
      return Invalid("street_id", "no street with id " + std::to_string(in.street_id.value),
                     "unknown_id");
    }
    // Confirmed members of the caller's unit with a shift in the street that day, not yet in a
    // batch to it, in order of their first shift's start.
    std::string sql =
        "SELECT su.member_id, MIN(sh.starts_at) FROM signups su JOIN shifts sh ON sh.id = "
        "su.shift_id JOIN members m ON m.id = su.member_id WHERE su.status = 'confirmed' AND "
        "sh.street_id = ? AND sh.day = ? AND NOT EXISTS (SELECT 1 FROM batch_members bm JOIN "
        "batches b ON b.id = bm.batch_id WHERE bm.member_id = su.member_id AND b.street_id = "
        "sh.street_id AND b.departs_at >= ? AND b.departs_at < ?)";
    const std::int64_t day_start = UnixSeconds(ShanghaiMidnight(in.date)) - 86400;
    const std::int64_t day_end = UnixSeconds(ShanghaiMidnight(in.date)) + 86400;
    std::vector<store::Value> params = {in.street_id.value, std::int64_t{DayNumber(in.date)},
                                        day_start, day_end};
    if (a.role == Role::kUnitAdmin) {
      sql += " AND m.unit_id = ?";
      params.push_back(a.scope_id);
    }
    sql += " GROUP BY su.member_id ORDER BY 2, 1";
    std::vector<std::pair<std::int64_t, std::int64_t>> members;  // member, first start
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      members.emplace_back(r.Int(0), r.Int(1));
      return Ok();
    }));
    std::vector<BatchInput> out;
    for (std::size_t i = 0; i < members.size(); i += static_cast<std::size_t>(in.capacity)) {
      BatchInput b;
      b.street_id = in.street_id;
      b.departs_at = FromUnixSeconds(members[i].second) - in.lead;
      b.depart_from = in.depart_from;
      b.vehicle = in.vehicle;
      b.capacity = in.capacity;
      for (std::size_t j = i; j < members.size() && j < i + static_cast<std::size_t>(in.capacity);
           ++j) {
        b.member_ids.push_back(MemberId(members[j].first));
      }
      out.push_back(std::move(b));
    }
    return out;
  });
}

// ---- Check-in ----

Result<CheckinCodeView> Workflow::CheckinCode(const Actor& a, SiteId site_id) {
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<CheckinCodeView> {
    store::RegistryRepo repo(tx);
    const Error hidden = NotFound("no site with id " + std::to_string(site_id.value));
    MUSTER_ASSIGN(auto site, repo.FindSite(site_id));
    if (!site) return hidden;
    MUSTER_ASSIGN(auto community, repo.FindCommunity(site->community_id));
    bool allowed = a.role == Role::kCityAdmin ||
                   (a.role == Role::kCommunityCoordinator && community->id.value == a.scope_id) ||
                   (a.role == Role::kStreetCoordinator && community->street_id.value == a.scope_id);
    if (!allowed) return hidden;
    const Timestamp expires = now + options_.checkin_code_lifetime;
    CheckinCodeView v;
    v.token = SignCheckinToken(keys_, site_id, now, expires);
    v.url = options_.public_url + "/checkin?token=" + v.token;
    v.expires_at = expires;
    return v;
  });
}

namespace {

// The check-in's transaction, once the code is verified and the member known.
Result<CheckinResult> CheckInIn(store::Transaction& tx, const Actor& a, const CheckinToken& code,
                                MemberId member_id, Timestamp now) {
  MUSTER_ASSIGN(domain::Member m, workflow::MemberForField(tx, member_id, "member_id"));
  MUSTER_TRY(workflow::ActFor(a, m, "check in"));
  const std::int64_t early = UnixSeconds(now + domain::kCheckinEarly);
  // His confirmed shift at this site, open for check-in now.
  std::optional<std::pair<std::int64_t, std::int64_t>> mine;  // shift, sign-up
  MUSTER_TRY(tx.Query(
      "SELECT sh.id, su.id FROM signups su JOIN shifts sh ON sh.id = su.shift_id WHERE "
      "su.member_id = ? AND su.status = 'confirmed' AND sh.site_id = ? AND sh.starts_at <= ? "
      "AND sh.ends_at > ? ORDER BY sh.starts_at LIMIT 1",
      {m.id.value, code.site.value, early, UnixSeconds(now)}, [&](const store::Row& r) {
        mine = {r.Int(0), r.Int(1)};
        return Ok();
      }));
  std::optional<std::int64_t> shift_id;
  if (mine) {
    shift_id = mine->first;
  } else {
    // No sign-up: record it against the site's shift under way (or about to start), flagged.
    MUSTER_ASSIGN(shift_id, tx.QueryInt("SELECT id FROM shifts WHERE site_id = ? AND starts_at "
                                        "<= ? AND ends_at > ? ORDER BY starts_at, id LIMIT 1",
                                        {code.site.value, early, UnixSeconds(now)}));
    if (!shift_id) {
      return Invalid("token", "no shift at this site is open for check-in now", "no_shift");
    }
  }
  MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, ShiftId(*shift_id), std::nullopt));
  std::optional<CheckinResult> existing;
  MUSTER_TRY(tx.Query("SELECT id, checked_in_at, flagged FROM attendance WHERE shift_id = ? AND "
                      "member_id = ?",
                      {shift->id.value, m.id.value}, [&](const store::Row& r) {
                        existing = CheckinResult{AttendanceId(r.Int(0)), shift->id,
                                                 FromUnixSeconds(r.Int(1)), r.Int(2) != 0, true};
                        return Ok();
                      }));
  if (existing) return *existing;
  std::optional<std::int64_t> signup;
  if (mine) signup = mine->second;
  MUSTER_ASSIGN(std::int64_t id, InsertAttendance(tx, *shift, m, signup, now, std::nullopt,
                                                  "code", a, ""));
  MUSTER_TRY(stats::CountAttendance(tx, AttendanceId(id)));
  if (!signup) MUSTER_TRY(NotifyFlagged(tx, *shift, m, now));
  MUSTER_TRY(PublishEvent(tx, now, "checkin", Payload(*shift)));
  return CheckinResult{AttendanceId(id), shift->id, now, !signup.has_value(), false};
}

}  // namespace

Result<std::pair<CheckinToken, MemberId>> Workflow::CheckCheckin(
    const Actor& a, const std::string& token, std::optional<MemberId> member_id,
    Timestamp now) const {
  MUSTER_ASSIGN(CheckinToken code, VerifyCheckinToken(keys_, token, now));
  if (a.role == Role::kVolunteer) {
    if (member_id && member_id->value != a.scope_id) {
      return Forbidden("a volunteer checks in only himself");
    }
    member_id = MemberId(a.scope_id);
  }
  if (!member_id) return Invalid("member_id", "name the member to check in", "required");
  return std::pair{code, *member_id};
}

Result<CheckinResult> Workflow::CheckIn(const Actor& a, const std::string& token,
                                        std::optional<MemberId> member_id) {
  const Timestamp now = clock_.Now();
  MUSTER_ASSIGN(auto checked, CheckCheckin(a, token, member_id, now));
  return store_.Write([&](store::Transaction& tx) -> Result<CheckinResult> {
    return CheckInIn(tx, a, checked.first, checked.second, now);
  });
}

void Workflow::CheckInAsync(const Actor& a, const std::string& token,
                            std::optional<MemberId> member_id, CheckinDone done) {
  const Timestamp now = clock_.Now();
  auto checked = CheckCheckin(a, token, member_id, now);
  if (!checked.ok()) return done(std::move(checked).error());
  store_.WriteAsync(
      [a, checked = *checked, now](store::Transaction& tx) -> Result<CheckinResult> {
        return CheckInIn(tx, a, checked.first, checked.second, now);
      },
      std::move(done));
}

Result<CheckoutResult> Workflow::CheckOut(const Actor& a, AttendanceId id) {
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<CheckoutResult> {
    const Error hidden = NotFound("no attendance record with id " + std::to_string(id.value));
    std::optional<std::int64_t> shift_id, member_id, in, out;
    MUSTER_TRY(tx.Query("SELECT shift_id, member_id, checked_in_at, checked_out_at FROM attendance "
                        "WHERE id = ?",
                        {id.value}, [&](const store::Row& r) {
                          shift_id = r.Int(0);
                          member_id = r.Int(1);
                          in = r.Int(2);
                          out = r.OptInt(3);
                          return Ok();
                        }));
    if (!shift_id) return hidden;
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, ShiftId(*shift_id), std::nullopt));
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(MemberId(*member_id)));
    if (!workflow::CoordinatesShift(a, *shift) && !workflow::ActFor(a, *member, "check out").ok()) {
      return hidden;
    }
    if (out) return CheckoutResult{id, FromUnixSeconds(*out), HoursBetween(FromUnixSeconds(*in), FromUnixSeconds(*out))};
    Timestamp at = now;
    if (at > shift->ends_at + domain::kCloseGrace) at = shift->ends_at;
    at = std::max(at, FromUnixSeconds(*in));
    MUSTER_TRY(tx.Exec("UPDATE attendance SET checked_out_at = ?, closed_by = 'checkout' WHERE id = ?",
                       {UnixSeconds(at), id.value}));
    MUSTER_TRY(stats::CountAttendance(tx, id));
    MUSTER_TRY(PublishEvent(tx, now, "checkout", Payload(*shift)));
    return CheckoutResult{id, at, HoursBetween(FromUnixSeconds(*in), at)};
  });
}

Result<AttendanceView> Workflow::RecordAttendance(const Actor& a, const AttendanceInput& in) {
  const Timestamp now = clock_.Now();
  if (in.checked_out_at && *in.checked_out_at <= in.checked_in_at) {
    return Invalid("checked_out_at", "must be after checked_in_at", "order");
  }
  if (in.checked_in_at > now) return Invalid("checked_in_at", "must not be in the future", "future");
  if (in.reason.size() > 500) return Invalid("reason", "at most 500 bytes", "too_long");
  return store_.Write([&](store::Transaction& tx) -> Result<AttendanceView> {
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, in.shift_id, std::nullopt));
    if (!shift) {
      return Invalid("shift_id", "no shift with id " + std::to_string(in.shift_id.value),
                     "unknown_id");
    }
    if (!workflow::CoordinatesShift(a, *shift)) {
      return Forbidden("only the coordinators of the shift's site record its attendance");
    }
    if (in.checked_in_at < shift->starts_at - std::chrono::hours(12) ||
        in.checked_in_at >= shift->ends_at) {
      return Invalid("checked_in_at", "must fall before the shift's end and at most 12 hours "
                                      "before its start", "outside_shift");
    }
    MUSTER_ASSIGN(domain::Member m, workflow::MemberForField(tx, in.member_id, "member_id"));
    std::optional<std::int64_t> existing;
    MUSTER_ASSIGN(existing, tx.QueryInt("SELECT id FROM attendance WHERE shift_id = ? AND "
                                        "member_id = ?",
                                        {shift->id.value, m.id.value}));
    const std::string object = "shift/" + std::to_string(shift->id.value) + "/member/" +
                               std::to_string(m.id.value);
    const std::string detail =
        "in " + FormatRfc3339(in.checked_in_at) +
        (in.checked_out_at ? ", out " + FormatRfc3339(*in.checked_out_at) : std::string()) +
        (in.reason.empty() ? std::string() : "; " + in.reason);
    std::int64_t id = 0;
    if (existing) {
      if (in.reason.empty()) {
        return Invalid("reason", "a correction of recorded attendance needs a reason", "required");
      }
      MUSTER_TRY(tx.Exec(
          "UPDATE attendance SET checked_in_at = ?, checked_out_at = ?, closed_by = ?, "
          "recorded_by = ?, reason = ? WHERE id = ?",
          {UnixSeconds(in.checked_in_at),
           in.checked_out_at ? store::Value(UnixSeconds(*in.checked_out_at)) : store::Null(),
           in.checked_out_at ? store::Value(std::string("coordinator")) : store::Null(),
           a.user_id.valid() ? store::Value(a.user_id.value) : store::Null(), in.reason,
           *existing}));
      id = *existing;
      MUSTER_TRY(AppendAudit(tx, a, now, "attendance_corrected", object, detail));
    } else {
      MUSTER_ASSIGN(auto signup, tx.QueryInt("SELECT id FROM signups WHERE shift_id = ? AND "
                                             "member_id = ? AND status = 'confirmed'",
                                             {shift->id.value, m.id.value}));
      MUSTER_ASSIGN(id, InsertAttendance(tx, *shift, m, signup, in.checked_in_at, in.checked_out_at,
                                         "coordinator", a, in.reason));
      MUSTER_TRY(AppendAudit(tx, a, now, "attendance_recorded", object, detail));
    }
    MUSTER_TRY(stats::CountAttendance(tx, AttendanceId(id)));
    MUSTER_TRY(PublishEvent(tx, now, "checkin", Payload(*shift)));
    AttendanceView v;
    MUSTER_TRY(tx.Query("SELECT id, shift_id, member_id, checked_in_at, checked_out_at, flagged, "
                        "source, reason FROM attendance WHERE id = ?",
                        {id}, [&](const store::Row& r) {
                          v.id = AttendanceId(r.Int(0));
                          v.shift_id = ShiftId(r.Int(1));
                          v.member_id = MemberId(r.Int(2));
                          v.checked_in_at = FromUnixSeconds(r.Int(3));
                          if (auto o = r.OptInt(4)) v.checked_out_at = FromUnixSeconds(*o);
                          v.flagged = r.Int(5) != 0;
                          v.source = r.String(6);
                          v.corrected = existing.has_value();
                          return Ok();
                        }));
    return v;
  });
}

// ---- Calendar ----

Result<std::string> Workflow::CalendarLink(const Actor& a, MemberId m) {
  return store_.Read([&](store::Transaction& tx) -> Result<std::string> {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(m));
    if (!member || !workflow::ActFor(a, *member, "read the calendar").ok()) {
      return NotFound("no member with id " + std::to_string(m.value));
    }
    return options_.public_url + "/api/v1/calendar/" + CalendarFeedToken(keys_, m) + ".ics";
  });
}

Result<std::string> Workflow::CalendarFeedFor(std::string_view token) {
  MUSTER_ASSIGN(MemberId m, VerifyCalendarFeedToken(keys_, token));
  const Timestamp now = clock_.Now();
  return store_.Read([&](store::Transaction& tx) -> Result<std::string> {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(m));
    if (!member) return NotFound("no such calendar");
    std::vector<CalendarEntry> entries;
    MUSTER_TRY(tx.Query(
        "SELECT su.id, su.status, sh.task, si.name, c.name, st.name, sh.starts_at, sh.ends_at, "
        "COALESCE(su.cancelled_at, su.confirmed_at, su.created_at) FROM signups su JOIN shifts sh "
        "ON sh.id = su.shift_id JOIN sites si ON si.id = sh.site_id JOIN communities c ON c.id = "
        "sh.community_id JOIN streets st ON st.id = sh.street_id WHERE su.member_id = ? AND "
        "sh.ends_at > ? ORDER BY sh.starts_at, su.id LIMIT 2000",
        {m.value, UnixSeconds(now) - 30 * 86400}, [&](const store::Row& r) {
          CalendarEntry e;
          e.uid = "signup-" + std::to_string(r.Int(0)) + "@muster";
          std::string_view status = r.Text(1);
          e.status = status == "cancelled" ? CalendarStatus::kCancelled
                     : status == "waiting" ? CalendarStatus::kWaiting
                                           : CalendarStatus::kConfirmed;
          e.summary = std::string(status == "waiting" ? "[候补] " : "") + r.String(3) + " · " +
                      r.String(2);
          e.location = r.String(5) + r.String(4) + " " + r.String(3);
          e.description = "Muster";
          e.starts = FromUnixSeconds(r.Int(6));
          e.ends = FromUnixSeconds(r.Int(7));
          e.last_modified = FromUnixSeconds(r.Int(8));
          entries.push_back(std::move(e));
          return Ok();
        }));
    return CalendarFeed(member->name + " · Muster", entries);
  });
}

// ---- The sweep ----

namespace {

constexpr auto kEventLifetime = std::chrono::hours(24);
constexpr std::int64_t kPruneBatch = 10000;

}  // namespace

Result<SweepReport> Workflow::Sweep() {
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<SweepReport> {
    SweepReport report;
    MUSTER_ASSIGN(report.escalated, workflow::EscalateDue(tx, now));

    // Reminders before a shift starts, once per shift.
    std::vector<std::int64_t> soon;
    MUSTER_TRY(tx.Query("SELECT id FROM shifts WHERE reminded = 0 AND closed = 0 AND starts_at > ? "
                        "AND starts_at <= ? ORDER BY id",
                        {UnixSeconds(now), UnixSeconds(now + options_.reminder_lead)},
                        [&](const store::Row& r) {
                          soon.push_back(r.Int(0));
                          return Ok();
                        }));
    for (std::int64_t id : soon) {
      MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, ShiftId(id), std::nullopt));
      std::vector<std::int64_t> members;
      MUSTER_TRY(tx.Query("SELECT member_id FROM signups WHERE shift_id = ? AND status = "
                          "'confirmed' ORDER BY id",
                          {id}, [&](const store::Row& r) {
                            members.push_back(r.Int(0));
                            return Ok();
                          }));
      for (std::int64_t m : members) {
        MUSTER_TRY(Notify(tx, now,
                          {MemberId(m), std::nullopt, "reminder", "班次即将开始",
                           shift->site_name + " " + FormatRfc3339(shift->starts_at).substr(11, 5) +
                               "开始，请提前到达并扫码签到。",
                           Payload(*shift)}));
        ++report.reminded;
      }
      MUSTER_TRY(tx.Exec("UPDATE shifts SET reminded = 1 WHERE id = ?", {id}));
    }

    // Shifts over for good: open turns closed at the shift's end, no-shows recorded.
    std::vector<std::pair<std::int64_t, std::int64_t>> over;  // id, ends_at
    MUSTER_TRY(tx.Query("SELECT id, ends_at FROM shifts WHERE closed = 0 AND ends_at <= ? ORDER BY id",
                        {UnixSeconds(now - domain::kCloseGrace)}, [&](const store::Row& r) {
                          over.emplace_back(r.Int(0), r.Int(1));
                          return Ok();
                        }));
    for (auto [id, ends] : over) {
      MUSTER_ASSIGN(std::int64_t closed,
                    tx.Exec("UPDATE attendance SET checked_out_at = CASE WHEN checked_in_at > ? "
                            "THEN checked_in_at ELSE ? END, closed_by = 'auto' WHERE shift_id = ? "
                            "AND checked_out_at IS NULL",
                            {ends, ends, id}));
      MUSTER_TRY(stats::CountClosedShift(tx, ShiftId(id)));
      report.closed_turns += static_cast<int>(closed);
      MUSTER_ASSIGN(std::int64_t missing,
                    tx.Exec("UPDATE signups SET no_show = 1 WHERE shift_id = ? AND status = "
                            "'confirmed' AND NOT EXISTS (SELECT 1 FROM attendance t WHERE "
                            "t.shift_id = signups.shift_id AND t.member_id = signups.member_id)",
                            {id}));
      report.no_shows += static_cast<int>(missing);
      MUSTER_TRY(tx.Exec("UPDATE shifts SET closed = 1 WHERE id = ?", {id}));
    }
    if (report.closed_turns > 0 || report.no_shows > 0 || report.escalated > 0) {
      MUSTER_TRY(PublishEvent(tx, now, "stats_changed"));
    }

    // Live events older than about a day: live pages need what happens from now on, and the
    // outbox of notifications is kept apart. Ids grow with time, so the cut is below the first
    // row young enough (one index step past the rows it removes). The newest row always stays,
    // so that SQLite never hands out again an id the event tails have passed; at most
    // kPruneBatch rows a sweep keep the transaction short.
    MUSTER_ASSIGN(
        std::int64_t pruned,
        tx.Exec("DELETE FROM events WHERE id < (SELECT MIN(x) FROM (SELECT COALESCE((SELECT "
                "MIN(id) FROM events WHERE created_at >= ?), (SELECT MAX(id) FROM events)) AS x "
                "UNION ALL SELECT (SELECT MIN(id) FROM events) + ? AS x) AS bounds)",
                {UnixSeconds(now - kEventLifetime), kPruneBatch}));
    report.pruned_events = static_cast<int>(pruned);
    return report;
  });
}

}  // namespace muster::app
