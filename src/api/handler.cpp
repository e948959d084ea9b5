#include "api/handler.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "app/outbox.h"
#include "crypto/keyring.h"

namespace muster::api {
namespace {

bool ChangesState(http::Method m) {
  return m != http::Method::kGet && m != http::Method::kHead && m != http::Method::kOptions;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<app::SessionInfo> Authenticate(ApiContext& ctx, const http::Request& req) {
  const Error none{ErrorCode::kUnauthenticated, "sign in first", "", "session"};
  const std::string token = SessionToken(ctx, req);
  if (token.empty()) return none;
  MUSTER_ASSIGN(app::SessionInfo info, ctx.accounts.Authenticate(token, req.remote_address));
  // A cookie is sent by the browser on its own: a change of state also needs the CSRF header.
  if (!req.BearerToken() && ChangesState(req.method)) {
    auto csrf = req.Header("X-CSRF-Token");
    if (!csrf || !SameSecret(*csrf, info.csrf_token)) {
      return Error{ErrorCode::kForbidden, "missing or wrong X-CSRF-Token header", "X-CSRF-Token",
                   "csrf"};
    }
  }
  return info;
}

// Records a denial (403) of `what` ("POST /api/v1/...") in the audit log; failing to record it
// must not change the answer.
void AuditDenial(app::AuditLog& audit, const app::Actor& actor, const std::string& what) {
  (void)audit.Record(actor, "denied", what);
}

std::string RouteOf(const http::Request& req) {
  return std::string(http::MethodName(req.method)) + " " + req.route_pattern;
}

// Passes an asynchronous route's answer on, recording it in the audit log when it is a denial.
class AuditingSink final : public http::Reply::Sink {
 public:
  AuditingSink(http::Reply reply, app::AuditLog& audit, app::Actor actor, std::string what)
      : reply_(std::move(reply)), audit_(audit), actor_(std::move(actor)), what_(std::move(what)) {}

  void Deliver(std::function<http::Response()> build) override {
    reply_.SendFrom([build = std::move(build), &audit = audit_, actor = actor_, what = what_] {
      http::Response resp = build();
      if (resp.status == 403) AuditDenial(audit, actor, what);
      return resp;
    });
  }

 private:
  http::Reply reply_;
  app::AuditLog& audit_;
  app::Actor actor_;
  std::string what_;
};

}  // namespace

http::AsyncHandler AuthedAsync(ApiContext& ctx, app::AuditLog& audit, AsyncActorHandler handler) {
  return [&ctx, &audit, handler = std::move(handler)](const http::Request& req, http::Reply reply) {
    auto session = Authenticate(ctx, req);
    if (!session.ok()) return reply.Send(http::ErrorResponse(session.error()));
    http::Reply audited(
        std::make_shared<AuditingSink>(std::move(reply), audit, session->actor, RouteOf(req)));
    handler(req, session->actor, std::move(audited));
  };
}

http::Handler Authed(ApiContext& ctx, app::AuditLog& audit, ActorHandler handler) {
  return [&ctx, &audit, handler = std::move(handler)](const http::Request& req) -> http::Response {
    auto session = Authenticate(ctx, req);
    if (!session.ok()) return http::ErrorResponse(session.error());
    http::Response resp = handler(req, session->actor);
    if (resp.status == 403) AuditDenial(audit, session->actor, RouteOf(req));
    return resp;
  };
}

std::string SessionToken(const ApiContext& ctx, const http::Request& req) {
  if (auto bearer = req.BearerToken()) return std::string(*bearer);
  if (auto cookie = req.Cookie(SessionCookieName(ctx.secure_cookies))) return *cookie;
  return {};
}

std::string StreamOwner(std::string_view token) {
  if (token.empty()) return {};
  return "session:" + crypto::TokenDigest(token);  // as DeliverLiveEvent names it
}

void DeliverLiveEvent(http::EventHub& hub, std::string kind, std::string payload,
                      std::string topic) {
  if (kind == app::kSessionEndedEvent) {
    nlohmann::json body = nlohmann::json::parse(payload, nullptr, false);
    if (body.is_object() && body.value("session", nlohmann::json()).is_string()) {
      hub.CloseOwnedBy("session:" + body["session"].get<std::string>());
    }
    return;
  }
  hub.Publish({std::move(kind), std::move(payload), std::move(topic)});
}

Result<nlohmann::json> ParseObjectBody(const http::Request& req) {
  MUSTER_ASSIGN(nlohmann::json json, http::ParseJsonBody(req));
  if (!json.is_object()) return BadRequest("the body must be a JSON object");
  return json;
}

http::Response WithBody(const http::Request& req,
                        const std::function<http::Response(http::BodyReader&)>& fill) {
  auto json = ParseObjectBody(req);
  if (!json.ok()) return http::ErrorResponse(json.error());
  http::BodyReader reader(*json);
  return fill(reader);
}

Result<store::Page> PageOf(const http::Request& req) {
  store::Page page;
  MUSTER_ASSIGN(auto limit, req.QueryInt("limit"));
  if (limit) {
    if (*limit < 1 || *limit > 500) return BadRequest("limit: must lie between 1 and 500", "limit");
    page.limit = static_cast<int>(*limit);
  }
  MUSTER_ASSIGN(auto cursor, req.QueryInt("cursor"));
  if (cursor) {
    if (*cursor < 0) return BadRequest("cursor: not a cursor this API gave", "cursor");
    page.after = *cursor;
  }
  return page;
}

}  // namespace muster::api
