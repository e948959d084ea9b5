#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/json_body.h"
#include "http/test_client.h"

namespace muster::http {
namespace {

using testing::RawResponse;
using testing::TestClient;
using namespace std::chrono_literals;

// Collects log lines from any thread.
class LogCapture {
 public:
  LogSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

struct Item {
  std::string name;
  std::int64_t count;
};

// Registers the routes the tests talk to.
void AddTestRoutes(Router& router, std::atomic<bool>& slow_started) {
  router.Get("/hello", [](const Request&) { return Response::Json({{"hello", "world"}}); });
  router.Get("/api/v1/streets/{id}/pairing", [](const Request& request) {
    auto id = request.PathId("id");
    if (!id.ok()) return ErrorResponse(id.error());
    return Response::Json({{"street_id", *id}});
  });
  router.Post("/api/v1/items", [](const Request& request) {
    auto json = ParseJsonBody(request);
    if (!json.ok()) return ErrorResponse(json.error());
    BodyReader r(*json);
    Item item{r.String("name"), r.Int("count")};
    if (Status status = r.Finish(); !status.ok()) return ErrorResponse(status.error());
    return Response::Json({{"name", item.name}, {"count", item.count}}, 201);
  });
  router.Get("/boom", [](const Request&) -> Response {
    throw std::runtime_error("secret internals: password=hunter2");
  });
  router.Get("/internal", [](const Request&) {
    return ErrorResponse(Internal("database file /srv/muster.db is corrupt"));
  });
  router.Get("/slow", [&slow_started](const Request&) {
    slow_started = true;
    std::this_thread::sleep_for(400ms);
    return Response::Json({{"slow", true}});
  });
  RouteOptions big;
  big.max_body_bytes = 4 * 1024 * 1024;
  router.Post(
      "/import",
      [](const Request& request) {
        return Response::Json({{"bytes", request.body.size()}});
      },
      big);
  router.Get("/asset", [](const Request&) {
    Response response = Response::Text("x", "text/plain");
    response.SetHeader("Cache-Control", "public, max-age=60");
    return response;
  });
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerOptions{}); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(ServerOptions options) {
    if (server_) server_->Stop();
    server_.reset();
    router_ = std::make_unique<Router>();
    metrics_ = std::make_unique<Metrics>();
    AddTestRoutes(*router_, slow_started_);
    RegisterBuiltinRoutes(*router_, *metrics_);
    options.port = 0;
    options.io_threads = 2;
    options.handler_threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.metrics = metrics_.get();
    options.access_log = access_log_.Sink();
    options.error_log = error_log_.Sink();
    server_ = std::make_unique<Server>(*router_, options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
  }

  std::uint16_t port() const { return server_->port(); }

  static void ExpectSecurityHeaders(const RawResponse& response) {
    EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(response.Header("Referrer-Policy"), "no-referrer");
    auto csp = response.Header("Content-Security-Policy");
    ASSERT_TRUE(csp.has_value());
    EXPECT_NE(csp->find("default-src 'self'"), std::string::npos);
    EXPECT_NE(csp->find("script-src 'self';"), std::string::npos);
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(csp->find("base-uri 'none'"), std::string::npos);
    EXPECT_NE(csp->find("form-action 'self'"), std::string::npos);
    EXPECT_TRUE(response.Header("X-Request-Id").has_value());
  }

  static std::string ErrorCode(const RawResponse& response) {
    return nlohmann::json::parse(response.body)["error"]["code"];
  }

  std::atomic<bool> slow_started_{false};
  LogCapture access_log_;
  LogCapture error_log_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ServesManyRequestsOnOneKeepAliveConnection) {
  TestClient client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 5; ++i) {
    auto response = client.Call("GET", "/hello");
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(nlohmann::json::parse(response->body)["hello"], "world");
    EXPECT_EQ(response->Header("Cache-Control"), "no-store");
    EXPECT_EQ(response->Header("Content-Type"), "application/json");
    ExpectSecurityHeaders(*response);
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  TestClient client(port());
  ASSERT_TRUE(
      client.Send("GET /api/v1/streets/1/pairing HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /api/v1/streets/2/pairing HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(nlohmann::json::parse(first->body)["street_id"], 1);
  EXPECT_EQ(nlohmann::json::parse(second->body)["street_id"], 2);
}

TEST_F(ServerTest, UnknownPathIsJson404WithSecurityHeaders) {
  TestClient client(port());
  auto response = client.Call("GET", "/api/v1/nothing?secret=1");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(ErrorCode(*response), "not_found");
  ExpectSecurityHeaders(*response);
  EXPECT_EQ(client.Call("GET", "/api/v1/streets/abc/pairing")->status, 404);
}

TEST_F(ServerTest, OtherMethodOnKnownPathIs405WithAllow) {
  TestClient client(port());
  auto response = client.Call("DELETE", "/api/v1/streets/3/pairing");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "GET, HEAD");
  ExpectSecurityHeaders(*response);
  // The connection stays usable.
  EXPECT_EQ(client.Call("GET", "/hello")->status, 200);
}

TEST_F(ServerTest, RefusesAnnouncedBodyOverTheLimitWith413) {
  TestClient client(port());
  ASSERT_TRUE(
      client.Send("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  "application/json\r\nContent-Length: 104857600\r\n\r\n{\"a\":"));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(ErrorCode(*response), "payload_too_large");
  ExpectSecurityHeaders(*response);
  EXPECT_TRUE(client.WaitClosed(3s));
}

TEST_F(ServerTest, RefusesChunkedBodyOverTheLimitWith413) {
  TestClient client(port());
  std::string chunk(32 * 1024, 'x');
  std::string request =
      "POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
  for (int i = 0; i < 3; ++i) request += size + chunk + "\r\n";
  request += "0\r\n\r\n";
  client.Send(request);
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
}

TEST_F(ServerTest, RouteMayAllowALargerBody) {
  TestClient client(port());
  std::string body(1024 * 1024, 'a');
  auto response = client.Call("POST", "/import", body, {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(nlohmann::json::parse(response->body)["bytes"], body.size());
}

TEST_F(ServerTest, RefusesHugeHeadersWith431) {
  TestClient client(port());
  std::string header(64 * 1024, 'a');
  auto response = client.Call("GET", "/hello", {}, {{"X-Big", header}});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 431);
  ExpectSecurityHeaders(*response);
}

TEST_F(ServerTest, MalformedRequestLineIs400) {
  TestClient client(port());
  client.Send("GARBAGE\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
}

TEST_F(ServerTest, JsonBodyErrors) {
  TestClient client(port());
  const std::vector<std::pair<std::string, std::string>> json = {
      {"Content-Type", "application/json"}};
  auto wrong_type = client.Call("POST", "/api/v1/items", R"({"name":"a","count":1})",
                                {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type->status, 415);
  EXPECT_EQ(ErrorCode(*wrong_type), "unsupported_media_type");
  auto malformed = client.Call("POST", "/api/v1/items", R"({"name":)", json);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(ErrorCode(*malformed), "bad_request");
  auto deep = client.Call("POST", "/api/v1/items", std::string(60000, '['), json);
  EXPECT_EQ(deep->status, 400);
  auto unknown =
      client.Call("POST", "/api/v1/items", R"({"name":"a","count":1,"admin":true})", json);
  EXPECT_EQ(unknown->status, 422);
  auto error = nlohmann::json::parse(unknown->body)["error"];
  EXPECT_EQ(error["code"], "validation_failed");
  EXPECT_EQ(error["field"], "admin");
  auto created = client.Call("POST", "/api/v1/items", R"({"name":"a","count":2})",
                             {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(created->status, 201);
}

TEST_F(ServerTest, ThrowingHandlerAnswers500WithCorrelationIdOnly) {
  TestClient client(port());
  auto response = client.Call("GET", "/boom");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  ExpectSecurityHeaders(*response);
  const std::string id = *response->Header("X-Request-Id");
  auto error = nlohmann::json::parse(response->body)["error"];
  EXPECT_EQ(error["code"], "internal");
  EXPECT_EQ(error["message"], "internal error (correlation id " + id + ")");
  EXPECT_EQ(response->body.find("hunter2"), std::string::npos);
  auto logged = error_log_.Lines();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find(id), std::string::npos);
  EXPECT_NE(logged[0].find("secret internals"), std::string::npos);
  // The connection survives the failure.
  EXPECT_EQ(client.Call("GET", "/hello")->status, 200);
}

TEST_F(ServerTest, InternalErrorResultIsLoggedNotShown) {
  TestClient client(port());
  auto response = client.Call("GET", "/internal");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body.find("corrupt"), std::string::npos);
  EXPECT_NE(response->body.find(*response->Header("X-Request-Id")), std::string::npos);
  ASSERT_EQ(error_log_.Lines().size(), 1u);
  EXPECT_NE(error_log_.Lines()[0].find("corrupt"), std::string::npos);
}

TEST_F(ServerTest, HandlerMayMarkAnAnswerCacheable) {
  TestClient client(port());
  auto response = client.Call("GET", "/asset");
  EXPECT_EQ(response->Header("Cache-Control"), "public, max-age=60");
}

TEST_F(ServerTest, HeadAnswersHeadersOnly) {
  TestClient client(port());
  auto head = client.Call("HEAD", "/hello");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "17");
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(client.Call("GET", "/hello")->status, 200);
}

TEST_F(ServerTest, HonoursExpectContinue) {
  TestClient client(port());
  std::string body = R"({"name":"a","count":3})";
  client.Send(
      "POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  auto interim = client.Read();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  client.Send(body);
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 201);
}

TEST_F(ServerTest, KeepsAClientRequestIdAndMakesOneOtherwise) {
  TestClient client(port());
  auto given = client.Call("GET", "/hello", {}, {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(given->Header("X-Request-Id"), "abc-123");
  auto odd = client.Call("GET", "/hello", {}, {{"X-Request-Id", "a b\"c"}});
  EXPECT_NE(odd->Header("X-Request-Id"), "a b\"c");
  auto made1 = client.Call("GET", "/hello");
  auto made2 = client.Call("GET", "/hello");
  EXPECT_NE(made1->Header("X-Request-Id"), made2->Header("X-Request-Id"));
}

TEST_F(ServerTest, HealthzAndMetrics) {
  TestClient client(port());
  auto health = client.Call("GET", "/healthz");
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body), nlohmann::json({{"status", "ok"}}));
  client.Call("GET", "/api/v1/streets/5/pairing");
  client.Call("GET", "/api/v1/streets/6/pairing");
  client.Call("GET", "/nowhere");
  auto metrics = client.Call("GET", "/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->Header("Content-Type")->find("text/plain"), std::string::npos);
  const std::string& text = metrics->body;
  EXPECT_NE(text.find("muster_http_requests_total{method=\"GET\",route=\"/api/v1/streets/{id}/"
                      "pairing\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(text.find("muster_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/"
                      "streets/{id}/pairing\",le=\"0.005\"}"),
            std::string::npos);
  EXPECT_NE(text.find("muster_http_requests_in_flight"), std::string::npos);
  EXPECT_NE(text.find("muster_http_open_connections 1"), std::string::npos);
  EXPECT_EQ(text.find("/api/v1/streets/5"), std::string::npos);
}

TEST_F(ServerTest, OtherLayersRegisterCounters) {
  Counter db_errors =
      metrics_->AddCounter("muster_db_errors_total", "Database errors.", {{"kind", "busy"}});
  db_errors.Increment();
  db_errors.Increment(2);
  TestClient client(port());
  auto metrics = client.Call("GET", "/metrics");
  EXPECT_NE(metrics->body.find("muster_db_errors_total{kind=\"busy\"} 3"), std::string::npos);
}

TEST_F(ServerTest, AccessLogNamesTheRouteNotThePathOrQuery) {
  TestClient client(port());
  client.Call("GET", "/api/v1/streets/4242/pairing?phone=13812345678", {},
              {{"Authorization", "Bearer tok-secret"}, {"Cookie", "session=cookie-secret"}});
  std::vector<std::string> lines;
  for (int i = 0; i < 100 && lines.empty(); ++i) {
    lines = access_log_.Lines();
    if (lines.empty()) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(lines.size(), 1u);
  auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["route"], "/api/v1/streets/{id}/pairing");
  EXPECT_EQ(line["status"], 200);
  EXPECT_TRUE(line.contains("duration_ms"));
  EXPECT_TRUE(line.contains("bytes"));
  EXPECT_TRUE(line.contains("request_id"));
  for (const char* leak : {"4242", "13812345678", "tok-secret", "cookie-secret"}) {
    EXPECT_EQ(lines[0].find(leak), std::string::npos) << leak;
  }
}

}  // namespace
}  // namespace muster::http
