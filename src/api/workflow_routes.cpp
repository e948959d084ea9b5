// The emergency workflow: requests, shifts, sign-ups, availability, calls, batches, check-in,
// attendance and the calendar feed.
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/handler.h"
#include "api/route_helpers.h"
#include "api/routes.h"
#include "app/checkin_code.h"
#include "crypto/keyring.h"

namespace muster::api {
namespace {

using nlohmann::json;

json Time(Timestamp t) { return FormatRfc3339(t); }
json OptTime(const std::optional<Timestamp>& t) { return t ? json(FormatRfc3339(*t)) : json(nullptr); }
template <typename T>
json OptInt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}
template <typename IdT>
json OptIdJson(const std::optional<IdT>& v) {
  return v ? json(v->value) : json(nullptr);
}

json EncodeShift(const app::ShiftView& s) {
  json out = {{"id", s.id.value},
              {"request_id", s.request_id.value},
              {"site_id", s.site_id.value},
              {"site_name", s.site_name},
              {"community_id", s.community_id.value},
              {"community_name", s.community_name},
              {"street_id", s.street_id.value},
              {"street_name", s.street_name},
              {"task", domain::Name(s.task)},
              {"starts_at", Time(s.starts_at)},
              {"ends_at", Time(s.ends_at)},
              {"headcount", s.headcount},
              {"confirmed", s.confirmed},
              {"waiting", s.waiting},
              {"skills", s.skills},
              {"priority", s.priority},
              {"risk", s.high_risk ? "high" : "normal"},
              {"min_age", OptInt(s.min_age)},
              {"max_age", OptInt(s.max_age)},
              {"escalated", s.escalated},
              {"my_signup", nullptr}};
  if (s.my_signup) {
    out["my_signup"] = {{"id", s.my_signup->id.value}, {"status", app::Name(s.my_signup->status)}};
  }
  return out;
}

json EncodeRequest(const app::RequestView& r) {
  json shifts = json::array();
  for (const app::ShiftView& s : r.shifts) shifts.push_back(EncodeShift(s));
  json departments = json::array();
  for (DepartmentId d : r.routed_departments) departments.push_back(d.value);
  std::optional<std::int64_t> community;
  if (!r.shifts.empty()) community = r.shifts.front().community_id.value;
  return {{"id", r.id.value},
          {"street_id", r.street_id.value},
          {"street_name", r.street_name},
          {"community_id", OptInt(community)},
          {"note", r.note},
          {"urgent", r.urgent},
          {"status", app::Name(r.status)},
          {"created_at", Time(r.posted_at)},
          {"escalates_at", Time(r.escalates_at)},
          {"escalated", r.escalated_at.has_value()},
          {"escalated_at", OptTime(r.escalated_at)},
          {"escalation_reason", r.escalated_at ? json(r.escalation_reason) : json(nullptr)},
          {"routed_to", {{"unit_id", OptIdJson(r.routed_unit)}, {"department_ids", departments}}},
          {"shifts", shifts}};
}

json EncodeCall(const app::CallView& c) {
  json branches = json::array();
  for (const app::BranchSignups& b : c.by_branch) {
    branches.push_back({{"branch_id", b.branch_id.value},
                        {"branch_name", b.branch_name},
                        {"recipients", b.recipients},
                        {"count", b.signed_up}});
  }
  return {{"id", c.id.value},           {"request_id", c.request_id.value},
          {"unit_id", c.unit_id.value}, {"message", c.message},
          {"sent_at", Time(c.sent_at)}, {"recipients", c.recipients},
          {"signed_up_by_branch", branches}};
}

json EncodeSignup(const app::SignupResult& s) {
  return {{"id", s.id.value},
          {"shift_id", s.shift_id.value},
          {"member_id", s.member_id.value},
          {"status", app::Name(s.status)}};
}

json EncodeRoster(const app::RosterEntry& e) {
  return {{"signup_id", e.flagged ? json(nullptr) : json(e.signup_id.value)},
          {"member_id", e.member_id.value},
          {"name", e.name},
          {"phone", e.phone_masked},
          {"branch_id", OptIdJson(e.branch_id)},
          {"party_member", e.party_member},
          {"status", e.flagged ? std::string("unsigned") : std::string(app::Name(e.status))},
          {"flagged", e.flagged},
          {"no_show", e.no_show},
          {"attendance_id", OptIdJson(e.attendance_id)},
          {"checked_in_at", OptTime(e.checked_in_at)},
          {"checked_out_at", OptTime(e.checked_out_at)}};
}

json EncodeBatchInput(const app::BatchInput& b) {
  json members = json::array();
  for (MemberId m : b.member_ids) members.push_back(m.value);
  return {{"street_id", b.street_id.value}, {"departs_at", Time(b.departs_at)},
          {"depart_from", b.depart_from},   {"vehicle", b.vehicle},
          {"capacity", b.capacity},         {"member_ids", members}};
}

json EncodeBatch(const app::BatchView& b) {
  json members = json::array();
  for (const app::BatchMember& m : b.members) {
    members.push_back({{"member_id", m.member_id.value},
                       {"name", m.name},
                       {"phone", m.phone_masked},
                       {"branch_id", OptIdJson(m.branch_id)},
                       {"shift_id", OptIdJson(m.shift_id)},
                       {"site_name", m.site_name},
                       {"starts_at", OptTime(m.starts_at)}});
  }
  return {{"id", b.id.value},
          {"street_id", b.street_id.value},
          {"street_name", b.street_name},
          {"unit_id", OptIdJson(b.unit_id)},
          {"departs_at", Time(b.departs_at)},
          {"depart_from", b.depart_from},
          {"vehicle", b.vehicle},
          {"capacity", b.capacity},
          {"members", members}};
}

json EncodeAvailability(const app::Availability& av) {
  json windows = json::array();
  for (const domain::Interval& w : av.windows) windows.push_back({Time(w.starts), Time(w.ends)});
  return {{"windows", windows},
          {"max_hours_per_day", av.max_hours_per_day},
          {"high_risk_ok", av.high_risk_ok}};
}

// {items, next} of objects with an "id".
template <typename T, typename Enc>
json Page(const std::vector<T>& items, int limit, Enc enc) {
  json out = {{"items", json::array()}, {"next", nullptr}};
  for (const T& item : items) out["items"].push_back(enc(item));
  if (!items.empty() && static_cast<int>(items.size()) == limit) {
    out["next"] = std::to_string(items.back().id.value);
  }
  return out;
}

template <typename T, typename Enc>
Response Answer(const Result<T>& r, Enc enc, int status = 200) {
  return http::Respond(r, enc, status);
}

// Reads a time field (RFC 3339 with offset) into `out`; errors name the field.
Timestamp TimeField(BodyReader& r, std::string_view key) {
  std::string text = r.String(key);
  if (text.empty()) return Timestamp{};
  auto t = ParseRfc3339(text, r.FieldName(key));
  if (!t.ok()) {
    r.Fail(t.error());
    return Timestamp{};
  }
  return *t;
}

std::optional<Timestamp> OptionalTimeField(BodyReader& r, std::string_view key) {
  auto text = r.OptionalString(key);
  if (!text) return std::nullopt;
  auto t = ParseRfc3339(*text, r.FieldName(key));
  if (!t.ok()) {
    r.Fail(t.error());
    return std::nullopt;
  }
  return *t;
}

std::optional<int> OptionalSmallInt(BodyReader& r, std::string_view key) {
  auto v = r.OptionalInt(key);
  if (!v) return std::nullopt;
  if (*v < -1000000 || *v > 1000000) {
    r.Fail(Invalid(r.FieldName(key), "out of range", "range"));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

int SmallInt(BodyReader& r, std::string_view key) {
  std::int64_t v = r.Int(key);
  if (v < -1000000 || v > 1000000) {
    r.Fail(Invalid(r.FieldName(key), "out of range", "range"));
    return 0;
  }
  return static_cast<int>(v);
}

Result<std::optional<Date>> DateQuery(const Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return std::optional<Date>();
  auto d = ParseDate(*text, name);
  if (!d.ok()) return BadRequest(std::string(name) + ": expected YYYY-MM-DD", std::string(name));
  return std::optional<Date>(*d);
}

void RegisterRequests(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Workflow& wf = ctx.workflow;
  router.Post("/api/v1/requests", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::RequestInput in;
      in.note = r.OptionalString("note").value_or("");
      in.urgent = r.OptionalBool("urgent").value_or(false);
      in.shifts = r.ObjectList("shifts", [](BodyReader& s) {
        app::ShiftInput shift;
        shift.site_id = SiteId(s.Int("site_id"));
        auto task = domain::ParseShiftTask(s.String("task"), s.FieldName("task"));
        if (task.ok()) {
          shift.task = *task;
        } else {
          s.Fail(task.error());
        }
        shift.starts_at = TimeField(s, "starts_at");
        shift.ends_at = TimeField(s, "ends_at");
        shift.headcount = SmallInt(s, "headcount");
        shift.skills = s.OptionalStringList("skills");
        shift.priority = OptionalSmallInt(s, "priority").value_or(0);
        shift.min_age = OptionalSmallInt(s, "min_age");
        shift.max_age = OptionalSmallInt(s, "max_age");
        return shift;
      });
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      return Answer(wf.PostRequest(a, in), EncodeRequest, 201);
    });
  }));
  router.Get("/api/v1/requests", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    app::RequestFilter f;
    if (auto status = req.Query("status")) {
      auto parsed = app::ParseRequestStatus(*status);
      if (!parsed.ok()) return http::ErrorResponse(parsed.error());
      f.status = *parsed;
    }
    auto street = QueryId<StreetId>(req, "street_id");
    if (!street.ok()) return http::ErrorResponse(street.error());
    auto community = QueryId<CommunityId>(req, "community_id");
    if (!community.ok()) return http::ErrorResponse(community.error());
    f.street = *street;
    f.community = *community;
    auto items = wf.ListRequests(a, *page, f);
    if (!items.ok()) return http::ErrorResponse(items.error());
    return Response::Json(Page(*items, page->limit, EncodeRequest));
  }));
  router.Get("/api/v1/requests/{id}", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto id = PathIdOf<RequestId>(req);
    if (!id.ok()) return http::ErrorResponse(id.error());
    return Answer(wf.GetRequest(a, *id), EncodeRequest);
  }));
  router.Post("/api/v1/requests/{id}/escalate",
              Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
                auto id = PathIdOf<RequestId>(req);
                if (!id.ok()) return http::ErrorResponse(id.error());
                return WithBody(req, [&](BodyReader& r) -> Response {
                  std::string reason = r.String("reason");
                  if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
                  return Answer(wf.Escalate(a, *id, reason), EncodeRequest);
                });
              }));
}

