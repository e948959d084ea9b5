// Availability, sign-ups with their waiting lists, schedules, rosters and calls.
#include <algorithm>

#include "app/outbox.h"
#include "app/workflow_internal.h"
#include "base/validate.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace {

constexpr std::size_t kMaxWindows = 500;

std::string_view SourceOf(Role r) {
  switch (r) {
    case Role::kVolunteer: return "self";
    case Role::kBranchSecretary: return "secretary";
    case Role::kUnitAdmin: return "unit";
    default: return "city";
  }
}

std::string ShiftPayload(ShiftId shift, RequestId request, StreetId street) {
  return "{\"shift_id\":" + std::to_string(shift.value) +
         ",\"request_id\":" + std::to_string(request.value) +
         ",\"street_id\":" + std::to_string(street.value) + "}";
}

std::string ShiftPayload(const ShiftView& s) { return ShiftPayload(s.id, s.request_id, s.street_id); }

std::string Clock(Timestamp t) { return FormatRfc3339(t).substr(5, 11); }  // "01-12T08:00"

// Confirms the first waiting volunteer of `shift` whose schedule still allows it, and tells him.
Status PromoteWaiting(store::Transaction& tx, const ShiftView& shift, Timestamp now) {
  struct Waiting {
    std::int64_t signup;
    std::int64_t member;
  };
  std::vector<Waiting> queue;
  MUSTER_TRY(tx.Query("SELECT id, member_id FROM signups WHERE shift_id = ? AND status = 'waiting' "
                      "ORDER BY created_at, id",
                      {shift.id.value}, [&](const store::Row& r) {
                        queue.push_back({r.Int(0), r.Int(1)});
                        return Ok();
                      }));
  for (const Waiting& w : queue) {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(MemberId(w.member)));
    if (!member) continue;
    MUSTER_ASSIGN(auto av, workflow::LoadAvailability(tx, member->id));
    domain::VolunteerFacts facts;
    facts.birth_date = member->birth_date;
    facts.skills = member->skills;
    facts.high_risk_ok = true;  // consent was checked when he joined the waiting list
    facts.max_hours_per_day = av ? av->max_hours_per_day : domain::kDefaultMaxHoursPerDay;
    domain::Interval window{shift.starts_at, shift.ends_at};
    MUSTER_ASSIGN(facts.commitments, workflow::Commitments(tx, member->id, window, shift.id));
    domain::ShiftFacts sf{window, shift.high_risk, shift.skills, shift.min_age, shift.max_age};
    if (!domain::CheckSignupRules(sf, facts, now).ok()) continue;  // stays waiting
    MUSTER_ASSIGN(std::int64_t took,
                  tx.Exec("UPDATE shifts SET confirmed = confirmed + 1, waiting = waiting - 1, "
                          "filled_at = CASE WHEN confirmed + 1 >= headcount THEN ? ELSE filled_at "
                          "END WHERE id = ? AND confirmed < headcount",
                          {UnixSeconds(now), shift.id.value}));
    if (took == 0) return Ok();
    MUSTER_TRY(tx.Exec("UPDATE signups SET status = 'confirmed', confirmed_at = ? WHERE id = ?",
                       {UnixSeconds(now), w.signup}));
    return Notify(tx, now,
                  {member->id, std::nullopt, "promoted", "候补转正",
                   "您已从候补转为正式：" + shift.site_name + " " + Clock(shift.starts_at) + "—" +
                       Clock(shift.ends_at),
                   "{\"signup_id\":" + std::to_string(w.signup) +
                       ",\"shift_id\":" + std::to_string(shift.id.value) + "}"});
  }
  return Ok();
}

}  // namespace

