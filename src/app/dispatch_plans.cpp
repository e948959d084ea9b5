// Dispatch plans: planning with the engine, storing, reading, committing into sign-ups.
#include "app/dispatch_plans.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "app/audit.h"
#include "app/dispatch_plans_internal.h"
#include "app/outbox.h"
#include "app/workflow_internal.h"
#include "dispatch/engine.h"
#include "store/registry_repo.h"

namespace muster::app {

std::string_view Name(PlanStatus s) {
  return s == PlanStatus::kCommitted ? "committed" : "proposed";
}

namespace {

using nlohmann::json;

Status MayDispatch(const Actor& a) {
  if (a.role == Role::kCityAdmin || a.role == Role::kUnitAdmin) return Ok();
  return Forbidden("dispatch plans belong to unit administrators and the city administrator");
}

// Whether `a` may read and commit `plan`: the city any, a unit administrator his unit's.
bool Owns(const Actor& a, const PlanView& plan) {
  if (a.role == Role::kCityAdmin) return true;
  return a.role == Role::kUnitAdmin && plan.unit_id && plan.unit_id->value == a.scope_id;
}

Status CheckDays(const PlanInput& in, const DispatchPlanLimits& limits) {
  const int days = DayNumber(in.to) - DayNumber(in.from) + 1;
  if (days < 1) return Invalid("to", "must not be before from", "order");
  if (days > limits.max_days) {
    return Invalid("to", "a plan covers at most " + std::to_string(limits.max_days) + " days",
                   "too_long");
  }
  return Ok();
}

// The stored plan document: the engine's plan with labels and the instance's size.
std::string PlanDocument(const PlanView& v) {
  json assignments = json::array();
  for (const PlannedAssignment& x : v.assignments) {
    assignments.push_back({{"shift", x.shift.value},
                           {"volunteer", x.volunteer.value},
                           {"shift_label", x.shift_label},
                           {"volunteer_name", x.volunteer_name}});
  }
  json unfilled = json::array();
  for (const PlannedGap& g : v.unfilled) {
    unfilled.push_back({{"shift", g.shift.value},
                        {"missing", g.missing},
                        {"code", g.code},
                        {"reason", g.reason},
                        {"shift_label", g.shift_label}});
  }
  json doc = {{"assignments", assignments}, {"coverage", v.coverage}, {"cost", v.cost},
              {"unfilled", unfilled},       {"method", v.method},     {"solve_ms", v.solve_ms},
              {"volunteers", v.volunteers}, {"shifts", v.shifts}};
  if (v.bound) doc["bound"] = {{"coverage", v.bound->coverage}, {"cost", v.bound->cost}};
  return doc.dump();
}

// Reads the fields of a stored plan document; throws json::exception on a malformed one.
void ReadPlanFields(const json& doc, PlanView& v) {
  for (const json& x : doc.at("assignments")) {
    v.assignments.push_back({ShiftId(x.at("shift").get<std::int64_t>()),
                             MemberId(x.at("volunteer").get<std::int64_t>()),
                             x.at("shift_label").get<std::string>(),
                             x.at("volunteer_name").get<std::string>()});
  }
  for (const json& g : doc.at("unfilled")) {
    v.unfilled.push_back({ShiftId(g.at("shift").get<std::int64_t>()),
                          g.at("missing").get<std::int64_t>(), g.at("code").get<std::string>(),
                          g.at("reason").get<std::string>(),
                          g.at("shift_label").get<std::string>()});
  }
  v.coverage = doc.at("coverage").get<std::int64_t>();
  v.cost = doc.at("cost").get<std::int64_t>();
  if (doc.contains("bound")) {
    v.bound = dispatch::Bound{doc.at("bound").at("coverage").get<std::int64_t>(),
                              doc.at("bound").at("cost").get<std::int64_t>()};
  }
  v.method = doc.at("method").get<std::string>();
  v.solve_ms = doc.at("solve_ms").get<std::int64_t>();
  v.volunteers = doc.at("volunteers").get<int>();
  v.shifts = doc.at("shifts").get<int>();
}

Status ReadPlanDocument(std::string_view text, PlanView& v) {
  const Error unreadable = Internal("plan " + std::to_string(v.id.value) + " is unreadable");
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return unreadable;
  try {
    ReadPlanFields(doc, v);
  } catch (const json::exception&) {
    return unreadable;
  }
  return Ok();
}

std::string ResultDocument(const CommitResult& r) {
  json skipped = json::array();
  for (const SkippedAssignment& s : r.skipped) {
    skipped.push_back({{"shift", s.shift.value},
                       {"volunteer", s.volunteer.value},
                       {"code", s.code},
                       {"reason", s.reason}});
  }
  return json{{"confirmed", r.confirmed}, {"skipped", skipped}}.dump();
}

CommitResult ReadResultDocument(PlanId id, std::string_view text) {
  CommitResult r;
  r.plan_id = id;
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return r;
  r.confirmed = doc.value("confirmed", 0);
  for (const json& s : doc.value("skipped", json::array())) {
    r.skipped.push_back({ShiftId(s.value("shift", std::int64_t{0})),
                         MemberId(s.value("volunteer", std::int64_t{0})), s.value("code", ""),
                         s.value("reason", "")});
  }
  return r;
}

Result<std::optional<PlanView>> LoadPlan(store::Transaction& tx, PlanId id) {
  std::optional<PlanView> out;
  std::string doc;
  std::optional<std::string> result;
  MUSTER_TRY(tx.Query(
      "SELECT id, created_by, unit_id, created_at, from_day, to_day, street_id, plan, status, "
      "committed_at, result FROM dispatch_plans WHERE id = ?",
      {id.value}, [&](const store::Row& r) {
        PlanView v;
        v.id = PlanId(r.Int(0));
        if (auto u = r.OptInt(1)) v.created_by = UserId(*u);
        if (auto u = r.OptInt(2)) v.unit_id = UnitId(*u);
        v.created_at = FromUnixSeconds(r.Int(3));
        v.from = DateFromDayNumber(static_cast<int>(r.Int(4)));
        v.to = DateFromDayNumber(static_cast<int>(r.Int(5)));
        if (auto s = r.OptInt(6)) v.street_id = StreetId(*s);
        doc = r.String(7);
        v.status = r.Text(8) == "committed" ? PlanStatus::kCommitted : PlanStatus::kProposed;
        if (auto t = r.OptInt(9)) v.committed_at = FromUnixSeconds(*t);
        if (!r.IsNull(10)) result = r.String(10);
        out = std::move(v);
        return Ok();
      }));
  if (!out) return out;
  MUSTER_TRY(ReadPlanDocument(doc, *out));
  if (result) out->result = ReadResultDocument(out->id, *result);
  return out;
}

std::string HourMinute(Timestamp t) { return FormatRfc3339(t).substr(5, 11); }  // 01-12T08:00

// Whether an error is the store's (the transaction must end) rather than a refusal by a rule.
bool StoreFailure(const Error& e) {
  return e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kInternal;
}

// Confirms one assignment as a sign-up would be: who may act, routing, then the shared rules
// and the capacity guard. Answers the refusal, if any; store failures are the Result's error.
class Confirmer {
 public:
  Confirmer(store::Transaction& tx, const Actor& a, PlanId plan, Timestamp now)
      : tx_(tx), actor_(a), plan_(plan), now_(now) {}