void RegisterShifts(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Workflow& wf = ctx.workflow;
  router.Get("/api/v1/shifts", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    app::ShiftFilter f;
    if (auto open = req.Query("open_to_me")) {
      if (*open != "true" && *open != "false") {
        return http::ErrorResponse(BadRequest("open_to_me: must be true or false", "open_to_me"));
      }
      f.open_to_me = *open == "true";
    }
    auto from = DateQuery(req, "from");
    if (!from.ok()) return http::ErrorResponse(from.error());
    auto to = DateQuery(req, "to");
    if (!to.ok()) return http::ErrorResponse(to.error());
    auto request = QueryId<RequestId>(req, "request_id");
    if (!request.ok()) return http::ErrorResponse(request.error());
    f.from = *from;
    f.to = *to;
    f.request = *request;
    auto items = wf.ListShifts(a, *page, f);
    if (!items.ok()) return http::ErrorResponse(items.error());
    return Response::Json(Page(*items, page->limit, EncodeShift));
  }));
  router.Get("/api/v1/shifts/{id}", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto id = PathIdOf<ShiftId>(req);
    if (!id.ok()) return http::ErrorResponse(id.error());
    return Answer(wf.GetShift(a, *id), EncodeShift);
  }));
  router.Get("/api/v1/shifts/{id}/roster",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<ShiftId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               auto roster = wf.Roster(a, *id);
               if (!roster.ok()) return http::ErrorResponse(roster.error());
               json items = json::array();
               for (const app::RosterEntry& e : *roster) items.push_back(EncodeRoster(e));
               Response out = Response::Json({{"items", items}, {"next", nullptr}});
               out.SetHeader("Cache-Control", "no-store");
               return out;
             }));
  // Asynchronous: the sign-up waits for the group commit that carries it in the store's queue,
  // not on a thread of its own, and its answer is sent once that COMMIT is done.
  router.AddAsync(
      http::Method::kPost, "/api/v1/shifts/{id}/signups",
      AuthedAsync(ctx, audit, [&wf](const Request& req, const Actor& a, http::Reply reply) {
        auto id = PathIdOf<ShiftId>(req);
        if (!id.ok()) return reply.Send(http::ErrorResponse(id.error()));
        auto body = ParseObjectBody(req);
        if (!body.ok()) return reply.Send(http::ErrorResponse(body.error()));
        BodyReader r(*body);
        app::SignupInput in;
        in.shift_id = *id;
        if (auto m = r.OptionalInt("member_id")) {
          in.member_id = MemberId(*m);
        } else if (a.role == app::Role::kVolunteer) {
          in.member_id = MemberId(a.scope_id);
        } else {
          r.Fail(Invalid("member_id", "is required", "required"));
        }
        in.waitlist = r.OptionalBool("waitlist").value_or(false);
        in.high_risk_ok = r.OptionalBool("high_risk_ok");
        if (Status s = r.Finish(); !s.ok()) return reply.Send(http::ErrorResponse(s.error()));
        if (auto key = req.Header("Idempotency-Key")) {
          in.idempotency_key = std::string(*key);
          in.fingerprint = crypto::TokenDigest(req.path + " " + body->dump());
        }
        wf.SignUpAsync(a, std::move(in), [reply](Result<app::SignupResult> done) {
          // Encoded on the connection's loop, not on the store's writer thread.
          reply.SendFrom([done = std::move(done)] { return Answer(done, EncodeSignup, 201); });
        });
      }));
  router.Delete("/api/v1/signups/{id}", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto id = PathIdOf<SignupId>(req);
    if (!id.ok()) return http::ErrorResponse(id.error());
    return Answer(wf.Cancel(a, *id), EncodeSignup);
  }));
}