namespace workflow {

Result<SignupRef> TakePlace(store::Transaction& tx, const PlaceFacts& f,
                            const PlaceOptions& options, Timestamp now) {
  if (f.already) return Conflict("the member is already signed up for this shift", "member_id");
  domain::VolunteerFacts facts;
  facts.birth_date = f.birth_date;
  facts.skills = f.member_skills;
  facts.high_risk_ok = f.declared_consent || options.consent;
  facts.max_hours_per_day = f.max_hours_per_day;
  MUSTER_ASSIGN(facts.commitments, Commitments(tx, f.member, f.window, f.shift));
  domain::ShiftFacts sf{f.window, f.high_risk, f.shift_skills, f.min_age, f.max_age};
  MUSTER_TRY(domain::CheckSignupRules(sf, facts, now));

  // The capacity guard: one conditional update, so concurrent sign-ups never overbook.
  MUSTER_ASSIGN(std::int64_t took,
                tx.Exec("UPDATE shifts SET confirmed = confirmed + 1, filled_at = CASE WHEN "
                        "confirmed + 1 >= headcount THEN ? ELSE filled_at END WHERE id = ? AND "
                        "confirmed < headcount",
                        {UnixSeconds(now), f.shift.value}));
  SignupStatus status = SignupStatus::kConfirmed;
  if (took == 0) {
    if (!options.waitlist) {
      return Error{ErrorCode::kShiftFull,
                   "the shift is full (" + std::to_string(f.headcount) + " of " +
                       std::to_string(f.headcount) +
                       " places taken); ask for the waiting list with waitlist: true",
                   "shift_id", "full"};
    }
    MUSTER_TRY(tx.Exec("UPDATE shifts SET waiting = waiting + 1 WHERE id = ?", {f.shift.value}));
    status = SignupStatus::kWaiting;
  }
  MUSTER_ASSIGN(
      std::int64_t id,
      tx.InsertReturningId(
          "INSERT INTO signups (shift_id, member_id, status, source, branch_id, created_by, "
          "created_at, confirmed_at, starts_at, ends_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?) RETURNING id",
          {f.shift.value, f.member.value, std::string(Name(status)), std::string(options.source),
           f.branch ? store::Value(f.branch->value) : store::Null(),
           options.created_by ? store::Value(options.created_by->value) : store::Null(),
           UnixSeconds(now),
           status == SignupStatus::kConfirmed ? store::Value(UnixSeconds(now)) : store::Null(),
           UnixSeconds(f.window.starts), UnixSeconds(f.window.ends),
           std::int64_t{DayNumber(ShanghaiDate(f.window.starts))}}));
  return SignupRef{SignupId(id), status};
}

}  // namespace workflow

Status Workflow::SetAvailability(const Actor& a, MemberId m, const Availability& av) {
  if (av.windows.size() > kMaxWindows) return Invalid("windows", "at most 500 windows", "too_many");
  for (std::size_t i = 0; i < av.windows.size(); ++i) {
    if (av.windows[i].ends <= av.windows[i].starts) {
      return Invalid("windows[" + std::to_string(i) + "]", "the end must be after the start",
                     "order");
    }
  }
  if (av.max_hours_per_day < 1 || av.max_hours_per_day > 24) {
    return Invalid("max_hours_per_day", "must be between 1 and 24", "range");
  }
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Status {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(m));
    if (!member) return NotFound("no member with id " + std::to_string(m.value));
    Status may = workflow::ActFor(a, *member, "declare availability");
    if (!may.ok()) {
      if (a.role == Role::kVolunteer) return NotFound("no member with id " + std::to_string(m.value));
      return may;
    }
    std::string windows;
    for (const domain::Interval& w : av.windows) {
      if (!windows.empty()) windows += ';';
      windows += std::to_string(UnixSeconds(w.starts)) + "-" + std::to_string(UnixSeconds(w.ends));
    }
    MUSTER_TRY(tx.Exec(
        "INSERT INTO availability (member_id, windows, max_hours_per_day, high_risk_ok, "
        "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET windows = "
        "excluded.windows, max_hours_per_day = excluded.max_hours_per_day, high_risk_ok = "
        "excluded.high_risk_ok, updated_at = excluded.updated_at",
        {m.value, windows, std::int64_t{av.max_hours_per_day}, std::int64_t{av.high_risk_ok},
         UnixSeconds(now)}));
    return Ok();
  });
}

Result<Availability> Workflow::GetAvailability(const Actor& a, MemberId m) {
  return store_.Read([&](store::Transaction& tx) -> Result<Availability> {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(m));
    if (!member || !workflow::ActFor(a, *member, "read availability").ok()) {
      return NotFound("no member with id " + std::to_string(m.value));
    }
    MUSTER_ASSIGN(auto av, workflow::LoadAvailability(tx, m));
    return av.value_or(Availability{});
  });
}

