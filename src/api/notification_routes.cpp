// In-app notifications, webhook configuration and delivery records, and the live event stream.
#include <nlohmann/json.hpp>

#include "api/handler.h"
#include "api/routes.h"
#include "http/event_hub.h"

namespace muster::api {
namespace {

using app::Actor;
using http::BodyReader;
using http::Request;
using http::Response;
using nlohmann::json;

json OptionalTime(const std::optional<Timestamp>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

json Encode(const app::StoredNotification& n) {
  json payload = json::parse(n.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) payload = json::object();
  return {{"id", n.id.value},
          {"kind", n.kind},
          {"title", n.title},
          {"body", n.body},
          {"payload", payload},
          {"member_id", n.member ? json(n.member->value) : json(nullptr)},
          {"user_id", n.user ? json(n.user->value) : json(nullptr)},
          {"created_at", FormatRfc3339(n.created_at)},
          {"read_at", OptionalTime(n.read_at)}};
}

json Encode(const app::Webhook& w) {
  return {{"id", w.id.value},
          {"name", w.name},
          {"url", w.url},
          {"kinds", w.kinds},
          {"format", app::Name(w.format)},
          {"include_personal_data", w.personal_data},
          {"active", w.active},
          {"created_at", FormatRfc3339(w.created_at)},
          {"disabled_at", OptionalTime(w.disabled_at)}};
}

json Encode(const app::Delivery& d) {
  return {{"id", d.id.value},
          {"webhook_id", d.webhook.value},
          {"notification_id", d.notification.value},
          {"kind", d.kind},
          {"status", app::Name(d.status)},
          {"attempts", d.attempts},
          {"created_at", FormatRfc3339(d.created_at)},
          {"next_attempt_at", OptionalTime(d.next_attempt_at)},
          {"last_attempt_at", OptionalTime(d.last_attempt_at)},
          {"last_status", d.last_status ? json(*d.last_status) : json(nullptr)},
          {"last_error", d.last_error.empty() ? json(nullptr) : json(d.last_error)},
          {"delivered_at", OptionalTime(d.delivered_at)}};
}

// {items, next}: the cursor is the last item's id when the page is full (the lists here run
// newest first or in id order; either way the next page continues after that id).
template <typename T>
Response Page(const Result<std::vector<T>>& items, int limit) {
  if (!items.ok()) return http::ErrorResponse(items.error());
  json out = {{"items", json::array()}, {"next", nullptr}};
  for (const T& item : *items) out["items"].push_back(Encode(item));
  if (!items->empty() && static_cast<int>(items->size()) == limit) {
    out["next"] = std::to_string(items->back().id.value);
  }
  return Response::Json(out);
}

Result<bool> QueryBool(const Request& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  return BadRequest(std::string(name) + ": must be true or false", std::string(name));
}

void RegisterInbox(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Notifications& notes = ctx.notifications;
  router.Get("/api/v1/notifications",
             Authed(ctx, audit, [&notes](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(bool unread, QueryBool(req, "unread"));
    return Page(notes.ListMine(a, page, unread), page.limit);
  }));
  router.Get("/api/v1/notifications/unread-count",
             Authed(ctx, audit, [&notes](const Request&, const Actor& a) {
               return http::Respond(notes.UnreadCount(a),
                                    [](std::int64_t n) { return json{{"unread", n}}; });
             }));
  router.Post("/api/v1/notifications/{id}/read",
              Authed(ctx, audit, [&notes](const Request& req, const Actor& a) {
                auto id = PathIdOf<app::NotificationId>(req);
                if (!id.ok()) return http::ErrorResponse(NotFound("no such notification"));
                return http::Respond(notes.MarkRead(a, *id),
                                     [](const app::StoredNotification& n) { return Encode(n); });
              }));
  router.Post("/api/v1/notifications/read-all",
              Authed(ctx, audit, [&notes](const Request&, const Actor& a) {
                return http::Respond(notes.MarkAllRead(a),
                                     [](std::int64_t n) { return json{{"marked", n}}; });
              }));
}

Response CreateWebhook(app::Notifications& notes, const Request& req, const Actor& a) {
  return WithBody(req, [&](BodyReader& r) -> Response {
    app::NewWebhook in;
    in.name = r.String("name");
    in.url = r.String("url");
    in.kinds = r.OptionalStringList("kinds");
    std::optional<std::string> format = r.OptionalString("format");
    in.personal_data = r.OptionalBool("include_personal_data").value_or(false);
    in.secret = r.OptionalString("secret");
    if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
    if (format) {
      MUSTER_ASSIGN(in.format, app::ParseWebhookFormat(*format, "format"));
    }
    return http::Respond(notes.CreateWebhook(a, in), [](const app::CreatedWebhook& c) {
      json out = Encode(c.webhook);
      out["secret"] = c.secret;
      return out;
    }, 201);
  });
}

void RegisterWebhooks(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Notifications& notes = ctx.notifications;
  router.Post("/api/v1/webhooks", Authed(ctx, audit, [&notes](const Request& req, const Actor& a) {
    return CreateWebhook(notes, req, a);
  }));
  router.Get("/api/v1/webhooks", Authed(ctx, audit, [&notes](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    return Page(notes.ListWebhooks(a, page), page.limit);
  }));
  router.Post("/api/v1/webhooks/{id}/disable",
              Authed(ctx, audit, [&notes](const Request& req, const Actor& a) {
                auto id = PathIdOf<app::WebhookId>(req);
                if (!id.ok()) return http::ErrorResponse(NotFound("no such webhook"));
                return http::Respond(notes.DisableWebhook(a, *id),
                                     [](const app::Webhook& w) { return Encode(w); });
              }));
  router.Get("/api/v1/webhooks/{id}/deliveries",
             Authed(ctx, audit, [&notes](const Request& req, const Actor& a) -> Response {
               auto id = PathIdOf<app::WebhookId>(req);
               if (!id.ok()) return http::ErrorResponse(NotFound("no such webhook"));
               MUSTER_ASSIGN(store::Page page, PageOf(req));
               std::optional<app::DeliveryStatus> status;
               if (auto text = req.Query("status")) {
                 auto parsed = app::ParseDeliveryStatus(*text, "status");
                 if (!parsed.ok()) return http::ErrorResponse(BadRequest(parsed.error().message, "status"));
                 status = *parsed;
               }
               return Page(notes.ListDeliveries(a, *id, status, page), page.limit);
             }));
}

// GET /api/v1/events: every signed-in user receives the events of live pages (their payloads
// hold ids only) and the notifications addressed to him.
void RegisterEventStream(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  http::EventHub& hub = ctx.events;
  router.Get("/api/v1/events", Authed(ctx, audit, [&ctx, &hub](const Request& req, const Actor& a) {
    std::string mine = "user:" + std::to_string(a.user_id.value);
    std::string member =
        a.role == app::Role::kVolunteer ? "member:" + std::to_string(a.scope_id) : std::string();
    return Response::Stream(hub.Subscribe(
        [mine, member](const http::Event& e) {
          return e.topic.empty() || e.topic == mine || (!member.empty() && e.topic == member);
        },
        StreamOwner(SessionToken(ctx, req))));
  }));
}

}  // namespace

void RegisterNotificationRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  RegisterInbox(router, ctx, audit);
  RegisterWebhooks(router, ctx, audit);
  RegisterEventStream(router, ctx, audit);
}

}  // namespace muster::api
