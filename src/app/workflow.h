#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/access.h"
#include "app/checkin_code.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/keyring.h"
#include "domain/workflow.h"
#include "store/registry_repo.h"
#include "store/store.h"

namespace muster::app {

// ---- Requests and shifts ----

struct ShiftInput {
  SiteId site_id;
  domain::ShiftTask task = domain::ShiftTask::kOther;
  Timestamp starts_at;
  Timestamp ends_at;
  int headcount = 1;
  std::vector<std::string> skills;
  int priority = 0;  // higher first
  std::optional<int> min_age;
  std::optional<int> max_age;
};

struct RequestInput {
  std::string note;
  bool urgent = false;
  std::vector<ShiftInput> shifts;
};

enum class SignupStatus { kConfirmed, kWaiting, kCancelled };
std::string_view Name(SignupStatus s);

struct SignupRef {
  SignupId id;
  SignupStatus status = SignupStatus::kConfirmed;
};

struct ShiftView {
  ShiftId id;
  RequestId request_id;
  SiteId site_id;
  std::string site_name;
  CommunityId community_id;
  std::string community_name;
  StreetId street_id;
  std::string street_name;
  domain::ShiftTask task = domain::ShiftTask::kOther;
  Timestamp starts_at;
  Timestamp ends_at;
  int headcount = 0;
  int confirmed = 0;
  int waiting = 0;
  std::vector<std::string> skills;
  int priority = 0;
  bool high_risk = false;
  std::optional<int> min_age;
  std::optional<int> max_age;
  bool escalated = false;              // open to every unit
  std::optional<SignupRef> my_signup;  // the calling volunteer's place, if any
};

// open: places left; filled: every shift at headcount; closed: every shift over (or closed).
enum class RequestStatus { kOpen, kFilled, kClosed };
std::string_view Name(RequestStatus s);
Result<RequestStatus> ParseRequestStatus(std::string_view s, std::string_view field = "status");

struct RequestView {
  RequestId id;
  StreetId street_id;
  std::string street_name;
  std::string note;
  bool urgent = false;
  RequestStatus status = RequestStatus::kOpen;
  Timestamp posted_at;
  Timestamp escalates_at;
  std::optional<Timestamp> escalated_at;
  std::string escalation_reason;
  std::optional<UnitId> routed_unit;             // the street's paired unit when posted
  std::vector<DepartmentId> routed_departments;  // the communities' paired departments
  std::vector<ShiftView> shifts;
};

struct RequestFilter {
  std::optional<RequestStatus> status;
  std::optional<StreetId> street;
  std::optional<CommunityId> community;
};

struct ShiftFilter {
  bool open_to_me = false;  // volunteers: shifts routed or escalated to them, not ended
  std::optional<Date> from;
  std::optional<Date> to;
  std::optional<RequestId> request;
};

// ---- Calls ----

struct CallInput {
  RequestId request_id;
  std::optional<std::vector<BranchId>> branch_ids;  // none: every branch of the caller's unit
  std::string message;
};

struct BranchSignups {
  BranchId branch_id;
  std::string branch_name;
  int recipients = 0;
  int signed_up = 0;
};

struct CallView {
  CallId id;
  RequestId request_id;
  UnitId unit_id;
  std::string message;
  Timestamp sent_at;
  int recipients = 0;
  std::vector<BranchSignups> by_branch;
};

// ---- Availability and sign-ups ----

struct Availability {
  std::vector<domain::Interval> windows;
  int max_hours_per_day = domain::kDefaultMaxHoursPerDay;
  bool high_risk_ok = false;
};

struct SignupInput {
  ShiftId shift_id;
  MemberId member_id;
  bool waitlist = false;              // join the waiting list when the shift is full
  std::optional<bool> high_risk_ok;   // consent given with this sign-up
  std::string idempotency_key;        // empty: none
  std::string fingerprint;            // what the key promises: the request's method, path, body
};

struct SignupResult {
  SignupId id;
  ShiftId shift_id;
  MemberId member_id;
  SignupStatus status = SignupStatus::kConfirmed;
  bool replayed = false;  // answered from the idempotency key
};

struct RosterEntry {
  SignupId signup_id;
  MemberId member_id;
  std::string name;
  std::string phone_masked;
  std::optional<BranchId> branch_id;
  bool party_member = false;
  SignupStatus status = SignupStatus::kConfirmed;
  bool flagged = false;  // checked in without a sign-up (signup_id is then 0)
  bool no_show = false;
  std::optional<AttendanceId> attendance_id;
  std::optional<Timestamp> checked_in_at;
  std::optional<Timestamp> checked_out_at;
};

// ---- Batches ----

struct BatchInput {
  StreetId street_id;
  Timestamp departs_at;
  std::string depart_from;
  std::string vehicle;
  int capacity = 0;
  std::vector<MemberId> member_ids;
};

struct BatchMember {
  MemberId member_id;
  std::string name;
  std::string phone_masked;
  std::optional<BranchId> branch_id;
  std::optional<ShiftId> shift_id;  // the confirmed shift in the street that day
  std::string site_name;
  std::optional<Timestamp> starts_at;
};

struct BatchView {
  BatchId id;
  StreetId street_id;
  std::string street_name;
  std::optional<UnitId> unit_id;
  Timestamp departs_at;
  std::string depart_from;
  std::string vehicle;
  int capacity = 0;
  std::vector<BatchMember> members;
};

struct BatchProposalInput {
  StreetId street_id;
  Date date;
  int capacity = 0;
  std::string vehicle;
  std::string depart_from;
  std::chrono::minutes lead{60};  // departure before the earliest shift of the batch
};

// ---- Check-in and attendance ----

struct CheckinCodeView {
  std::string token;
  std::string url;  // the web page a phone opens: <base>/checkin?token=...
  Timestamp expires_at;
};

struct CheckinResult {
  AttendanceId attendance_id;
  ShiftId shift_id;
  Timestamp checked_in_at;
  bool flagged = false;   // no confirmed sign-up: recorded for the coordinator to review
  bool repeated = false;  // the member was already checked in
};

struct CheckoutResult {
  AttendanceId attendance_id;
  Timestamp checked_out_at;
  double hours = 0;
};

struct AttendanceInput {
  ShiftId shift_id;
  MemberId member_id;
  Timestamp checked_in_at;
  std::optional<Timestamp> checked_out_at;
  std::string reason;  // needed to correct an existing record
};

struct AttendanceView {
  AttendanceId id;
  ShiftId shift_id;
  MemberId member_id;
  Timestamp checked_in_at;
  std::optional<Timestamp> checked_out_at;
  bool flagged = false;
  std::string source;
  bool corrected = false;
};

// What one pass of the clock-driven work did.
struct SweepReport {
  int escalated = 0;
  int reminded = 0;
  int closed_turns = 0;
  int no_shows = 0;
  int pruned_events = 0;  // live events older than a day removed (see Sweep)
};

struct WorkflowOptions {
  std::chrono::seconds checkin_code_lifetime{10 * 60};
  std::chrono::minutes reminder_lead{60};
  std::string public_url = "http://127.0.0.1:8080";  // where phones reach the web interface
};

// The emergency workflow's use cases: requests and their shifts, routing and escalation, calls,
// availability, sign-ups, batches, check-in codes and attendance. Every use case takes the
// acting user, decides authorisation here, runs in one transaction, and writes the outbox
// (notifications, live events) in that same transaction.
class Workflow {
 public:
  Workflow(store::Store& store, const crypto::Keyring& keys, const Clock& clock,
           WorkflowOptions options = {})
      : store_(store), keys_(keys), clock_(clock), options_(std::move(options)) {}

