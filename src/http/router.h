#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace muster::http {

// A synchronous handler. The server calls it on the event-loop thread that owns the connection
// (or on the handler pool, see RouteOptions::offload) with a request it owns until the handler
// returns; many handlers run at once on different threads, so shared state needs locks. An
// exception that escapes is a bug: the server logs it with a correlation id and answers 500 without
// its text.
using Handler = std::function<Response(const Request&)>;

// How an asynchronous handler answers: hand it on to the code that finishes the work (a write
// queued in the store) and call Send once, from any thread. Copies share one answer: the first
// Send counts, later ones are ignored. If the last copy goes without a Send, the request is
// answered 500 and the error logged, so no connection waits forever.
class Reply {
 public:
  // The server's side of a reply.
  class Sink {
   public:
    virtual ~Sink() = default;
    // Sends what `build` returns; called once at most. `build` runs on the connection's thread.
    virtual void Deliver(std::function<Response()> build) = 0;
  };

  explicit Reply(std::shared_ptr<Sink> sink) : sink_(std::move(sink)) {}

  // Sends `response`.
  void Send(Response response) const;
  // Runs `build` on the connection's event loop and sends what it returns: for answers worth
  // encoding off the thread that finished the work (which may be serving many). An exception
  // `build` throws is answered 500.
  void SendFrom(std::function<Response()> build) const;

 private:
  std::shared_ptr<Sink> sink_;
};

// An asynchronous handler. The server calls it on the connection's event loop with a request
// valid only during the call (copy what the work needs); it must return quickly, leaving the
// work to other threads, which answer through the Reply. For work that waits on a queue
// (sign-ups waiting for their group commit) without holding a thread per request.
using AsyncHandler = std::function<void(const Request&, Reply)>;

// What a route may change about how the server treats its requests.
struct RouteOptions {
  // The largest body accepted, in bytes; 0 means the server's default (ServerOptions).
  std::size_t max_body_bytes = 0;
  // Runs the handler on the server's handler pool instead of the connection's event loop: for
  // handlers that may take long (imports, exports, dispatch planning). Other handlers run on the
  // event loop that owns the connection, which a short database query may block: each loop
  // serves only its share of the connections and there are several loops per core (see
  // ServerOptions::io_threads). Offloading costs two thread hops per request.
  bool offload = false;
};

// A registered route as listed by Router::Routes().
struct RouteInfo {
  Method method;
  std::string pattern;
};

// One route the server found for a request: what to call and with which parameters.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Handler* handler = nullptr;             // kFound only, unless the route is asynchronous
  const AsyncHandler* async_handler = nullptr;  // kFound only, for asynchronous routes
  const RouteOptions* options = nullptr;        // kFound only
  const std::string* pattern = nullptr;         // kFound only; outlives the router's use
  std::size_t route_index = 0;                  // kFound only: index in Routes()
  Request::Pairs params;                        // kFound only, decoded
  std::string allow;                            // kMethodNotAllowed: "GET, HEAD, PUT"
};

// Maps method + path to handlers. Patterns are literal segments and {name} parameters, matching
// whole segments: "/api/v1/streets/{id}/pairing". Literal segments win over parameters
// ("/members/import" before "/members/{id}"). HEAD falls back to the GET route.
//
// Register every route before the server starts; afterwards the router is read-only and Match()
// may be called from any thread at once.
class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `handler` for `method` on `pattern`. Throws std::invalid_argument for a malformed
  // pattern or a route registered twice: both are programming errors found at start-up.
  void Add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void Get(std::string_view pattern, Handler handler, RouteOptions options = {});
  void Post(std::string_view pattern, Handler handler, RouteOptions options = {});
  void Put(std::string_view pattern, Handler handler, RouteOptions options = {});
  void Delete(std::string_view pattern, Handler handler, RouteOptions options = {});
  // Registers an asynchronous handler (RouteOptions::offload does not apply to it).
  void AddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                RouteOptions options = {});

  // Sets the handler for GET and HEAD requests whose path matches no pattern (the web interface's
  // static files); without one such requests answer 404. The fallback is not listed by Routes().
  void SetFallback(Handler handler, RouteOptions options = {});

  // Returns every registered route (method, pattern) in registration order.
  std::vector<RouteInfo> Routes() const;

  // Finds the route for `method` and the still-encoded `path`. Thread-safe once routes are set.
  RouteMatch Match(Method method, std::string_view path) const;

  // The route index Match() reports for the fallback (== Routes().size()).
  std::size_t fallback_index() const;

 private:
  struct Node;
  struct Route;

  // Adds a route for `method` and `pattern` and returns it for the caller to set its handler.
  Route& AddRoute(Method method, std::string_view pattern, RouteOptions options);
  const Node* Walk(const Node& node, const std::vector<std::string_view>& segments, std::size_t at,
                   std::vector<std::string_view>& values) const;

  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Route> fallback_;
};

}  // namespace muster::http