void RegisterVolunteers(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Workflow& wf = ctx.workflow;
  router.Put("/api/v1/members/{id}/availability",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<MemberId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               return WithBody(req, [&](BodyReader& r) -> Response {
                 app::Availability av;
                 if (const json* windows = r.Raw("windows")) {
                   if (!windows->is_array()) {
                     r.Fail(Invalid("windows", "must be a list of [start, end] pairs", "type"));
                   } else {
                     for (std::size_t i = 0; i < windows->size(); ++i) {
                       const std::string field = "windows[" + std::to_string(i) + "]";
                       const json& w = (*windows)[i];
                       if (!w.is_array() || w.size() != 2 || !w[0].is_string() || !w[1].is_string()) {
                         r.Fail(Invalid(field, "must be [start, end] in RFC 3339", "type"));
                         break;
                       }
                       auto s = ParseRfc3339(w[0].get<std::string>(), field);
                       auto e = ParseRfc3339(w[1].get<std::string>(), field);
                       if (!s.ok() || !e.ok()) {
                         r.Fail(s.ok() ? e.error() : s.error());
                         break;
                       }
                       av.windows.push_back({*s, *e});
                     }
                   }
                 }
                 av.max_hours_per_day = OptionalSmallInt(r, "max_hours_per_day")
                                            .value_or(domain::kDefaultMaxHoursPerDay);
                 av.high_risk_ok = r.OptionalBool("high_risk_ok").value_or(false);
                 if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
                 Status s = wf.SetAvailability(a, *id, av);
                 if (!s.ok()) return http::ErrorResponse(s.error());
                 return Response::Json(EncodeAvailability(av));
               });
             }));
  router.Get("/api/v1/members/{id}/availability",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<MemberId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               return Answer(wf.GetAvailability(a, *id), EncodeAvailability);
             }));
  router.Get("/api/v1/members/{id}/schedule",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<MemberId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               auto from = DateQuery(req, "from");
               if (!from.ok()) return http::ErrorResponse(from.error());
               auto to = DateQuery(req, "to");
               if (!to.ok()) return http::ErrorResponse(to.error());
               auto items = wf.MySchedule(a, *id, *from, *to);
               if (!items.ok()) return http::ErrorResponse(items.error());
               json out = json::array();
               for (const app::ShiftView& s : *items) out.push_back(EncodeShift(s));
               return Response::Json({{"items", out}, {"next", nullptr}});
             }));
  router.Get("/api/v1/members/{id}/calendar-link",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<MemberId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               auto url = wf.CalendarLink(a, *id);
               if (!url.ok()) return http::ErrorResponse(url.error());
               Response out = Response::Json({{"url", *url}});
               out.SetHeader("Cache-Control", "no-store");
               return out;
             }));
  // Opened by phone calendars without a session: the token in the path is the credential.
  router.Get("/api/v1/calendar/{token}", [&wf](const Request& req) {
    std::string token(req.PathParam("token"));
    if (token.size() > 4 && token.ends_with(".ics")) token.resize(token.size() - 4);
    auto feed = wf.CalendarFeedFor(token);
    if (!feed.ok()) return http::ErrorResponse(NotFound("no such calendar"));
    Response out = Response::Text(*feed, "text/calendar; charset=utf-8");
    out.SetHeader("Cache-Control", "private, max-age=300");
    return out;
  });
}