  Result<std::optional<Error>> Confirm(const PlannedAssignment& x) {
    MUSTER_ASSIGN(const ShiftView* shift, Shift(x.shift));
    if (!shift) return Refusal(NotFound("the shift no longer exists"));
    // What the rules need of the member and the shift, in one statement, as a sign-up reads it.
    MUSTER_ASSIGN(auto facts, workflow::LoadPlaceFacts(tx_, x.volunteer, x.shift));
    if (!facts) return Refusal(NotFound("the member no longer exists"));
    const MemberId member = facts->member;
    if (Status may = workflow::ActFor(actor_, member, facts->unit, facts->branch, "sign up");
        !may.ok()) {
      return Refusal(may.error());
    }
    if (!facts->open) {
      return Refusal(
          Invalid("member_id",
                  "the shift is open only to the paired unit and departments until it escalates",
                  "not_routed"));
    }
    std::optional<UserId> by;
    if (actor_.user_id.valid()) by = actor_.user_id;
    Result<SignupRef> place =
        workflow::TakePlace(tx_, *facts, {false, false, "dispatch", by}, now_);
    if (!place.ok()) {
      if (StoreFailure(place.error())) return place.error();
      return Refusal(place.error());
    }
    gained_.insert(shift->id.value);
    MUSTER_TRY(Notify(tx_, now_,
                      {member, std::nullopt, "assigned", "调度安排",
                       "您已被安排：" + shift->site_name + " " + HourMinute(shift->starts_at) +
                           "—" + HourMinute(shift->ends_at),
                       "{\"signup_id\":" + std::to_string(place->id.value) +
                           ",\"shift_id\":" + std::to_string(shift->id.value) +
                           ",\"plan_id\":" + std::to_string(plan_.value) + "}"}));
    return std::optional<Error>();
  }

  // Publishes one "signup" event per shift that gained volunteers.
  Status Publish() {
    for (std::int64_t id : gained_) {
      const ShiftView& s = *shifts_.at(id);
      MUSTER_TRY(PublishEvent(tx_, now_, "signup",
                              "{\"shift_id\":" + std::to_string(s.id.value) +
                                  ",\"request_id\":" + std::to_string(s.request_id.value) +
                                  ",\"street_id\":" + std::to_string(s.street_id.value) + "}"));
    }
    return Ok();
  }

 private:
  static Result<std::optional<Error>> Refusal(Error e) {
    return std::optional<Error>(std::move(e));
  }

