#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "dispatch/plan.h"
#include "store/store.h"

namespace muster::app {

// What to plan: open shifts starting on the days from..to (Asia/Shanghai, both inclusive),
// optionally in one street.
struct PlanInput {
  Date from;
  Date to;
  std::optional<StreetId> street_id;
};

// One assignment of a plan, with what a person reads.
struct PlannedAssignment {
  ShiftId shift;
  MemberId volunteer;
  std::string shift_label;  // site name and time: "采样点 01-12 08:00-12:00"
  std::string volunteer_name;
};

// A shift the plan leaves below its open places, and why (dispatch::Unfilled codes, plus
// "routing": the shift is open only to its paired unit and departments, none of whose
// volunteers qualifies).
struct PlannedGap {
  ShiftId shift;
  std::int64_t missing = 0;
  std::string code;
  std::string reason;
  std::string shift_label;
};

// An assignment the commit did not confirm: `code` is the refusal's reason (overlap,
// daily_hours, full, risk_consent, missing_skill, not_routed...) or its error code.
struct SkippedAssignment {
  ShiftId shift;
  MemberId volunteer;
  std::string code;
  std::string reason;
};

struct CommitResult {
  PlanId plan_id;
  int confirmed = 0;
  std::vector<SkippedAssignment> skipped;
};

enum class PlanStatus { kProposed, kCommitted };
std::string_view Name(PlanStatus s);

// A stored plan: the engine's answer (shared/spec/DISPATCH.md "Plan") with labels, and its state.
struct PlanView {
  PlanId id;
  PlanStatus status = PlanStatus::kProposed;
  std::optional<UserId> created_by;
  std::optional<UnitId> unit_id;  // the planner's unit; none: planned by the city
  Timestamp created_at;
  Date from;
  Date to;
  std::optional<StreetId> street_id;
  std::vector<PlannedAssignment> assignments;  // by shift, then volunteer
  std::int64_t coverage = 0;
  std::int64_t cost = 0;
  std::vector<PlannedGap> unfilled;  // by shift
  std::optional<dispatch::Bound> bound;
  std::string method;
  std::int64_t solve_ms = 0;
  int volunteers = 0;  // members in the instance (with declared availability, in scope)
  int shifts = 0;      // open shifts in the instance
  std::optional<Timestamp> committed_at;
  std::optional<CommitResult> result;  // once committed
};

// Bounds on what one plan may take on, so that a request cannot hold the server for minutes.
struct DispatchPlanLimits {
  int max_days = 31;
  int max_shifts = 50000;
  int max_volunteers = 200000;
  // Plans solved at once; a plan asked for while this many solve waits up to solve_wait for a
  // turn, then answers unavailable (503, Retry-After): each solve may take a core and hundreds
  // of megabytes.
  int max_concurrent_solves = 2;
  std::chrono::seconds solve_wait{30};
};

// Dispatch plans on the server (docs/dispatch.md, "Plans in the server"): an instance of
// shared/spec/DISPATCH.md built from the database, solved by dispatch::Solve, stored, and
// committed into confirmed sign-ups. Plans belong to unit administrators (their unit's members)
// and the city administrator (everyone). Holds references only; the store and the clock
// outlive it. Thread-safe: every call runs in its own transactions.
class DispatchPlans {
 public:
  DispatchPlans(store::Store& store, const Clock& clock, DispatchPlanLimits limits = {})
      : store_(store), clock_(clock), limits_(limits), gate_(std::make_unique<SolveGate>()) {}

  // Plans the open shifts (not ended, below headcount, starting on from..to, in the street if
  // given; for a unit administrator those open to his unit) with the volunteers the caller may
  // dispatch who declared availability, around their existing sign-ups. Stores the plan as
  // proposed and answers it with its id. Solving runs outside any transaction and may take
  // seconds.
  Result<PlanView> Plan(const Actor& a, const PlanInput& in);

  // Answers a stored plan: the city's to the city administrator, a unit's to its administrators
  // and the city administrator; not_found otherwise.
  Result<PlanView> Get(const Actor& a, PlanId id);

  // Turns the plan's assignments into confirmed sign-ups (source "dispatch") in one transaction,
  // checking each as a sign-up is checked at that moment (routing, one active sign-up, the
  // shift not ended, skills, consent, age, overlap, daily hours, headcount); those that fail are
  // skipped with the reason. Notifies each confirmed volunteer ("assigned") and publishes a
  // "signup" event per shift that gained volunteers. A plan commits once (conflict after);
  // the city administrator commits any plan, a unit administrator those of his unit
  // (forbidden otherwise).
  Result<CommitResult> Commit(const Actor& a, PlanId id);

 private:
  // Counts the solves under way (limits_.max_concurrent_solves).
  struct SolveGate {
    std::mutex mu;
    std::condition_variable freed;
    int solving = 0;  // GUARDED_BY(mu)
  };

  store::Store& store_;
  const Clock& clock_;
  DispatchPlanLimits limits_;
  std::unique_ptr<SolveGate> gate_;
};

}  // namespace muster::app
