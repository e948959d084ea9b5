// Seeded garbage against the parsers and the running server: nothing may crash, hang or leak a
// connection. (A stand-in for the libFuzzer targets, run with every test run.)

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "http/json_body.h"
#include "http/request.h"
#include "http/server.h"
#include "http/test_client.h"

namespace muster::http {
namespace {

using namespace std::chrono_literals;

std::string RandomBytes(std::mt19937& random, std::size_t max_size, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> size(0, max_size);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(size(random), '\0');
  for (char& c : out) c = alphabet[pick(random)];
  return out;
}

TEST(Robustness, JsonBodiesNeverThrowOrCrash) {
  std::mt19937 random(20220112);
  constexpr std::string_view kJsonish = "{}[]\":,0123456789.eE+-truefalsnul \\u\xff\n";
  for (int i = 0; i < 5000; ++i) {
    Request request;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = RandomBytes(random, 64, kJsonish);
    auto parsed = ParseJsonBody(request);
    if (!parsed.ok()) continue;
    BodyReader r(*parsed);
    (void)r.String("a");
    (void)r.IntList("b");
    (void)r.Finish();
  }
}

TEST(Robustness, QueriesCookiesAndPathsNeverCrash) {
  std::mt19937 random(7);
  constexpr std::string_view kUrlish = "/?&=%+;ab01.\"\\ \t";
  for (int i = 0; i < 5000; ++i) {
    Request request;
    request.SetTarget(RandomBytes(random, 40, kUrlish));
    request.headers = {{"Cookie", RandomBytes(random, 40, kUrlish)},
                       {"Authorization", "Bearer " + RandomBytes(random, 10, kUrlish)}};
    (void)request.Query("a");
    (void)request.QueryParams();
    (void)request.QueryInt("b");
    (void)request.Cookie("a");
    (void)request.BearerToken();
  }
}

TEST(Robustness, ServerSurvivesGarbageRequests) {
  Router router;
  router.Get("/hello", [](const Request&) { return Response::Json({{"hello", 1}}); });
  router.Post("/echo/{id}", [](const Request& request) -> Response {
    MUSTER_ASSIGN(nlohmann::json json, ParseJsonBody(request));
    return Response::Json(json);
  });
  ServerOptions options;
  options.port = 0;
  options.io_threads = 2;
  options.header_timeout = std::chrono::seconds(2);
  options.error_log = [](std::string_view) {};
  Server server(router, options);
  ASSERT_TRUE(server.Start().ok());

  std::mt19937 random(42);
  constexpr std::string_view kHttpish =
      "GET POST /hello /echo/1 HTTP/1.1\r\n: Content-Length: 5 Transfer-Encoding: chunked "
      "Host: x\r\n\r\n{}0123456789abcdef\0\xff";
  for (int i = 0; i < 200; ++i) {
    testing::TestClient client(server.port());
    ASSERT_TRUE(client.connected());
    std::string request;
    if (i % 2 == 0) request = "POST /echo/1 HTTP/1.1\r\nHost: x\r\n";
    request += RandomBytes(random, 120, kHttpish);
    client.Send(request);
    // Either an answer, a close, or (for an incomplete request) silence until we hang up.
    (void)client.Read(50ms);
  }
  testing::TestClient client(server.port());
  auto response = client.Call("GET", "/hello");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  server.Stop();
  EXPECT_EQ(server.connection_count(), 0u);
}

}  // namespace
}  // namespace muster::http