void RegisterCallsAndBatches(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Workflow& wf = ctx.workflow;
  router.Post("/api/v1/calls", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::CallInput in;
      in.request_id = RequestId(r.Int("request_id"));
      if (r.Raw("branch_ids") != nullptr) {
        std::vector<BranchId> ids;
        for (std::int64_t b : r.IntList("branch_ids")) ids.push_back(BranchId(b));
        in.branch_ids = std::move(ids);
      }
      in.message = r.OptionalString("message").value_or("");
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      return Answer(wf.SendCall(a, in), EncodeCall, 201);
    });
  }));
  router.Get("/api/v1/calls/{id}", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto id = PathIdOf<CallId>(req);
    if (!id.ok()) return http::ErrorResponse(id.error());
    return Answer(wf.GetCall(a, *id), EncodeCall);
  }));

  auto batch_fields = [](BodyReader& r) {
    app::BatchInput in;
    in.street_id = StreetId(r.Int("street_id"));
    in.departs_at = TimeField(r, "departs_at");
    in.depart_from = r.String("depart_from");
    in.vehicle = r.String("vehicle");
    in.capacity = SmallInt(r, "capacity");
    for (std::int64_t m : r.IntList("member_ids")) in.member_ids.push_back(MemberId(m));
    return in;
  };
  router.Post("/api/v1/batches", Authed(ctx, audit, [&wf, batch_fields](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::BatchInput in = batch_fields(r);
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      return Answer(wf.CreateBatch(a, in), EncodeBatch, 201);
    });
  }));
  router.Get("/api/v1/batches", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    auto street = QueryId<StreetId>(req, "street_id");
    if (!street.ok()) return http::ErrorResponse(street.error());
    auto items = wf.ListBatches(a, *page, *street);
    if (!items.ok()) return http::ErrorResponse(items.error());
    return Response::Json(Page(*items, page->limit, EncodeBatch));
  }));
  router.Get("/api/v1/batches/{id}", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    auto id = PathIdOf<BatchId>(req);
    if (!id.ok()) return http::ErrorResponse(id.error());
    auto batch = wf.GetBatch(a, *id);
    if (!batch.ok()) return http::ErrorResponse(batch.error());
    Response out = Response::Json(EncodeBatch(*batch));
    out.SetHeader("Cache-Control", "no-store");
    return out;
  }));
  router.Post("/api/v1/batches/proposals",
              Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
                return WithBody(req, [&](BodyReader& r) -> Response {
                  app::BatchProposalInput in;
                  in.street_id = StreetId(r.Int("street_id"));
                  std::string date = r.String("date");
                  in.capacity = SmallInt(r, "capacity");
                  in.vehicle = r.String("vehicle");
                  in.depart_from = r.String("depart_from");
                  if (auto lead = OptionalSmallInt(r, "lead_minutes")) {
                    if (*lead < 0 || *lead > 24 * 60) {
                      r.Fail(Invalid("lead_minutes", "must be between 0 and 1440", "range"));
                    }
                    in.lead = std::chrono::minutes(*lead);
                  }
                  if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
                  auto d = ParseDate(date, "date");
                  if (!d.ok()) return http::ErrorResponse(d.error());
                  in.date = *d;
                  auto proposals = wf.ProposeBatches(a, in);
                  if (!proposals.ok()) return http::ErrorResponse(proposals.error());
                  json items = json::array();
                  for (const app::BatchInput& b : *proposals) items.push_back(EncodeBatchInput(b));
                  return Response::Json({{"items", items}, {"next", nullptr}});
                });
              }));
}

