#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace muster::http {

// The request methods Muster routes. Anything else is answered 405 before any handler runs.
enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

// Returns the wire spelling of `method`, e.g. "GET".
std::string_view MethodName(Method method);
// Parses a wire method name (case-sensitive, as HTTP requires); nullopt for any other token.
std::optional<Method> ParseMethod(std::string_view name);

// Decodes %XX escapes in `text`; with `plus_is_space`, '+' becomes ' ' (query strings and forms).
// Returns nullopt for a malformed escape ("%4", "%zz").
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// One HTTP request as a handler sees it: a plain value, independent of the network library, so
// handlers can be unit-tested by building one by hand. The server fills every field; `path` keeps
// its percent-escapes (routing works on segments), while query values and path parameters are
// decoded. Not synchronised: a Request belongs to the one thread handling it.
class Request {
 public:
  using Pairs = std::vector<std::pair<std::string, std::string>>;

  Method method = Method::kGet;
  // The target's path, still percent-encoded, without the query ("/api/v1/streets/7/pairing").
  std::string path;
  // The raw query string after '?', without the '?' (never log it: it may hold personal data).
  std::string raw_query;
  // Header names as received; look them up with Header(), which ignores case.
  Pairs headers;
  std::string body;
  // The peer's address, "127.0.0.1" or "::1" (no port).
  std::string remote_address;
  // Decoded values of the route pattern's parameters, in pattern order: {"id", "7"}.
  Pairs path_params;
  // The pattern of the route that matched ("/api/v1/streets/{id}/pairing"); empty when none.
  std::string route_pattern;
  // The id that the answer's X-Request-Id carries and the logs use to correlate.
  std::string request_id;

  // Parses `target` ("/path?query") into `path` and `raw_query`.
  void SetTarget(std::string_view target);

  // Returns the value of the first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;

  // Returns the decoded value of the first query parameter `name`, or nullopt when absent.
  // A parameter whose escapes are malformed counts as absent; use QueryParams() to tell.
  std::optional<std::string> Query(std::string_view name) const;
  // Returns every query parameter decoded, in order, or bad_request naming a malformed one.
  Result<Pairs> QueryParams() const;
  // Returns the query parameter `name` as an integer, nullopt when absent, or bad_request naming
  // `name` when it is not an integer.
  Result<std::optional<std::int64_t>> QueryInt(std::string_view name) const;

  // Returns the decoded path parameter `name`; REQUIRES: the route pattern declares it.
  std::string_view PathParam(std::string_view name) const;
  // Returns the path parameter `name` as a positive id, or not_found when it is not one (an id
  // that cannot exist names no resource).
  Result<std::int64_t> PathId(std::string_view name) const;

  // Returns the value of cookie `name` from the Cookie header(s), or nullopt.
  std::optional<std::string> Cookie(std::string_view name) const;
  // Returns the token of an "Authorization: Bearer <token>" header (scheme case-insensitive), or
  // nullopt when the header is absent or of another scheme.
  std::optional<std::string_view> BearerToken() const;
};

}  // namespace muster::http
