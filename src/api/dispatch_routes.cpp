// Dispatch plans: plan, read, commit (app/dispatch_plans.h).
#include <memory>
#include <nlohmann/json.hpp>

#include "api/handler.h"
#include "api/route_helpers.h"
#include "api/routes.h"
#include "app/dispatch_plans.h"

namespace muster::api {
namespace {

using nlohmann::json;

json EncodePlan(const app::PlanView& p) {
  json assignments = json::array();
  for (const app::PlannedAssignment& x : p.assignments) {
    assignments.push_back({{"shift", x.shift.value},
                           {"volunteer", x.volunteer.value},
                           {"shift_label", x.shift_label},
                           {"volunteer_name", x.volunteer_name}});
  }
  json unfilled = json::array();
  for (const app::PlannedGap& g : p.unfilled) {
    unfilled.push_back({{"shift", g.shift.value},
                        {"missing", g.missing},
                        {"code", g.code},
                        {"reason", g.reason},
                        {"shift_label", g.shift_label}});
  }
  json out = {
      {"id", p.id.value},
      {"status", app::Name(p.status)},
      {"from", FormatDate(p.from)},
      {"to", FormatDate(p.to)},
      {"street_id", p.street_id ? json(p.street_id->value) : json(nullptr)},
      {"unit_id", p.unit_id ? json(p.unit_id->value) : json(nullptr)},
      {"created_at", FormatRfc3339(p.created_at)},
      {"committed_at", p.committed_at ? json(FormatRfc3339(*p.committed_at)) : json(nullptr)},
      {"volunteers", p.volunteers},
      {"shifts", p.shifts},
      {"assignments", assignments},
      {"coverage", p.coverage},
      {"cost", p.cost},
      {"unfilled", unfilled},
      {"bound", nullptr},
      {"method", p.method},
      {"solve_ms", p.solve_ms}};
  if (p.bound) out["bound"] = {{"coverage", p.bound->coverage}, {"cost", p.bound->cost}};
  return out;
}

json EncodeCommit(const app::CommitResult& r) {
  json skipped = json::array();
  for (const app::SkippedAssignment& s : r.skipped) {
    skipped.push_back({{"shift", s.shift.value},
                       {"volunteer", s.volunteer.value},
                       {"code", s.code},
                       {"reason", s.reason}});
  }
  return {{"plan_id", r.plan_id.value}, {"confirmed", r.confirmed}, {"skipped", skipped}};
}

// Reads {from, to, street_id?}; dates are YYYY-MM-DD in Asia/Shanghai.
Result<app::PlanInput> ReadPlanInput(BodyReader& r) {
  std::string from = r.String("from");
  std::string to = r.String("to");
  std::optional<std::int64_t> street = r.OptionalInt("street_id");
  MUSTER_TRY(r.Finish());
  app::PlanInput in;
  MUSTER_ASSIGN(in.from, ParseDate(from, "from"));
  MUSTER_ASSIGN(in.to, ParseDate(to, "to"));
  if (street) {
    if (*street <= 0) return Invalid("street_id", "must be a positive id", "range");
    in.street_id = StreetId(*street);
  }
  return in;
}

}  // namespace

void RegisterDispatchRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  // Shared by the handlers, which may run on several threads: DispatchPlans holds references
  // only (the store and the clock outlive the router).
  auto plans = std::make_shared<app::DispatchPlans>(ctx.registry.store(), ctx.clock);
  // Planning solves an optimisation problem and may take seconds; committing a large plan runs
  // many statements: both leave the event loop.
  const http::RouteOptions offload{.offload = true};
  router.Post("/api/v1/dispatch/plans",
              Authed(ctx, audit,
                     [plans](const Request& req, const Actor& a) {
                       return WithBody(req, [&](BodyReader& r) -> Response {
                         auto in = ReadPlanInput(r);
                         if (!in.ok()) return http::ErrorResponse(in.error());
                         return http::Respond(plans->Plan(a, *in), EncodePlan, 201);
                       });
                     }),
              offload);
  router.Get("/api/v1/dispatch/plans/{id}",
             Authed(ctx, audit, [plans](const Request& req, const Actor& a) {
               auto id = PathIdOf<PlanId>(req);
               if (!id.ok()) return http::ErrorResponse(NotFound("no such plan"));
               return http::Respond(plans->Get(a, *id), EncodePlan);
             }));
  router.Post("/api/v1/dispatch/plans/{id}/commit",
              Authed(ctx, audit,
                     [plans](const Request& req, const Actor& a) {
                       auto id = PathIdOf<PlanId>(req);
                       if (!id.ok()) return http::ErrorResponse(NotFound("no such plan"));
                       return http::Respond(plans->Commit(a, *id), EncodeCommit);
                     }),
              offload);
}

}  // namespace muster::api