namespace {

// The sign-up's transaction: the idempotency key, every rule, the place, the live event.
Result<SignupResult> SignUpIn(store::Transaction& tx, const Actor& a, const SignupInput& in,
                              Timestamp now) {
  const std::int64_t user = a.user_id.value;
  if (!in.idempotency_key.empty()) {
    std::optional<SignupResult> earlier;
    bool other_request = false;
    MUSTER_TRY(tx.Query(
        "SELECT request_hash, body FROM idempotency_keys WHERE user_id = ? AND idem_key = ?",
        {user, in.idempotency_key}, [&](const store::Row& r) {
          if (r.Text(0) != in.fingerprint) {
            other_request = true;
            return Ok();
          }
          // body: "<signup id> <shift id> <member id> <status>"
          std::int64_t id = 0, shift = 0, member = 0;
          char status[16] = {0};
          std::string body = r.String(1);
          if (std::sscanf(body.c_str(), "%ld %ld %ld %15s", &id, &shift, &member, status) == 4) {
            earlier = SignupResult{SignupId(id), ShiftId(shift), MemberId(member),
                                   std::string_view(status) == "waiting" ? SignupStatus::kWaiting
                                                                         : SignupStatus::kConfirmed,
                                   true};
          }
          return Ok();
        }));
    if (other_request) {
      return Conflict("this Idempotency-Key was used for another request", "Idempotency-Key");
    }
    if (earlier) return *earlier;
  }

  MUSTER_ASSIGN(auto facts, workflow::LoadPlaceFacts(tx, in.member_id, in.shift_id));
  if (!facts) {
    // Which of the two is missing, and whether the actor may know of the member.
    MUSTER_ASSIGN(domain::Member member, workflow::MemberForField(tx, in.member_id, "member_id"));
    MUSTER_TRY(workflow::ActFor(a, member, "sign up"));
    return NotFound("no shift with id " + std::to_string(in.shift_id.value));
  }
  MUSTER_TRY(workflow::ActFor(a, facts->member, facts->unit, facts->branch, "sign up"));
  if (!facts->open) {
    MUSTER_ASSIGN(auto request, workflow::LoadRequest(tx, facts->request));
    if (!workflow::SeeRequest(tx, a, *request).ok()) {
      return NotFound("no shift with id " + std::to_string(in.shift_id.value));
    }
    return Invalid("member_id",
                   "the shift is open only to the paired unit and departments until it escalates",
                   "not_routed");
  }
  const bool consent = a.role == Role::kVolunteer && in.high_risk_ok.value_or(false);
  std::optional<UserId> created_by;
  if (a.user_id.valid()) created_by = a.user_id;
  MUSTER_ASSIGN(SignupRef place,
                workflow::TakePlace(tx, *facts,
                                    {consent, in.waitlist, SourceOf(a.role), created_by}, now));
  SignupResult result{place.id, facts->shift, facts->member, place.status, false};
  if (!in.idempotency_key.empty()) {
    MUSTER_TRY(tx.Exec(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, body, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {user, in.idempotency_key, in.fingerprint, std::int64_t{201},
         std::to_string(place.id.value) + " " + std::to_string(facts->shift.value) + " " +
             std::to_string(facts->member.value) + " " + std::string(Name(place.status)),
         UnixSeconds(now)}));
  }
  MUSTER_TRY(PublishEvent(tx, now, "signup",
                          ShiftPayload(facts->shift, facts->request, facts->street)));
  return result;
}

}  // namespace

Status Workflow::CheckSignup(const SignupInput& in) {
  if (in.idempotency_key.size() > 200) {
    return Invalid("Idempotency-Key", "at most 200 characters", "too_long");
  }
  return Ok();
}

Result<SignupResult> Workflow::SignUp(const Actor& a, const SignupInput& in) {
  MUSTER_TRY(CheckSignup(in));
  const Timestamp now = clock_.Now();
  return store_.Write(
      [&](store::Transaction& tx) -> Result<SignupResult> { return SignUpIn(tx, a, in, now); });
}

