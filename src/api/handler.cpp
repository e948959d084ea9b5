#include "api/handler.h"

#include <sodium.h>

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
  if (auto bearer = req.BearerToken()) {
    return ctx.accounts.Authenticate(std::string(*bearer), req.remote_address);
  }
  auto cookie = req.Cookie(SessionCookieName(ctx.secure_cookies));
  if (!cookie) return none;
  MUSTER_ASSIGN(app::SessionInfo info, ctx.accounts.Authenticate(*cookie, req.remote_address));
  if (ChangesState(req.method)) {
    auto csrf = req.Header("X-CSRF-Token");
    if (!csrf || !SameSecret(*csrf, info.csrf_token)) {
      return Error{ErrorCode::kForbidden, "missing or wrong X-CSRF-Token header", "X-CSRF-Token",
                   "csrf"};
    }
  }
  return info;
}

}  // namespace

http::Handler Authed(ApiContext& ctx, app::AuditLog& audit, ActorHandler handler) {
  return [&ctx, &audit, handler = std::move(handler)](const http::Request& req) -> http::Response {
    auto session = Authenticate(ctx, req);
    if (!session.ok()) return http::ErrorResponse(session.error());
    http::Response resp = handler(req, session->actor);
    if (resp.status == 403) {
      // A denial is worth recording; failing to record it must not change the answer.
      (void)audit.Record(session->actor, "denied",
                         std::string(http::MethodName(req.method)) + " " + req.route_pattern);
    }
    return resp;
  };
}

http::Response WithBody(const http::Request& req,
                        const std::function<http::Response(http::BodyReader&)>& fill) {
  auto json = http::ParseJsonBody(req);
  if (!json.ok()) return http::ErrorResponse(json.error());
  if (!json->is_object()) return http::ErrorResponse(BadRequest("the body must be a JSON object"));
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
