#pragma once

// Internal to app/workflow*.cpp: the loading of facts and the scope decisions the workflow's use
// cases share.

#include <optional>
#include <string>
#include <vector>

#include "app/access.h"
#include "app/workflow.h"
#include "domain/registry.h"
#include "domain/workflow.h"
#include "store/transaction.h"

namespace muster::app::workflow {

// The request row and its routing, as stored.
struct RequestRow {
  RequestId id;
  StreetId street_id;
  std::string street_name;
  std::string note;
  bool urgent = false;
  std::optional<UserId> posted_by;
  Timestamp posted_at;
  Timestamp escalates_at;
  std::optional<Timestamp> escalated_at;
  std::string escalation_reason;
  std::optional<Timestamp> closed_at;
  std::optional<UnitId> routed_unit;
  std::vector<DepartmentId> routed_departments;
};

// The SELECT of a shift view, ending in "... AND su.member_id = ? ... " (the viewer, 0 for none)
// and ready for a WHERE clause; ReadShiftRow reads one of its rows.
std::string ShiftSelect();
ShiftView ReadShiftRow(const store::Row& r);
// The skills of a shift as stored: comma-separated, empty parts skipped.
std::vector<std::string> SplitSkills(std::string_view text);

Result<std::optional<RequestRow>> LoadRequest(store::Transaction& tx, RequestId id);
// The shifts of `request`, in start order; `viewer` (a member) fills my_signup.
Result<std::vector<ShiftView>> LoadShifts(store::Transaction& tx, RequestId request,
                                          std::optional<MemberId> viewer);
Result<std::optional<ShiftView>> LoadShift(store::Transaction& tx, ShiftId id,
                                           std::optional<MemberId> viewer);
Result<RequestView> AssembleRequest(store::Transaction& tx, const RequestRow& row, Timestamp now,
                                    std::optional<MemberId> viewer);

// The unit an actor belongs to: a unit administrator's unit, a branch secretary's branch's
// unit, a volunteer's member's unit.
Result<std::optional<UnitId>> UnitOf(store::Transaction& tx, const Actor& a);

// The SQL condition (over `requests r`) and its parameters that keep requests in the actor's
// scope: the coordinator's street or community, the unit's routed or escalated requests, the
// volunteer's routed or escalated requests.
struct Condition {
  std::string sql;
  std::vector<store::Value> params;
};
Result<Condition> RequestScope(store::Transaction& tx, const Actor& a);

// Whether the actor may see the request (not_found when not).
Status SeeRequest(store::Transaction& tx, const Actor& a, const RequestRow& r);
// Whether the actor coordinates the request's area (escalation, rosters, attendance).
Result<bool> CoordinatesRequest(store::Transaction& tx, const Actor& a, const RequestRow& r);
// Whether the actor coordinates the shift's site.
bool CoordinatesShift(const Actor& a, const ShiftView& s);

// Whether the actor may act for `member` (sign up, cancel, check in, availability): himself, his
// branch's secretary, his unit's administrator, the city. Forbidden otherwise.
Status ActFor(const Actor& a, const domain::Member& member, std::string_view what);

// The member of `id`, or validation_failed naming `field`.
Result<domain::Member> MemberForField(store::Transaction& tx, MemberId id, std::string_view field);

// The accounts of given role and scopes: notification recipients.
Result<std::vector<UserId>> UsersWithRole(store::Transaction& tx, Role role,
                                          const std::vector<std::int64_t>& scopes);

// JSON string escaping for outbox payloads built by hand.
std::string JsonString(std::string_view s);

// The member's confirmed commitments (other shifts) touching the days of `window`.
Result<std::vector<domain::Interval>> Commitments(store::Transaction& tx, MemberId member,
                                                  const domain::Interval& window,
                                                  std::optional<ShiftId> except);

// The declared availability of a member, if any.
Result<std::optional<Availability>> LoadAvailability(store::Transaction& tx, MemberId member);

// What the rules of a place need to know of one member and one shift.
struct PlaceFacts {
  MemberId member;
  UnitId unit;
  std::optional<DepartmentId> department;
  std::optional<BranchId> branch;
  std::optional<Date> birth_date;
  std::vector<std::string> member_skills;  // sorted
  bool declared_consent = false;           // availability.high_risk_ok
  int max_hours_per_day = domain::kDefaultMaxHoursPerDay;
  ShiftId shift;
  RequestId request;
  StreetId street;
  domain::Interval window;
  int headcount = 0;
  std::vector<std::string> shift_skills;
  bool high_risk = false;
  std::optional<int> min_age;
  std::optional<int> max_age;
  bool open = false;     // routed to the member's unit or department, or escalated
  bool already = false;  // the member holds an active (confirmed or waiting) sign-up for it
};

// The facts of `member` and `shift` in one statement, or nothing when either does not exist.
// This is the sign-up's only read before its commitments: the part of a sign-up that holds the
// database's single writer stays short.
Result<std::optional<PlaceFacts>> LoadPlaceFacts(store::Transaction& tx, MemberId member,
                                                 ShiftId shift);

// ActFor on the fields of a member that decide it.
Status ActFor(const Actor& a, MemberId member, UnitId unit, std::optional<BranchId> branch,
              std::string_view what);

// How a place is taken, beyond the member and the shift.
struct PlaceOptions {
  bool consent = false;     // high-risk consent given with this sign-up (volunteers for themselves)
  bool waitlist = false;    // join the waiting list when the shift is full
  std::string_view source;  // signups.source: self, secretary, unit, city, dispatch
  std::optional<UserId> created_by;
};

// Takes a place on the shift of `facts` (read by LoadPlaceFacts) for its member, routing aside
// (the caller checks `open`): refuses a second active sign-up (conflict), checks
// domain::CheckSignupRules with the member's declared availability and confirmed commitments,
// takes a confirmed place through the capacity guard (or, with `waitlist`, a waiting one;
// shift_full otherwise), and writes the sign-up. On an error nothing was written.
Result<SignupRef> TakePlace(store::Transaction& tx, const PlaceFacts& facts,
                            const PlaceOptions& options, Timestamp now);

}  // namespace muster::app::workflow
