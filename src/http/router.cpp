#include "http/router.h"

#include <array>
#include <stdexcept>
#include <utility>

namespace muster::http {

namespace {

constexpr std::size_t kMethodCount = 7;
constexpr std::size_t kMaxSegments = 32;

std::size_t MethodIndex(Method method) { return static_cast<std::size_t>(method); }

// Splits "/a/b/c" into {"a", "b", "c"}; "/" gives {""}. False when `path` is not absolute or
// has too many segments to name any route.
bool SplitPath(std::string_view path, std::vector<std::string_view>& segments) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  while (true) {
    if (segments.size() == kMaxSegments) return false;
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

struct Router::Route {
  Method method;
  std::string pattern;
  std::vector<std::string> param_names;
  Handler handler;
  AsyncHandler async_handler;
  RouteOptions options;
  std::size_t index = 0;
};

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;
  std::array<const Route*, kMethodCount> by_method{};

  bool HasRoutes() const {
    for (const Route* route : by_method) {
      if (route != nullptr) return true;
    }
    return false;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::Add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  AddRoute(method, pattern, options).handler = std::move(handler);
}

void Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                      RouteOptions options) {
  AddRoute(method, pattern, options).async_handler = std::move(handler);
}

Router::Route& Router::AddRoute(Method method, std::string_view pattern, RouteOptions options) {
  std::vector<std::string_view> segments;
  if (!SplitPath(pattern, segments)) {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  auto route = std::make_unique<Route>();
  Node* node = root_.get();
  for (std::string_view segment : segments) {
    if (IsParameter(segment)) {
      route->param_names.emplace_back(segment.substr(1, segment.size() - 2));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      continue;
    }
    if (segment.find_first_of("{}?#%") != std::string_view::npos) {
      throw std::invalid_argument("malformed route pattern: " + std::string(pattern));
    }
    Node* next = nullptr;
    for (auto& [literal, child] : node->literals) {
      if (literal == segment) next = child.get();
    }
    if (next == nullptr) {
      node->literals.emplace_back(std::string(segment), std::make_unique<Node>());
      next = node->literals.back().second.get();
    }
    node = next;
  }
  if (node->by_method[MethodIndex(method)] != nullptr) {
    throw std::invalid_argument("route registered twice: " + std::string(MethodName(method)) + " " +
                                std::string(pattern));
  }
  route->method = method;
  route->pattern = std::string(pattern);
  route->options = options;
  route->index = routes_.size();
  node->by_method[MethodIndex(method)] = route.get();
  routes_.push_back(std::move(route));
  return *routes_.back();
}

void Router::Get(std::string_view pattern, Handler handler, RouteOptions options) {
  Add(Method::kGet, pattern, std::move(handler), options);
}
void Router::Post(std::string_view pattern, Handler handler, RouteOptions options) {
  Add(Method::kPost, pattern, std::move(handler), options);
}
void Router::Put(std::string_view pattern, Handler handler, RouteOptions options) {
  Add(Method::kPut, pattern, std::move(handler), options);
}
void Router::Delete(std::string_view pattern, Handler handler, RouteOptions options) {
  Add(Method::kDelete, pattern, std::move(handler), options);
}

void Reply::Send(Response response) const {
  sink_->Deliver([response = std::move(response)]() mutable { return std::move(response); });
}

void Reply::SendFrom(std::function<Response()> build) const { sink_->Deliver(std::move(build)); }

void Router::SetFallback(Handler handler, RouteOptions options) {
  fallback_ = std::make_unique<Route>();
  fallback_->method = Method::kGet;
  fallback_->pattern = "static";
  fallback_->handler = std::move(handler);
  fallback_->options = options;
}

std::size_t Router::fallback_index() const { return routes_.size(); }

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(RouteInfo{route->method, route->pattern});
  return out;
}

const Router::Node* Router::Walk(const Node& node, const std::vector<std::string_view>& segments,
                                 std::size_t at, std::vector<std::string_view>& values) const {
  if (at == segments.size()) return node.HasRoutes() ? &node : nullptr;
  for (const auto& [literal, child] : node.literals) {
    if (literal != segments[at]) continue;
    if (const Node* found = Walk(*child, segments, at + 1, values)) return found;
  }
  if (node.param && !segments[at].empty()) {
    values.push_back(segments[at]);
    if (const Node* found = Walk(*node.param, segments, at + 1, values)) return found;
    values.pop_back();
  }
  return nullptr;
}

RouteMatch Router::Match(Method method, std::string_view path) const {
  RouteMatch match;
  std::vector<std::string_view> segments;
  segments.reserve(8);
  std::vector<std::string_view> values;
  const Node* node = SplitPath(path, segments) ? Walk(*root_, segments, 0, values) : nullptr;
  const bool reads = method == Method::kGet || method == Method::kHead;
  if (node == nullptr) {
    if (fallback_ && reads) {
      match.kind = RouteMatch::Kind::kFound;
      match.handler = &fallback_->handler;
      match.options = &fallback_->options;
      match.pattern = &fallback_->pattern;
      match.route_index = fallback_index();
    }
    return match;
  }
  const Route* route = node->by_method[MethodIndex(method)];
  if (route == nullptr && method == Method::kHead)
    route = node->by_method[MethodIndex(Method::kGet)];
  if (route == nullptr) {
    match.kind = RouteMatch::Kind::kMethodNotAllowed;
    for (std::size_t i = 0; i < kMethodCount; ++i) {
      const bool listed =
          node->by_method[i] != nullptr || (i == MethodIndex(Method::kHead) &&
                                            node->by_method[MethodIndex(Method::kGet)] != nullptr);
      if (!listed) continue;
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += MethodName(static_cast<Method>(i));
    }
    return match;
  }
  match.params.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::optional<std::string> decoded = PercentDecode(values[i], false);
    if (!decoded) return RouteMatch{};
    match.params.emplace_back(route->param_names[i], std::move(*decoded));
  }
  match.kind = RouteMatch::Kind::kFound;
  if (route->async_handler) {
    match.async_handler = &route->async_handler;
  } else {
    match.handler = &route->handler;
  }
  match.options = &route->options;
  match.pattern = &route->pattern;
  match.route_index = route->index;
  return match;
}

}  // namespace muster::http
