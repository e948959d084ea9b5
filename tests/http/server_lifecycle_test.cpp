// Server behaviour over time: event streams, timeouts and graceful shutdown.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "http/event_hub.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/test_client.h"

namespace muster::http {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

// Polls `condition` for up to `timeout`.
template <typename F>
bool Eventually(F&& condition, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

#define ASSERT_STARTS(server)                                          \
  do {                                                                 \
    Status start_status = (server).Start();                            \
    ASSERT_TRUE(start_status.ok()) << start_status.error().ToString(); \
  } while (0)

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.io_threads = 2;
  options.handler_threads = 2;
  options.error_log = [](std::string_view) {};
  return options;
}

TEST(EventStreams, DeliversPublishedEventsAndCleansUpOnDisconnect) {
  EventHub hub;
  Router router;
  router.Get("/api/v1/events",
             [&hub](const Request&) { return Response::Stream(hub.Subscribe()); });
  Server server(router, TestOptions());
  ASSERT_STARTS(server);

  auto client = std::make_unique<TestClient>(server.port());
  ASSERT_TRUE(client->Send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = client->Read();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(head->Header("Cache-Control"), "no-store");
  EXPECT_EQ(head->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(hub.subscriber_count(), 1u);

  hub.Publish(Event{"shift_updated", R"({"shift_id":9})", ""});
  auto received = client->ReadUntil("data: {\"shift_id\":9}\n\n");
  ASSERT_TRUE(received.has_value());
  EXPECT_NE(received->find("event: shift_updated\n"), std::string::npos);
  hub.Publish(Event{"", "second", ""});
  EXPECT_TRUE(client->ReadUntil("data: second\n\n").has_value());

  client.reset();  // the dashboard closes its tab
  EXPECT_TRUE(Eventually([&] { return hub.subscriber_count() == 0; }));
  EXPECT_TRUE(Eventually([&] { return server.connection_count() == 0; }));
  server.Stop();
}

TEST(EventStreams, SendsHeartbeatsWhileIdle) {
  EventHub hub;
  Router router;
  router.Get("/events", [&hub](const Request&) { return Response::Stream(hub.Subscribe()); });
  ServerOptions options = TestOptions();
  options.sse_heartbeat = 50ms;
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.Read().has_value());
  EXPECT_TRUE(client.ReadUntil(": heartbeat\n\n", 2s).has_value());
}

TEST(EventStreams, StopClosesOpenStreams) {
  EventHub hub;
  Router router;
  router.Get("/events", [&hub](const Request&) { return Response::Stream(hub.Subscribe()); });
  Server server(router, TestOptions());
  ASSERT_STARTS(server);
  TestClient client(server.port());
  client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.Read().has_value());
  const auto started = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(client.WaitClosed(2s));
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(GracefulStop, FinishesTheRequestInFlightAndClosesIdleConnections) {
  std::atomic<bool> slow_started{false};
  Router router;
  RouteOptions offload;
  offload.offload = true;
  router.Get(
      "/slow",
      [&](const Request&) {
        slow_started = true;
        std::this_thread::sleep_for(300ms);
        return Response::Json({{"done", true}});
      },
      offload);
  router.Get("/hello", [](const Request&) { return Response::Json({{"hello", 1}}); });
  Server server(router, TestOptions());
  ASSERT_STARTS(server);
  TestClient idle(server.port());
  ASSERT_EQ(idle.Call("GET", "/hello")->status, 200);

  TestClient busy(server.port());
  busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([&] { return slow_started.load(); }));
  auto stopped = std::async(std::launch::async, [&] { server.Stop(); });

  auto response = busy.Read(3s);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(idle.WaitClosed(2s));
  EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready);
  TestClient late(server.port());
  EXPECT_FALSE(late.connected() && late.Call("GET", "/hello").has_value());
}

TEST(GracefulStop, GivesUpOnRequestsPastTheGracePeriod) {
  std::atomic<bool> started{false};
  Router router;
  RouteOptions offload;
  offload.offload = true;
  router.Get(
      "/stuck",
      [&](const Request&) {
        started = true;
        std::this_thread::sleep_for(700ms);
        return Response::Json({});
      },
      offload);
  ServerOptions options = TestOptions();
  options.shutdown_grace = 100ms;
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  client.Send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([&] { return started.load(); }));
  const auto begin = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  EXPECT_TRUE(client.WaitClosed(1s));
}