  // Requests. Coordinators post for sites of their street or community; the request is routed
  // to the street's paired unit and the communities' paired departments on the posting day.
  Result<RequestView> PostRequest(const Actor& a, const RequestInput& in);
  Result<std::vector<RequestView>> ListRequests(const Actor& a, store::Page page,
                                                const RequestFilter& f);
  Result<RequestView> GetRequest(const Actor& a, RequestId id);
  Result<RequestView> Escalate(const Actor& a, RequestId id, const std::string& reason);

  // Shifts in the caller's scope (for volunteers: those open to them).
  Result<std::vector<ShiftView>> ListShifts(const Actor& a, store::Page page, const ShiftFilter& f);
  Result<ShiftView> GetShift(const Actor& a, ShiftId id);
  Result<std::vector<RosterEntry>> Roster(const Actor& a, ShiftId id);

  // Calls.
  Result<CallView> SendCall(const Actor& a, const CallInput& in);
  Result<CallView> GetCall(const Actor& a, CallId id);

  // Availability and sign-ups.
  Status SetAvailability(const Actor& a, MemberId m, const Availability& av);
  Result<Availability> GetAvailability(const Actor& a, MemberId m);
  Result<SignupResult> SignUp(const Actor& a, const SignupInput& in);
  // The same without waiting: `done` gets what SignUp would have returned, after the COMMIT,
  // on a thread of the store's (Store::WriteAsync): it must be short. For callers that must not
  // block, such as an event loop serving many connections.
  using SignupDone = std::function<void(Result<SignupResult>)>;
  void SignUpAsync(const Actor& a, SignupInput in, SignupDone done);
  Result<SignupResult> Cancel(const Actor& a, SignupId id);
  Result<std::vector<ShiftView>> MySchedule(const Actor& a, MemberId m, std::optional<Date> from,
                                            std::optional<Date> to);