void Workflow::SignUpAsync(const Actor& a, SignupInput in, SignupDone done) {
  if (Status s = CheckSignup(in); !s.ok()) return done(std::move(s).error());
  const Timestamp now = clock_.Now();
  store_.WriteAsync(
      [a, in = std::move(in), now](store::Transaction& tx) -> Result<SignupResult> {
        return SignUpIn(tx, a, in, now);
      },
      std::move(done));
}

Result<SignupResult> Workflow::Cancel(const Actor& a, SignupId id) {
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<SignupResult> {
    std::optional<std::pair<std::int64_t, std::int64_t>> found;  // shift, member
    std::string status;
    MUSTER_TRY(tx.Query("SELECT shift_id, member_id, status FROM signups WHERE id = ?", {id.value},
                        [&](const store::Row& r) {
                          found = {r.Int(0), r.Int(1)};
                          status = r.String(2);
                          return Ok();
                        }));
    const Error hidden = NotFound("no sign-up with id " + std::to_string(id.value));
    if (!found) return hidden;
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(MemberId(found->second)));
    if (!member) return hidden;
    Status may = workflow::ActFor(a, *member, "cancel a sign-up");
    if (!may.ok()) {
      if (a.role == Role::kVolunteer || a.role == Role::kStreetCoordinator ||
          a.role == Role::kCommunityCoordinator) {
        return hidden;
      }
      return std::move(may).error();
    }
    SignupResult result{id, ShiftId(found->first), member->id, SignupStatus::kCancelled, false};
    if (status == "cancelled") {
      result.replayed = true;
      return result;
    }
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, ShiftId(found->first), std::nullopt));
    if (now >= shift->ends_at) return Conflict("the shift has ended", "id");
    MUSTER_TRY(tx.Exec("UPDATE signups SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
                       {UnixSeconds(now), id.value}));
    if (status == "confirmed") {
      MUSTER_TRY(tx.Exec("UPDATE shifts SET confirmed = confirmed - 1 WHERE id = ?",
                         {shift->id.value}));
      MUSTER_TRY(PromoteWaiting(tx, *shift, now));
    } else {
      MUSTER_TRY(tx.Exec("UPDATE shifts SET waiting = waiting - 1 WHERE id = ?", {shift->id.value}));
    }
    MUSTER_TRY(PublishEvent(tx, now, "signup_cancelled", ShiftPayload(*shift)));
    return result;
  });
}

Result<std::vector<ShiftView>> Workflow::MySchedule(const Actor& a, MemberId m,
                                                    std::optional<Date> from,
                                                    std::optional<Date> to) {
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<ShiftView>> {
    MUSTER_ASSIGN(auto member, store::RegistryRepo(tx).FindMember(m));
    if (!member || !workflow::ActFor(a, *member, "read the schedule").ok()) {
      return NotFound("no member with id " + std::to_string(m.value));
    }
    std::string sql = workflow::ShiftSelect() + "WHERE su.id IS NOT NULL";
    std::vector<store::Value> params = {m.value};
    if (from) {
      sql += " AND sh.day >= ?";
      params.push_back(std::int64_t{DayNumber(*from)});
    }
    if (to) {
      sql += " AND sh.day <= ?";
      params.push_back(std::int64_t{DayNumber(*to)});
    }
    sql += " ORDER BY sh.starts_at, sh.id LIMIT 1000";
    std::vector<ShiftView> out;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      out.push_back(workflow::ReadShiftRow(r));
      return Ok();
    }));
    return out;
  });
}