TEST(Timeouts, ClosesAConnectionThatSendsHeadersTooSlowly) {
  Router router;
  router.Get("/hello", [](const Request&) { return Response::Json({}); });
  ServerOptions options = TestOptions();
  options.header_timeout = std::chrono::seconds(1);
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  const auto begin = std::chrono::steady_clock::now();
  client.Send("GET /hello HTTP/1.1\r\n");
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(200ms);
    if (!client.Send("X-Slow: 1\r\n")) break;
  }
  EXPECT_TRUE(client.WaitClosed(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST(Timeouts, ClosesIdleKeepAliveConnections) {
  Router router;
  router.Get("/hello", [](const Request&) { return Response::Json({}); });
  ServerOptions options = TestOptions();
  options.header_timeout = std::chrono::seconds(1);
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  ASSERT_EQ(client.Call("GET", "/hello")->status, 200);
  EXPECT_TRUE(client.WaitClosed(3s));
  EXPECT_TRUE(Eventually([&] { return server.connection_count() == 0; }));
}

TEST(Limits, ClosesConnectionsBeyondTheMaximum) {
  Router router;
  router.Get("/hello", [](const Request&) { return Response::Json({}); });
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient a(server.port());
  TestClient b(server.port());
  ASSERT_EQ(a.Call("GET", "/hello")->status, 200);
  ASSERT_EQ(b.Call("GET", "/hello")->status, 200);
  TestClient c(server.port());
  EXPECT_TRUE(c.WaitClosed(2s));
}

TEST(Start, ReportsAnAddressInUse) {
  Router router;
  Server first(router, TestOptions());
  ASSERT_STARTS(first);
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(router, options);
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(first.address().find(std::to_string(first.port())), std::string::npos);
}

TEST(StaticFilesOverTheWire, RefusesTraversal) {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "muster-wire-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path base = pattern;
  fs::create_directories(base / "web");
  std::ofstream(base / "web" / "index.html") << "<title>Muster</title>";
  std::ofstream(base / "secret.txt") << "top secret";
  Router router;
  router.SetFallback(StaticFiles::MakeHandler(base / "web"));
  Server server(router, TestOptions());
  ASSERT_STARTS(server);
  TestClient client(server.port());
  for (const char* target : {"/../secret.txt", "/../../etc/passwd", "/%2e%2e/secret.txt",
                             "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%2f..%2f..%2fetc%2fpasswd",
                             "/static/../../secret.txt", "/%252e%252e/secret.txt"}) {
    auto response = client.Call("GET", target);
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_NE(response->status, 200) << target;
    EXPECT_EQ(response->body.find("secret"), std::string::npos) << target;
    EXPECT_EQ(response->body.find("root:"), std::string::npos) << target;
  }
  auto index = client.Call("GET", "/");
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->Header("Cache-Control"), "no-cache");
  server.Stop();
  fs::remove_all(base);
}

// Replies held by an asynchronous route until the test answers them.
class HeldReplies {
 public:
  void Hold(Reply reply) {
    std::lock_guard lock(mu_);
    replies_.push_back(std::move(reply));
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return replies_.size();
  }
  // Removes and returns the oldest held reply. REQUIRES: size() > 0.
  Reply Take() {
    std::lock_guard lock(mu_);
    Reply reply = std::move(replies_.front());
    replies_.erase(replies_.begin());
    return reply;
  }

 private:
  std::mutex mu_;
  std::vector<Reply> replies_;
};

// An asynchronous handler returns at once and its connection is answered when another thread
// sends; the answer is built on the connection's loop, and a later Send is ignored.
TEST(Async, AnswersWhenAnotherThreadSends) {
  HeldReplies held;
  std::atomic<std::thread::id> loop_thread, build_thread;
  Router router;
  router.AddAsync(Method::kPost, "/later/{n}", [&](const Request& request, Reply reply) {
    loop_thread = std::this_thread::get_id();
    EXPECT_EQ(request.PathParam("n"), "7");
    held.Hold(std::move(reply));
  });
  router.Get("/hello", [](const Request&) { return Response::Json({{"hello", 1}}); });
  Server server(router, TestOptions());
  ASSERT_STARTS(server);
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("POST /later/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return held.size() == 1; }));
  EXPECT_FALSE(client.Read(100ms).has_value());  // nothing until the work is done
  std::thread worker([&] {
    Reply reply = held.Take();
    reply.SendFrom([&] {
      build_thread = std::this_thread::get_id();
      return Response::Json({{"done", true}}, 201);
    });
    reply.Send(Response::Json({{"twice", true}}));  // ignored
  });
  worker.join();
  auto answer = client.Read(3s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(nlohmann::json::parse(answer->body)["done"], true);
  EXPECT_EQ(build_thread.load(), loop_thread.load());
  // The connection goes on: the ignored second answer never reaches it.
  auto next = client.Call("GET", "/hello");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(nlohmann::json::parse(next->body)["hello"], 1);
}

// A reply dropped unanswered, a handler that throws and an answer builder that throws are
// each answered 500 with the request id, and logged.
TEST(Async, DroppedOrThrowingRepliesAre500) {
  std::mutex log_mu;
  std::vector<std::string> logged;
  Router router;
  router.AddAsync(Method::kGet, "/dropped", [](const Request&, Reply) {});
  router.AddAsync(Method::kGet, "/throws",
                  [](const Request&, Reply) { throw std::logic_error("bug in handler"); });
  router.AddAsync(Method::kGet, "/build-throws", [](const Request&, Reply reply) {
    reply.SendFrom([]() -> Response { throw std::logic_error("bug in builder"); });
  });
  ServerOptions options = TestOptions();
  options.error_log = [&](std::string_view line) {
    std::lock_guard lock(log_mu);
    logged.emplace_back(line);
  };
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  for (const char* path : {"/dropped", "/throws", "/build-throws"}) {
    auto answer = client.Call("GET", path);
    ASSERT_TRUE(answer.has_value()) << path;
    EXPECT_EQ(answer->status, 500) << path;
    EXPECT_EQ(answer->body.find("bug"), std::string::npos) << answer->body;
    EXPECT_NE(answer->body.find(*answer->Header("X-Request-Id")), std::string::npos);
  }
  std::lock_guard lock(log_mu);
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_NE(logged[0].find("dropped its reply"), std::string::npos) << logged[0];
  EXPECT_NE(logged[1].find("bug in handler"), std::string::npos) << logged[1];
  EXPECT_NE(logged[2].find("bug in builder"), std::string::npos) << logged[2];
}

// Stop lets an answer still owed reach its client within the grace period (Connection: close).
TEST(Async, StopAnswersTheRequestInFlight) {
  HeldReplies held;
  Router router;
  router.AddAsync(Method::kGet, "/owed",
                  [&](const Request&, Reply reply) { held.Hold(std::move(reply)); });
  Server server(router, TestOptions());
  ASSERT_STARTS(server);
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET /owed HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return held.size() == 1; }));
  auto stopped = std::async(std::launch::async, [&] { server.Stop(); });
  std::this_thread::sleep_for(100ms);
  held.Take().Send(Response::Json({{"late", true}}));
  auto answer = client.Read(3s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->Header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready);
}