void RegisterCheckin(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Workflow& wf = ctx.workflow;
  router.Get("/api/v1/sites/{id}/checkin-code",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<SiteId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               auto code = wf.CheckinCode(a, *id);
               if (!code.ok()) return http::ErrorResponse(code.error());
               Response out = Response::Json({{"token", code->token},
                                              {"url", code->url},
                                              {"expires_at", Time(code->expires_at)}});
               out.SetHeader("Cache-Control", "no-store");
               return out;
             }));
  router.Get("/api/v1/sites/{id}/checkin-code.svg",
             Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
               auto id = PathIdOf<SiteId>(req);
               if (!id.ok()) return http::ErrorResponse(id.error());
               auto code = wf.CheckinCode(a, *id);
               if (!code.ok()) return http::ErrorResponse(code.error());
               Response out = Response::Text(app::QrSvg(code->url), "image/svg+xml");
               out.SetHeader("Cache-Control", "no-store");
               return out;
             }));
  // Asynchronous, as sign-ups: a site's volunteers scan its code together at the start of a
  // shift, and their check-ins share group commits without holding a thread each.
  router.AddAsync(
      http::Method::kPost, "/api/v1/checkins",
      AuthedAsync(ctx, audit, [&wf](const Request& req, const Actor& a, http::Reply reply) {
        auto body = ParseObjectBody(req);
        if (!body.ok()) return reply.Send(http::ErrorResponse(body.error()));
        BodyReader r(*body);
        std::string token = r.String("token");
        std::optional<MemberId> member;
        if (auto m = r.OptionalInt("member_id")) member = MemberId(*m);
        if (Status s = r.Finish(); !s.ok()) return reply.Send(http::ErrorResponse(s.error()));
        wf.CheckInAsync(a, token, member, [reply](Result<app::CheckinResult> done) {
          reply.SendFrom([done = std::move(done)]() -> Response {
            if (!done.ok()) return http::ErrorResponse(done.error());
            return Response::Json({{"attendance_id", done->attendance_id.value},
                                   {"shift_id", done->shift_id.value},
                                   {"checked_in_at", Time(done->checked_in_at)},
                                   {"flagged", done->flagged},
                                   {"repeated", done->repeated}},
                                  done->repeated ? 200 : 201);
          });
        });
      }));
  router.Post("/api/v1/checkouts", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      AttendanceId id(r.Int("attendance_id"));
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      return Answer(wf.CheckOut(a, id), [](const app::CheckoutResult& c) -> json {
        return {{"attendance_id", c.attendance_id.value},
                {"checked_out_at", Time(c.checked_out_at)},
                {"hours", c.hours}};
      });
    });
  }));
  router.Post("/api/v1/attendance", Authed(ctx, audit, [&wf](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::AttendanceInput in;
      in.shift_id = ShiftId(r.Int("shift_id"));
      in.member_id = MemberId(r.Int("member_id"));
      in.checked_in_at = TimeField(r, "checked_in_at");
      in.checked_out_at = OptionalTimeField(r, "checked_out_at");
      in.reason = r.OptionalString("reason").value_or("");
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      auto v = wf.RecordAttendance(a, in);
      if (!v.ok()) return http::ErrorResponse(v.error());
      return Response::Json({{"id", v->id.value},
                             {"shift_id", v->shift_id.value},
                             {"member_id", v->member_id.value},
                             {"checked_in_at", Time(v->checked_in_at)},
                             {"checked_out_at", OptTime(v->checked_out_at)},
                             {"flagged", v->flagged},
                             {"source", v->source},
                             {"corrected", v->corrected}},
                            v->corrected ? 200 : 201);
    });
  }));
}

}  // namespace

void RegisterWorkflowRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  RegisterRequests(router, ctx, audit);
  RegisterShifts(router, ctx, audit);
  RegisterVolunteers(router, ctx, audit);
  RegisterCallsAndBatches(router, ctx, audit);
  RegisterCheckin(router, ctx, audit);
}

}  // namespace muster::api