  // Batches.
  Result<BatchView> CreateBatch(const Actor& a, const BatchInput& in);
  Result<BatchView> GetBatch(const Actor& a, BatchId id);
  Result<std::vector<BatchView>> ListBatches(const Actor& a, store::Page page,
                                             std::optional<StreetId> street);
  Result<std::vector<BatchInput>> ProposeBatches(const Actor& a, const BatchProposalInput& in);

  // Check-in.
  Result<CheckinCodeView> CheckinCode(const Actor& a, SiteId site);
  Result<CheckinResult> CheckIn(const Actor& a, const std::string& token,
                                std::optional<MemberId> member);
  // The same without waiting, as SignUpAsync: a site's volunteers check in together at the
  // start of a shift, and their check-ins share commits.
  using CheckinDone = std::function<void(Result<CheckinResult>)>;
  void CheckInAsync(const Actor& a, const std::string& token, std::optional<MemberId> member,
                    CheckinDone done);
  Result<CheckoutResult> CheckOut(const Actor& a, AttendanceId id);
  Result<AttendanceView> RecordAttendance(const Actor& a, const AttendanceInput& in);

  // The private calendar feed of a member's shifts: the link (the token in it is the credential
  // phone calendars present), and the feed itself.
  Result<std::string> CalendarLink(const Actor& a, MemberId m);
  Result<std::string> CalendarFeedFor(std::string_view token);

  // The clock-driven work: escalations due, reminders before shifts, turns left open after a
  // shift's end plus grace, no-shows. Idempotent; the server runs it every few seconds, and
  // after a restart it catches up on whatever fell due meanwhile.
  Result<SweepReport> Sweep();

  const WorkflowOptions& options() const { return options_; }

 private:
  // What a sign-up checks before its transaction.
  static Status CheckSignup(const SignupInput& in);
  // What a check-in checks before its transaction: the code, and whom it checks in.
  Result<std::pair<CheckinToken, MemberId>> CheckCheckin(const Actor& a, const std::string& token,
                                                         std::optional<MemberId> member,
                                                         Timestamp now) const;

  store::Store& store_;
  const crypto::Keyring& keys_;
  const Clock& clock_;
  WorkflowOptions options_;
};

}  // namespace muster::app