// Past the grace period the connection is closed, but Stop still waits for the answer owed, so
// that nothing is delivered into a stopped server.
TEST(Async, StopWaitsForRepliesOwedPastTheGracePeriod) {
  HeldReplies held;
  Router router;
  router.AddAsync(Method::kGet, "/owed",
                  [&](const Request&, Reply reply) { held.Hold(std::move(reply)); });
  ServerOptions options = TestOptions();
  options.shutdown_grace = 100ms;
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET /owed HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return held.size() == 1; }));
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server.Stop();
    stopped = true;
  });
  EXPECT_TRUE(client.WaitClosed(3s));
  std::this_thread::sleep_for(1500ms);  // past the grace period and the wait for connections
  EXPECT_FALSE(stopped.load());
  held.Take().Send(Response::Json({{"late", true}}));
  stopper.join();
  EXPECT_TRUE(stopped.load());
}

}  // namespace
}  // namespace muster::http

namespace muster::http {
namespace {

TEST(SharedLoops, ServeRequestsStreamsAndStopWithStrands) {
  EventHub hub;
  Router router;
  router.Get("/hello", [](const Request&) { return Response::Json({{"hello", 1}}); });
  router.Get("/events", [&hub](const Request&) { return Response::Stream(hub.Subscribe()); });
  ServerOptions options = TestOptions();
  options.io_threads = 3;
  options.event_loops = 1;
  Server server(router, options);
  ASSERT_STARTS(server);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    for (int j = 0; j < 3; ++j) ASSERT_EQ(clients.back()->Call("GET", "/hello")->status, 200);
  }
  TestClient events(server.port());
  events.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(events.Read().has_value());
  hub.Publish(Event{"", "shared", ""});
  EXPECT_TRUE(events.ReadUntil("data: shared\n\n").has_value());
  server.Stop();
  EXPECT_TRUE(events.WaitClosed(2s));
  for (auto& client : clients) EXPECT_TRUE(client->WaitClosed(2s));
}

}  // namespace
}  // namespace muster::http

namespace muster::http {
namespace {

TEST(Offload, LongHandlersRunOnThePoolAndFailLikeOthers) {
  Metrics metrics;
  Router router;
  RouteOptions offload;
  offload.offload = true;
  std::atomic<std::thread::id> handler_thread;
  router.Get(
      "/export",
      [&](const Request&) {
        handler_thread = std::this_thread::get_id();
        return Response::Text("a,b\n", "text/csv");
      },
      offload);
  router.Get(
      "/broken", [](const Request&) -> Response { throw std::logic_error("bug"); }, offload);
  RegisterBuiltinRoutes(router, metrics);
  ServerOptions options = TestOptions();
  options.metrics = &metrics;
  Server server(router, options);
  ASSERT_STARTS(server);
  TestClient client(server.port());
  auto csv = client.Call("GET", "/export");
  ASSERT_TRUE(csv.has_value());
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body, "a,b\n");
  EXPECT_NE(handler_thread.load(), std::this_thread::get_id());
  auto broken = client.Call("GET", "/broken");
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->status, 500);
  EXPECT_EQ(broken->body.find("bug"), std::string::npos);
  auto text = client.Call("GET", "/metrics")->body;
  // The scrape itself is the one request in flight.
  EXPECT_NE(text.find("muster_http_requests_in_flight 1"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"/broken\",status=\"500\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace muster::http
