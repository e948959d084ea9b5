#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace muster::http {

// A sink for log lines (one line, no trailing newline). Called from network and handler threads
// at once: it must be thread-safe.
using LogSink = std::function<void(std::string_view line)>;

// How the server listens, how many threads it runs and what it refuses.
struct ServerOptions {
  std::string host = "127.0.0.1";
  // 0 lets the system pick a free port; Server::port() tells which.
  std::uint16_t port = 8080;
  // Threads running the event loops. No thread waits on a socket, so a few serve thousands of
  // connections. Handlers run on the thread that owns their connection (no thread hop, which
  // halves the cost of a small request), so while one waits on the database only that loop's
  // connections wait: hence more threads than cores. 0 means two per hardware thread.
  int io_threads = 0;
  // Threads running the handlers of routes marked RouteOptions::offload (long work, which must
  // not hold up a loop); 0 means max(32, 8 per hardware thread), -1 none (offloaded routes then
  // run on their loop). Asynchronous routes (Router::AddAsync, such as sign-ups, which wait for
  // their group commit in the store's queue) need no thread here.
  int handler_threads = 0;
  // Event loops the io threads run; connections are spread over the loops and stay on theirs.
  // 0 means one loop per thread: cheapest per request, but a handler that blocks holds up the
  // other connections of its loop. Fewer loops than threads let any free thread of a loop serve
  // its connections (better tails when handlers wait on a remote database) at the cost of
  // strands and cross-thread wake-ups (about a quarter more CPU per small request).
  int event_loops = 0;
  // Requests with larger headers are answered 431; larger bodies 413 payload_too_large.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;  // routes may allow more (RouteOptions)
  // A connection must deliver a request's headers within header_timeout of the previous answer
  // (this bounds idle keep-alive connections and slow-header attacks) and its body within
  // body_timeout; an answer must be written within write_timeout.
  std::chrono::seconds header_timeout{30};
  std::chrono::seconds body_timeout{60};
  std::chrono::seconds write_timeout{30};
  // Interval of the comment lines that keep idle event streams (and proxies) alive.
  std::chrono::milliseconds sse_heartbeat{15000};
  // Connections beyond this are closed as soon as they are accepted.
  std::size_t max_connections = 20000;
  // How long Stop() lets requests in flight finish before closing their connections.
  std::chrono::milliseconds shutdown_grace{10000};
  // One JSON line per answered request: time, method, route pattern (never the raw path or
  // query), status, duration_ms, bytes, request_id. Null: no access log.
  LogSink access_log;
  // Errors: handler exceptions and internal errors with their correlation id. Null: stderr.
  LogSink error_log;
  // Where the server's metrics go (see RegisterBuiltinRoutes); null: a registry of its own.
  // Must outlive the server.
  Metrics* metrics = nullptr;
  // The clock of the access log's timestamps; null: the system clock. Must outlive the server.
  const Clock* clock = nullptr;
};

// An HTTP/1.1 server (keep-alive, pipelining-safe) on a fixed set of event-loop threads, plus a
// pool of threads for long handlers. Every answer carries the security headers,
// X-Request-Id and, unless the handler set one, Cache-Control: no-store. Handlers that throw
// are answered 500 with a correlation id. Server-sent event answers stay open until the client
// leaves, the stream closes or the server stops.
//
// Start() and Stop() are called from one controlling thread (never from a handler).
class Server {
 public:
  // `router` must be complete and outlive the server.
  Server(const Router& router, ServerOptions options);
  // Stops the server if it is running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port, listens and starts the threads. Returns unavailable naming the address when
  // it cannot listen. REQUIRES: not started before.
  Status Start();

  // Returns the bound port (the chosen one when options asked for 0). REQUIRES: Start() ok.
  std::uint16_t port() const;
  // Returns "host:port" as bound, for the log line that says where the server listens.
  std::string address() const;

  // Stops gracefully: stops accepting, closes idle keep-alive connections and event streams, lets
  // requests in flight finish and answers them with Connection: close, then after
  // shutdown_grace closes whatever is still open. Returns once every thread has ended; a handler
  // still running past the grace period is waited for (its answer is dropped). Idempotent.
  void Stop();

  // Returns the number of open connections (for tests and diagnostics). Thread-safe.
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Registers GET /healthz (200 {"status":"ok"}) and GET /metrics (Prometheus text of `metrics`)
// on `router`. `metrics` must outlive the router.
void RegisterBuiltinRoutes(Router& router, const Metrics& metrics);

}  // namespace muster::http
