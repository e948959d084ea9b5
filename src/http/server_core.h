#pragma once

// Internal to http/: the state a Server's connections share. Includes Asio, so only the server's
// own .cpp files include it.

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace prometheus {
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace muster::http {

class Session;

// The server's HTTP metrics, with the series of each route found once and cached, so recording a
// request takes no lock on the common path. Thread-safe.
class HttpMetrics {
 public:
  HttpMetrics(Metrics& metrics, const Router& router);
  ~HttpMetrics();

  // Slots: one per route (its index), then one per method for the fallback, then one per method
  // for unmatched requests. `method` is nullopt for methods Muster does not route.
  std::size_t FallbackSlot(std::optional<Method> method) const;
  std::size_t UnmatchedSlot(std::optional<Method> method) const;

  // Counts one answered request of `slot` with `status` that took `seconds`.
  void Record(std::size_t slot, int status, double seconds);

  Gauge in_flight;
  Gauge connections;
  Gauge streams;

 private:
  struct Slot;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::size_t route_count_ = 0;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* latency_ = nullptr;
};

// What every connection of one server shares; lives in Server::Impl and outlives all sessions.
struct ServerCore {
  ServerCore(const Router& router, ServerOptions options, Metrics& metrics);

  // Returns a fresh request id: a random per-process prefix and a counter.
  std::string NextRequestId();
  // Writes `line` to the error log (stderr when none is set).
  void LogError(std::string_view line) const;

  void Register(const std::shared_ptr<Session>& session);
  void Unregister(Session* session);
  std::vector<std::shared_ptr<Session>> LiveSessions();

  const Router& router;
  const ServerOptions options;
  RealClock real_clock;
  const Clock& clock;
  HttpMetrics http_metrics;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connection_count{0};

  std::mutex sessions_mu;
  std::condition_variable sessions_cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // GUARDED_BY(sessions_mu)

  // Returns the loop for the next connection (round robin).
  boost::asio::io_context& NextLoop();
  std::atomic<std::size_t> next_loop{0};

  // Answers of asynchronous handlers not yet delivered (Reply): Stop() waits for them, as it
  // waits for the handler pool, so that nothing delivers into a stopped server.
  void BeginReply();
  void EndReply();
  void WaitForReplies();
  std::mutex replies_mu;
  std::condition_variable replies_cv;
  std::size_t pending_replies = 0;  // GUARDED_BY(replies_mu)

  std::string request_id_prefix;
  std::atomic<std::uint64_t> next_request_id{1};

  // Declared last: destroyed first, so sessions that die with pending operations can still
  // unregister from the members above.
  std::unique_ptr<boost::asio::thread_pool> handler_pool;  // null: handlers run on their loop
  // By default one io_context per thread (concurrency hint 1): a connection's operations all run
  // on its loop's thread, so they need no strand and cost no cross-thread wake-ups. With fewer
  // loops than threads (shared_loops), each connection gets a strand.
  std::vector<std::unique_ptr<boost::asio::io_context>> loops;
  int thread_count = 1;
  bool shared_loops = false;  // several threads per loop: connections need strands
};

}  // namespace muster::http
