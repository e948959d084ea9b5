#include "http/request.h"

#include <charconv>

#include "http/text.h"

namespace muster::http {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
  }
  return "GET";
}

std::optional<Method> ParseMethod(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "DELETE") return Method::kDelete;
  if (name == "HEAD") return Method::kHead;
  if (name == "PATCH") return Method::kPatch;
  if (name == "OPTIONS") return Method::kOptions;
  return std::nullopt;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls `visit(name, value)` for each raw "name=value" pair of a query string.
template <typename F>
void ForEachRawPair(std::string_view query, F&& visit) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!visit(name, value)) return;
  }
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Request::SetTarget(std::string_view target) {
  std::size_t q = target.find('?');
  path.assign(target.substr(0, q));
  if (q == std::string_view::npos) {
    raw_query.clear();
  } else {
    raw_query.assign(target.substr(q + 1));
  }
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  std::optional<std::string> found;
  ForEachRawPair(raw_query, [&](std::string_view raw_name, std::string_view raw_value) {
    std::optional<std::string> decoded_name = PercentDecode(raw_name, true);
    if (!decoded_name || *decoded_name != name) return true;
    found = PercentDecode(raw_value, true);
    return false;
  });
  return found;
}

Result<Request::Pairs> Request::QueryParams() const {
  Pairs pairs;
  std::optional<Error> error;
  ForEachRawPair(raw_query, [&](std::string_view raw_name, std::string_view raw_value) {
    std::optional<std::string> name = PercentDecode(raw_name, true);
    std::optional<std::string> value = PercentDecode(raw_value, true);
    if (!name || !value) {
      error = BadRequest("malformed percent-escape in query", name.value_or(""));
      return false;
    }
    pairs.emplace_back(std::move(*name), std::move(*value));
    return true;
  });
  if (error) return *error;
  return pairs;
}

Result<std::optional<std::int64_t>> Request::QueryInt(std::string_view name) const {
  std::optional<std::string> text = Query(name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || text->empty()) {
    return BadRequest("not an integer", std::string(name));
  }
  return std::optional<std::int64_t>(value);
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Result<std::int64_t> Request::PathId(std::string_view name) const {
  std::string_view text = PathParam(name);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
    return NotFound("no such resource");
  }
  return value;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (const auto& [key, header] : headers) {
    if (!EqualsIgnoreCase(key, "cookie")) continue;
    std::string_view rest = header;
    while (!rest.empty()) {
      std::size_t semi = rest.find(';');
      std::string_view item = TrimSpace(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      std::size_t eq = item.find('=');
      if (eq == std::string_view::npos || TrimSpace(item.substr(0, eq)) != name) continue;
      std::string_view value = TrimSpace(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::BearerToken() const {
  std::optional<std::string_view> header = Header("authorization");
  if (!header) return std::nullopt;
  std::string_view value = TrimSpace(*header);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return std::nullopt;
  }
  std::string_view token = TrimSpace(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace muster::http
