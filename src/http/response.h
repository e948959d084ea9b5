#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/request.h"

namespace muster::http {

class EventStream;

inline constexpr std::string_view kJsonContentType = "application/json";

// One answer as a handler builds it. The server adds what every answer carries (security headers,
// X-Request-Id, Content-Length, Cache-Control: no-store unless the handler set its own
// Cache-Control), so handlers set only what is particular to them. Not synchronised.
struct Response {
  Response() = default;
  // The error answer for `error` (as ErrorResponse), so that MUSTER_TRY and MUSTER_ASSIGN work in
  // handlers declared `-> Response`.
  Response(const Error& error);  // NOLINT(google-explicit-constructor): implicit by design

  int status = 200;
  std::string content_type = std::string(kJsonContentType);
  std::string body;
  // Extra headers; do not set Content-Length, Connection or Transfer-Encoding here.
  Request::Pairs headers;
  // When set, the server answers 200 text/event-stream and keeps the connection open, writing
  // what other threads push to the stream (see event_hub.h); `body` is then ignored. Shared
  // because the connection and the EventHub that feeds it both hold it.
  std::shared_ptr<EventStream> stream;
  // For internal errors only: the detail the server logs with the correlation id. It is never
  // sent: the server replaces the body of such answers with a generic one naming the id.
  std::string internal_detail;

  // Sets header `name` to `value`, replacing an earlier value of the same name (any case).
  void SetHeader(std::string_view name, std::string value);
  // Returns the value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;

  // Returns a JSON answer; strings that are not valid UTF-8 are replaced, never thrown on.
  static Response Json(const nlohmann::json& body, int status = 200);
  // Returns an answer with a body of the given type.
  static Response Text(std::string body, std::string content_type = "text/plain; charset=utf-8",
                       int status = 200);
  // Returns 204 with no body.
  static Response NoContent();
  // Returns a server-sent event stream answer that delivers what is pushed to `stream`.
  static Response Stream(std::shared_ptr<EventStream> stream);
};

// Returns an Error of `code` with `message` (for the codes base/error.h has no builder for).
Error MakeError(ErrorCode code, std::string message, std::string field = {});

// Returns the HTTP status of `code`: the one place the API contract's error codes meet HTTP.
int HttpStatus(ErrorCode code);

// Returns the API's error answer for `error`: status HttpStatus(error.code) and body
// {"error": {"code", "message", "field"?, "reason"?}} (field and reason omitted when empty).
// unavailable answers carry Retry-After; unauthenticated answers carry WWW-Authenticate: Bearer;
// internal errors never expose their message (see Response::internal_detail).
Response ErrorResponse(const Error& error);

// Returns 429 rate_limited with Retry-After: `retry_after` (at least one second).
Response RateLimitedResponse(std::chrono::seconds retry_after);

// Returns the 500 answer that names `correlation_id` and nothing else about the failure.
Response InternalErrorResponse(std::string_view correlation_id);

// Returns `result`'s value encoded by `encode` (status `status`), or its error's answer:
//   return Respond(app.CreateDistrict(...), [](const District& d) { return ToJson(d); }, 201);
template <typename T, typename Encode>
Response Respond(const Result<T>& result, Encode&& encode, int status = 200) {
  if (!result.ok()) return ErrorResponse(result.error());
  return Response::Json(encode(*result), status);
}

}  // namespace muster::http
