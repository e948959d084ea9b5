// Sign-in, sign-out, who am I, accounts and the audit log.
#include "api/codec.h"
#include "api/handler.h"
#include "api/routes.h"

namespace muster::api {

using http::BodyReader;
using http::Request;
using http::Response;

std::string SessionCookieName(bool secure) {
  return secure ? "__Host-muster_session" : "muster_session";
}

namespace {

std::string SessionCookie(const ApiContext& ctx, const std::string& token, long max_age) {
  std::string cookie = SessionCookieName(ctx.secure_cookies) + "=" + token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (ctx.secure_cookies) cookie += "; Secure";
  return cookie;
}

Response Login(ApiContext& ctx, const Request& req) {
  return WithBody(req, [&](BodyReader& r) -> Response {
    std::string username = r.String("username");
    std::string password = r.String("password");
    if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
    auto grant = ctx.accounts.Login(username, password, req.remote_address);
    if (!grant.ok()) {
      if (grant.error().code == ErrorCode::kRateLimited) {
        return http::RateLimitedResponse(std::chrono::seconds(grant.error().retry_after));
      }
      return http::ErrorResponse(grant.error());
    }
    nlohmann::json body = {{"token", grant->token},
                           {"csrf_token", grant->csrf_token},
                           {"user", Encode(grant->user)},
                           {"expires_at", FormatRfc3339(grant->idle_expires_at)}};
    Response resp = Response::Json(body);
    resp.SetHeader("Set-Cookie",
                   SessionCookie(ctx, grant->token, ctx.accounts.options().absolute_timeout.count()));
    return resp;
  });
}

}  // namespace

void RegisterSessionRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  router.Post("/api/v1/session", [&ctx](const Request& req) { return Login(ctx, req); });

  router.Delete("/api/v1/session", Authed(ctx, audit, [&ctx](const Request& req, const app::Actor& a) {
    const std::string token = SessionToken(ctx, req);
    if (Status s = ctx.accounts.Logout(token, a); !s.ok()) return http::ErrorResponse(s.error());
    // The session's live pages end with it (those this process serves; see docs/notifications.md).
    ctx.events.CloseOwnedBy(StreamOwner(token));
    Response resp = Response::Json({{"signed_out", true}});
    resp.SetHeader("Set-Cookie", SessionCookie(ctx, "", 0));
    return resp;
  }));

  router.Get("/api/v1/me", Authed(ctx, audit, [&ctx](const Request& req, const app::Actor& a) {
    auto user = ctx.accounts.FindUser(a.user_id);
    if (!user.ok()) return http::ErrorResponse(user.error());
    nlohmann::json body = Encode(*user);
    // A demo city says so, and which period its outbreak covers (the web interface opens there).
    auto demo = ctx.registry.Demo();
    if (!demo.ok()) return http::ErrorResponse(demo.error());
    if (*demo) {
      body["demo"] = {{"label", (*demo)->label}};
      if ((*demo)->from && (*demo)->to) {
        body["demo"]["from"] = FormatDate(*(*demo)->from);
        body["demo"]["to"] = FormatDate(*(*demo)->to);
      }
    }
    // A cookie session's CSRF token, so that a second tab of the web interface can write too.
    if (!req.BearerToken()) {
      if (auto cookie = req.Cookie(SessionCookieName(ctx.secure_cookies))) {
        auto session = ctx.accounts.Authenticate(*cookie, req.remote_address);
        if (session.ok()) body["csrf_token"] = session->csrf_token;
      }
    }
    return Response::Json(body);
  }));

  router.Post("/api/v1/users", Authed(ctx, audit, [&ctx](const Request& req, const app::Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::NewUser in;
      in.username = r.String("username");
      in.password = r.String("password");
      std::string role = r.String("role");
      in.scope_id = r.OptionalInt("scope_id");
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      auto parsed = app::ParseRole(role);
      if (!parsed.ok()) return http::ErrorResponse(parsed.error());
      in.role = *parsed;
      return http::Respond(ctx.accounts.AddUser(a, in), [](const app::User& u) { return Encode(u); },
                           201);
    });
  }));

  router.Get("/api/v1/audit", Authed(ctx, audit, [&audit](const Request& req, const app::Actor& a) {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    auto entries = audit.Read(a, page->after, page->limit);
    if (!entries.ok()) return http::ErrorResponse(entries.error());
    nlohmann::json out = {{"items", nlohmann::json::array()}, {"next", nullptr}};
    for (const auto& e : *entries) out["items"].push_back(Encode(e));
    if (static_cast<int>(entries->size()) == page->limit) out["next"] = std::to_string(entries->back().id);
    return Response::Json(out);
  }));
}

}  // namespace muster::api
