#pragma once

// Internal to api/: the wrappers every route uses.

#include <functional>
#include <optional>

#include "api/api.h"
#include "app/access.h"
#include "app/audit.h"
#include "http/json_body.h"
#include "http/request.h"
#include "http/response.h"
#include "store/registry_repo.h"

namespace muster::api {

using ActorHandler = std::function<http::Response(const http::Request&, const app::Actor&)>;

// Wraps a handler that needs a signed-in user: finds the session (bearer token or cookie),
// checks the CSRF header on cookie requests that change state, and records denials (403) in the
// audit log.
http::Handler Authed(ApiContext& ctx, app::AuditLog& audit, ActorHandler handler);

using AsyncActorHandler = std::function<void(const http::Request&, const app::Actor&, http::Reply)>;

// The same for an asynchronous route (http::Router::AddAsync): the handler answers through the
// Reply, and a 403 it sends is recorded in the audit log on the connection's loop.
http::AsyncHandler AuthedAsync(ApiContext& ctx, app::AuditLog& audit, AsyncActorHandler handler);

// Returns the session token the request presents (bearer token, else the session cookie), or
// empty.
std::string SessionToken(const ApiContext& ctx, const http::Request& req);

// Names a session's event streams (http::EventHub owner), so that they end with it.
std::string StreamOwner(std::string_view token);

// Parses the JSON body, which must be an object.
Result<nlohmann::json> ParseObjectBody(const http::Request& req);

// Parses the JSON body and hands a BodyReader to `fill`, which returns the response.
http::Response WithBody(const http::Request& req,
                        const std::function<http::Response(http::BodyReader&)>& fill);

// Reads ?limit= (1..500, default 100) and ?cursor= into a page.
Result<store::Page> PageOf(const http::Request& req);

// Reads an optional positive id from the query.
template <typename IdT>
Result<std::optional<IdT>> QueryId(const http::Request& req, std::string_view name) {
  MUSTER_ASSIGN(auto v, req.QueryInt(name));
  if (!v) return std::optional<IdT>();
  if (*v <= 0) return BadRequest(std::string(name) + ": must be a positive id", std::string(name));
  return std::optional<IdT>(IdT(*v));
}

// Reads the {id} path parameter.
template <typename IdT>
Result<IdT> PathIdOf(const http::Request& req) {
  MUSTER_ASSIGN(auto v, req.PathId("id"));
  return IdT(v);
}

// Returns the bytes of an optional id field.
template <typename IdT>
std::optional<IdT> OptId(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return IdT(*v);
}

}  // namespace muster::api