Result<std::vector<RosterEntry>> Workflow::Roster(const Actor& a, ShiftId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<RosterEntry>> {
    const Error hidden = NotFound("no shift with id " + std::to_string(id.value));
    MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx, id, std::nullopt));
    if (!shift) return hidden;
    // Coordinators of the site and the city see everyone; a unit or branch sees its own people.
    std::string filter;
    if (!workflow::CoordinatesShift(a, *shift)) {
      if (a.role == Role::kUnitAdmin) {
        filter = " AND m.unit_id = ?";
      } else if (a.role == Role::kBranchSecretary) {
        filter = " AND m.branch_id = ?";
      } else {
        return hidden;
      }
      MUSTER_ASSIGN(auto request, workflow::LoadRequest(tx, shift->request_id));
      if (!workflow::SeeRequest(tx, a, *request).ok()) return hidden;
    }
    std::vector<RosterEntry> out;
    // Sign-ups with their attendance, then check-ins without a sign-up (flagged).
    const std::string sql =
        "SELECT s.id, m.id, m.name, m.phone, m.branch_id, m.party_member, s.status, s.no_show, "
        "t.id, t.checked_in_at, t.checked_out_at FROM signups s JOIN members m ON m.id = "
        "s.member_id LEFT JOIN attendance t ON t.shift_id = s.shift_id AND t.member_id = "
        "s.member_id WHERE s.shift_id = ? AND s.status <> 'cancelled'" +
        filter +
        " UNION ALL SELECT 0, m.id, m.name, m.phone, m.branch_id, m.party_member, 'flagged', 0, "
        "t.id, t.checked_in_at, t.checked_out_at FROM attendance t JOIN members m ON m.id = "
        "t.member_id WHERE t.shift_id = ? AND t.signup_id IS NULL" + filter;
    std::vector<store::Value> bound = {id.value};
    if (!filter.empty()) bound.push_back(a.scope_id);
    bound.push_back(id.value);
    if (!filter.empty()) bound.push_back(a.scope_id);
    MUSTER_TRY(tx.QueryV(sql, bound, [&](const store::Row& r) {
      RosterEntry e;
      e.signup_id = SignupId(r.Int(0));
      e.member_id = MemberId(r.Int(1));
      e.name = r.String(2);
      e.phone_masked = MaskMobile(r.Text(3));
      if (auto b = r.OptInt(4)) e.branch_id = BranchId(*b);
      e.party_member = r.Int(5) != 0;
      std::string_view st = r.Text(6);
      e.flagged = st == "flagged";
      e.status = st == "waiting" ? SignupStatus::kWaiting : SignupStatus::kConfirmed;
      e.no_show = r.Int(7) != 0;
      if (auto t = r.OptInt(8)) e.attendance_id = AttendanceId(*t);
      if (auto t = r.OptInt(9)) e.checked_in_at = FromUnixSeconds(*t);
      if (auto t = r.OptInt(10)) e.checked_out_at = FromUnixSeconds(*t);
      out.push_back(std::move(e));
      return Ok();
    }));
    return out;
  });
}

// ---- Calls ----

namespace {

Result<CallView> LoadCall(store::Transaction& tx, CallId id) {
  std::optional<CallView> call;
  MUSTER_TRY(tx.Query("SELECT id, request_id, unit_id, message, sent_at, recipients FROM calls "
                      "WHERE id = ?",
                      {id.value}, [&](const store::Row& r) {
                        CallView c;
                        c.id = CallId(r.Int(0));
                        c.request_id = RequestId(r.Int(1));
                        c.unit_id = UnitId(r.Int(2));
                        c.message = r.String(3);
                        c.sent_at = FromUnixSeconds(r.Int(4));
                        c.recipients = static_cast<int>(r.Int(5));
                        call = std::move(c);
                        return Ok();
                      }));
  if (!call) return NotFound("no call with id " + std::to_string(id.value));
  MUSTER_TRY(tx.Query(
      "SELECT b.id, b.name, (SELECT COUNT(*) FROM members m WHERE m.branch_id = b.id), "
      "(SELECT COUNT(*) FROM signups s JOIN shifts sh ON sh.id = s.shift_id WHERE "
      "sh.request_id = ? AND s.branch_id = b.id AND s.status <> 'cancelled') "
      "FROM call_branches cb JOIN branches b ON b.id = cb.branch_id WHERE cb.call_id = ? "
      "ORDER BY b.id",
      {call->request_id.value, id.value}, [&](const store::Row& r) {
        call->by_branch.push_back({BranchId(r.Int(0)), r.String(1), static_cast<int>(r.Int(2)),
                                   static_cast<int>(r.Int(3))});
        return Ok();
      }));
  return *call;
}

}  // namespace