  Result<const ShiftView*> Shift(ShiftId id) {
    auto it = shifts_.find(id.value);
    if (it == shifts_.end()) {
      MUSTER_ASSIGN(auto shift, workflow::LoadShift(tx_, id, std::nullopt));
      it = shifts_.emplace(id.value, std::move(shift)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  store::Transaction& tx_;
  const Actor& actor_;
  PlanId plan_;
  Timestamp now_;
  std::map<std::int64_t, std::optional<ShiftView>> shifts_;
  std::set<std::int64_t> gained_;
};

}  // namespace

Result<PlanView> DispatchPlans::Plan(const Actor& a, const PlanInput& in) {
  MUSTER_TRY(MayDispatch(a));
  MUSTER_TRY(CheckDays(in, limits_));
  const Timestamp now = clock_.Now();
  MUSTER_ASSIGN(plans::PlanningFacts facts,
                store_.Read([&](store::Transaction& tx) -> Result<plans::PlanningFacts> {
                  if (in.street_id) {
                    MUSTER_ASSIGN(auto street, store::RegistryRepo(tx).FindStreet(*in.street_id));
                    if (!street) {
                      return Invalid("street_id",
                                     "no street with id " + std::to_string(in.street_id->value),
                                     "unknown_id");
                    }
                  }
                  return plans::LoadPlanningFacts(tx, a, in, now, limits_);
                }));
  // Solved outside any transaction: it may take seconds, and a core.
  {
    std::unique_lock lock(gate_->mu);
    if (!gate_->freed.wait_for(lock, limits_.solve_wait, [&] {
          return gate_->solving < limits_.max_concurrent_solves;
        })) {
      Error busy = Unavailable("the planner is busy with other plans; try again shortly");
      busy.retry_after = 10;
      return busy;
    }
    ++gate_->solving;
  }
  struct Release {
    SolveGate& gate;
    ~Release() {
      {
        std::lock_guard lock(gate.mu);
        --gate.solving;
      }
      gate.freed.notify_one();
    }
  } release{*gate_};
  const dispatch::Plan solved = dispatch::Solve(facts.instance);
  PlanView view;
  if (a.user_id.valid()) view.created_by = a.user_id;
  if (a.role == Role::kUnitAdmin) view.unit_id = UnitId(a.scope_id);
  view.created_at = now;
  view.from = in.from;
  view.to = in.to;
  view.street_id = in.street_id;
  plans::DescribePlan(facts, solved, view);
  const std::string doc = PlanDocument(view);
  MUSTER_ASSIGN(std::int64_t id, store_.Write([&](store::Transaction& tx) -> Result<std::int64_t> {
    return tx.InsertReturningId(
        "INSERT INTO dispatch_plans (created_by, unit_id, created_at, from_day, to_day, "
        "street_id, plan, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed') RETURNING id",
        {view.created_by ? store::Value(view.created_by->value) : store::Null(),
         view.unit_id ? store::Value(view.unit_id->value) : store::Null(), UnixSeconds(now),
         std::int64_t{DayNumber(in.from)}, std::int64_t{DayNumber(in.to)},
         in.street_id ? store::Value(in.street_id->value) : store::Null(), doc});
  }));
  view.id = PlanId(id);
  return view;
}

Result<PlanView> DispatchPlans::Get(const Actor& a, PlanId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<PlanView> {
    MUSTER_ASSIGN(auto plan, LoadPlan(tx, id));
    if (!plan || !Owns(a, *plan)) return NotFound("no plan with id " + std::to_string(id.value));
    return *plan;
  });
}

Result<CommitResult> DispatchPlans::Commit(const Actor& a, PlanId id) {
  MUSTER_TRY(MayDispatch(a));
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<CommitResult> {
    MUSTER_ASSIGN(auto plan, LoadPlan(tx, id));
    if (!plan) return NotFound("no plan with id " + std::to_string(id.value));
    if (!Owns(a, *plan)) return Forbidden("the plan belongs to another unit");
    const Error committed = Conflict("the plan has already been committed", "id");
    if (plan->status == PlanStatus::kCommitted) return committed;
    MUSTER_ASSIGN(
        std::int64_t took,
        tx.Exec("UPDATE dispatch_plans SET status = 'committed', committed_at = ?, "
                "committed_by = ? WHERE id = ? AND status = 'proposed'",
                {UnixSeconds(now),
                 a.user_id.valid() ? store::Value(a.user_id.value) : store::Null(), id.value}));
    if (took == 0) return committed;
    CommitResult result;
    result.plan_id = id;
    Confirmer confirmer(tx, a, id, now);
    for (const PlannedAssignment& x : plan->assignments) {
      MUSTER_ASSIGN(std::optional<Error> refused, confirmer.Confirm(x));
      if (!refused) {
        ++result.confirmed;
        continue;
      }
      const std::string code =
          refused->reason.empty() ? std::string(ErrorCodeName(refused->code)) : refused->reason;
      result.skipped.push_back({x.shift, x.volunteer, code, refused->message});
    }
    MUSTER_TRY(confirmer.Publish());
    MUSTER_TRY(tx.Exec("UPDATE dispatch_plans SET result = ? WHERE id = ?",
                       {ResultDocument(result), id.value}));
    MUSTER_TRY(AppendAudit(tx, a, now, "dispatch_commit", "plan/" + std::to_string(id.value),
                           "confirmed " + std::to_string(result.confirmed) + ", skipped " +
                               std::to_string(result.skipped.size())));
    return result;
  });
}

}  // namespace muster::app
