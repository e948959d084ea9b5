#pragma once

// Internal to api/: templates that route groups share.

#include <optional>
#include <string>
#include <vector>

#include "api/codec.h"
#include "api/handler.h"
#include "http/json_body.h"
#include "http/response.h"

namespace muster::api {

using http::BodyReader;
using http::Request;
using http::Response;
using app::Actor;

template <typename T>
Response Created(const Result<T>& r) {
  return http::Respond(r, [](const T& v) { return Encode(v); }, 201);
}

template <typename T>
Response One(const Result<T>& r) {
  return http::Respond(r, [](const T& v) { return Encode(v); });
}

// A list route: `list(req, page)` answers the page's items.
template <typename T, typename List>
http::Handler ListRoute(ApiContext& ctx, app::AuditLog& audit, List list) {
  return Authed(ctx, audit, [list](const Request& req, const Actor& a) -> Response {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    Result<std::vector<T>> items = list(req, a, *page);
    if (!items.ok()) return http::ErrorResponse(items.error());
    return Response::Json(EncodePage(*items, page->limit));
  });
}

// A read of one object by its {id}.
template <typename IdT, typename Get>
http::Handler GetRoute(ApiContext& ctx, app::AuditLog& audit, Get get) {
  return Authed(ctx, audit, [get](const Request& req, const Actor& a) -> Response {
    auto id = PathIdOf<IdT>(req);
    if (!id.ok()) return http::ErrorResponse(NotFound("no such object"));
    return One(get(a, *id));
  });
}

inline Result<std::optional<Date>> OptionalDate(const std::optional<std::string>& text, std::string_view field) {
  if (!text) return std::optional<Date>();
  MUSTER_ASSIGN(Date d, ParseDate(*text, field));
  return std::optional<Date>(d);
}

// Reads an enum field with `parse` (which names the field in its error).
template <typename E, typename Parse>
E EnumField(BodyReader& r, std::string_view key, Parse parse, E fallback, bool required = true) {
  std::optional<std::string> text = required ? std::optional<std::string>(r.String(key))
                                             : r.OptionalString(key);
  if (!text) return fallback;
  auto v = parse(*text, key);
  if (!v.ok()) {
    r.Fail(v.error());
    return fallback;
  }
  return *v;
}

}  // namespace muster::api