Result<CallView> Workflow::SendCall(const Actor& a, const CallInput& in) {
  if (a.role != Role::kUnitAdmin && a.role != Role::kCityAdmin) {
    return Forbidden("only unit administrators send calls");
  }
  if (in.message.size() > 1000) return Invalid("message", "at most 1000 bytes", "too_long");
  if (a.role == Role::kCityAdmin && (!in.branch_ids || in.branch_ids->empty())) {
    return Invalid("branch_ids", "name the branches to call", "required");
  }
  if (in.branch_ids && in.branch_ids->size() > 1000) {
    return Invalid("branch_ids", "at most 1000 branches", "too_many");
  }
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<CallView> {
    store::RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto request, workflow::LoadRequest(tx, in.request_id));
    if (!request) {
      return Invalid("request_id", "no request with id " + std::to_string(in.request_id.value),
                     "unknown_id");
    }
    if (!workflow::SeeRequest(tx, a, *request).ok()) {
      return Forbidden("the request is not routed to your unit");
    }
    std::vector<BranchId> branches;
    std::optional<UnitId> unit;
    if (a.role == Role::kUnitAdmin) unit = UnitId(a.scope_id);
    if (in.branch_ids) {
      for (std::size_t i = 0; i < in.branch_ids->size(); ++i) {
        const std::string field = "branch_ids[" + std::to_string(i) + "]";
        BranchId b = (*in.branch_ids)[i];
        MUSTER_ASSIGN(auto branch, repo.FindBranch(b));
        if (!branch) {
          return Invalid(field, "no branch with id " + std::to_string(b.value), "unknown_id");
        }
        if (!unit) unit = branch->unit_id;
        if (branch->unit_id != *unit) {
          if (a.role == Role::kUnitAdmin) return Forbidden("the branch is outside your unit");
          return Invalid(field, "all branches of a call belong to one unit", "other_unit");
        }
        if (std::find(branches.begin(), branches.end(), b) == branches.end()) branches.push_back(b);
      }
    } else {
      MUSTER_TRY(tx.Query("SELECT id FROM branches WHERE unit_id = ? ORDER BY id", {unit->value},
                          [&](const store::Row& r) {
                            branches.push_back(BranchId(r.Int(0)));
                            return Ok();
                          }));
      if (branches.empty()) return Invalid("branch_ids", "your unit has no branches", "empty");
    }
    std::vector<std::int64_t> members;
    for (BranchId b : branches) {
      MUSTER_TRY(tx.Query("SELECT id FROM members WHERE branch_id = ? ORDER BY id", {b.value},
                          [&](const store::Row& r) {
                            members.push_back(r.Int(0));
                            return Ok();
                          }));
    }
    MUSTER_ASSIGN(std::int64_t call_id,
                  tx.InsertReturningId(
                      "INSERT INTO calls (request_id, unit_id, message, sent_by, sent_at, "
                      "recipients) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                      {request->id.value, unit->value, in.message,
                       a.user_id.valid() ? store::Value(a.user_id.value) : store::Null(),
                       UnixSeconds(now), static_cast<std::int64_t>(members.size())}));
    for (BranchId b : branches) {
      MUSTER_TRY(tx.Exec("INSERT INTO call_branches (call_id, branch_id) VALUES (?, ?)",
                         {call_id, b.value}));
    }
    const std::string payload = "{\"call_id\":" + std::to_string(call_id) +
                                ",\"request_id\":" + std::to_string(request->id.value) + "}";
    const std::string body = request->street_name + "需要支援" +
                             (in.message.empty() ? std::string() : "：" + in.message);
    for (std::int64_t m : members) {
      MUSTER_TRY(Notify(tx, now, {MemberId(m), std::nullopt, "call", "召集令", body, payload}));
    }
    MUSTER_TRY(PublishEvent(tx, now, "call_sent", payload));
    return LoadCall(tx, CallId(call_id));
  });
}

Result<CallView> Workflow::GetCall(const Actor& a, CallId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<CallView> {
    MUSTER_ASSIGN(CallView call, LoadCall(tx, id));
    bool visible = a.role == Role::kCityAdmin ||
                   (a.role == Role::kUnitAdmin && call.unit_id.value == a.scope_id);
    if (a.role == Role::kBranchSecretary) {
      for (const BranchSignups& b : call.by_branch) visible |= b.branch_id.value == a.scope_id;
    }
    if (!visible) return NotFound("no call with id " + std::to_string(id.value));
    return call;
  });
}

}  // namespace muster::app
