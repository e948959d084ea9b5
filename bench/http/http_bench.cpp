// Compares Muster's Server (router, security headers, metrics, handler pool) with a minimal Beast
// server answering the same JSON body, both in this process on loopback, each loaded in turn by
// wrk. Prints requests/s and p99 latency of each and their ratios.
//
//   http_bench [--seconds N] [--connections N] [--threads N] [--only minimal|pool|inline|api]
//              [--io-threads N] [--event-loops N] [--handler-threads N]

#include <unistd.h>

#include <algorithm>
#include <array>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/notifications.h"
#include "app/registry.h"
#include "app/workflow.h"
#include "base/clock.h"
#include "crypto/keyring.h"
#include "http/event_hub.h"
#include "http/server.h"
#include "minimal_server.h"
#include "wrk.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using muster::http::Request;
using muster::http::Response;

constexpr const char* kBody =
    R"({"items":[{"id":1,"name":"Futian street","kind":"street","district_id":3},)"
    R"({"id":2,"name":"Nanyuan street","kind":"street","district_id":3},)"
    R"({"id":3,"name":"Shatou street","kind":"street","district_id":3}],"next":null})";
constexpr const char* kToken = "bench-token-0123456789abcdef";

using Load = muster::bench::WrkLoad;

std::optional<Load> RunWrk(std::uint16_t port, const char* path, int seconds, int connections,
                           int threads, const std::string& token = kToken) {
  muster::bench::WrkRun run;
  run.port = port;
  run.path = path;
  run.seconds = seconds;
  run.connections = connections;
  run.threads = threads;
  run.token = token;
  return muster::bench::RunWrk(run);
}

Response StreetsHandler(const Request& request) {
  std::optional<std::string_view> token = request.BearerToken();
  if (!token || *token != kToken) {
    return muster::http::ErrorResponse(
        muster::http::MakeError(muster::ErrorCode::kUnauthenticated, "sign in first"));
  }
  auto id = request.PathId("id");
  if (!id.ok()) return id.error();
  return Response::Text(kBody, "application/json");
}

// The whole API over a real SQLite database: a street coordinator's authenticated read of his
// own street (bearer token looked up and refreshed, scope decided in app/, the street read from
// the database, the JSON encoded, security headers, metrics).
class ApiCity {
 public:
  ApiCity() = default;

  // Builds the database and starts the server; returns false with a message on failure.
  bool Start(int io_threads, int event_loops) {
    dir_ = std::filesystem::temp_directory_path() /
           ("muster-http-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = muster::store::OpenSqlite({.path = (dir_ / "bench.db").string()});
    if (!store.ok()) return Fail(store.error());
    store_ = std::move(*store);
    if (auto v = store_->Migrate(); !v.ok()) return Fail(v.error());
    auto keys = muster::crypto::Keyring::FromHex(
        muster::crypto::Hex(muster::crypto::RandomBytes(muster::crypto::Keyring::kKeyBytes)));
    if (!keys.ok()) return Fail(keys.error());
    keys_ = std::make_unique<muster::crypto::Keyring>(std::move(*keys));
    registry_ = std::make_unique<muster::app::Registry>(*store_, *keys_, clock_);
    accounts_ = std::make_unique<muster::app::Accounts>(*store_, clock_);
    audit_ = std::make_unique<muster::app::AuditLog>(*store_, clock_);
    workflow_ = std::make_unique<muster::app::Workflow>(*store_, *keys_, clock_);
    notifications_ = std::make_unique<muster::app::Notifications>(*store_, *keys_, clock_);
    ctx_ = std::make_unique<muster::api::ApiContext>(muster::api::ApiContext{
        *registry_, *accounts_, *audit_, clock_, *workflow_, *notifications_, events_, false});
    const auto system = muster::app::Actor::System();
    auto district = registry_->CreateDistrict(system, {.id = {}, .name = "Futian"});
    if (!district.ok()) return Fail(district.error());
    for (int i = 0; i < 20; ++i) {
      auto street = registry_->CreateStreet(
          system, {.id = {}, .district_id = district->id, .name = "Street " + std::to_string(i)});
      if (!street.ok()) return Fail(street.error());
      street_id_ = street->id.value;
    }
    auto user = accounts_->AddUser(system, {"coordinator", "a long bench password",
                                            muster::app::Role::kStreetCoordinator, street_id_});
    if (!user.ok()) return Fail(user.error());
    auto grant = accounts_->Login("coordinator", "a long bench password", "127.0.0.1");
    if (!grant.ok()) return Fail(grant.error());
    token_ = grant->token;
    muster::http::RegisterBuiltinRoutes(router_, metrics_);
    muster::api::RegisterApiRoutes(router_, *ctx_);
    muster::http::ServerOptions options;
    options.port = 0;
    options.io_threads = io_threads;
    options.event_loops = event_loops;
    options.metrics = &metrics_;
    server_ = std::make_unique<muster::http::Server>(router_, options);
    if (auto started = server_->Start(); !started.ok()) return Fail(started.error());
    return true;
  }
  ~ApiCity() {
    if (server_) server_->Stop();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::uint16_t port() const { return server_->port(); }
  const std::string& token() const { return token_; }
  std::string path() const { return "/api/v1/streets/" + std::to_string(street_id_); }

 private:
  static bool Fail(const muster::Error& e) {
    std::fprintf(stderr, "api setup: %s\n", e.ToString().c_str());
    return false;
  }

  std::filesystem::path dir_;
  muster::RealClock clock_;
  std::unique_ptr<muster::store::Store> store_;
  std::unique_ptr<muster::crypto::Keyring> keys_;
  std::unique_ptr<muster::app::Registry> registry_;
  std::unique_ptr<muster::app::Accounts> accounts_;
  std::unique_ptr<muster::app::AuditLog> audit_;
  std::unique_ptr<muster::app::Workflow> workflow_;
  std::unique_ptr<muster::app::Notifications> notifications_;
  muster::http::EventHub events_;
  std::unique_ptr<muster::api::ApiContext> ctx_;
  muster::http::Metrics metrics_;
  muster::http::Router router_;
  std::unique_ptr<muster::http::Server> server_;
  std::int64_t street_id_ = 0;
  std::string token_;
};

void Print(const char* name, const Load& load) {
  std::printf("%-28s %10.0f req/s   p99 %7.2f ms   server cpu %6.1f us/request\n", name,
              load.requests_per_second, load.p99_ms, load.cpu_us_per_request);
}

void PrintRatio(const char* name, const Load& load, const Load& base) {
  std::printf(
      "%-28s throughput %.2f of minimal (target >= 0.50), p99 %.2fx minimal (target <= 2)\n", name,
      load.requests_per_second / base.requests_per_second,
      base.p99_ms > 0 ? load.p99_ms / base.p99_ms : 0.0);
}

// Loads one server alone (for profiling it): "minimal", "pool" or "inline".
int RunOne(const std::string& which, int seconds, int connections, int wrk_threads,
           int server_threads, int io_threads, int event_loops, int handler_threads) {
  std::optional<Load> load;
  if (which == "api") {
    ApiCity city;
    if (!city.Start(io_threads, event_loops)) return 1;
    load = RunWrk(city.port(), city.path().c_str(), seconds, connections, wrk_threads, city.token());
  } else if (which == "minimal") {
    muster::bench::MinimalServer minimal(kBody, server_threads);
    load = RunWrk(minimal.Start(), "/api/v1/streets/7", seconds, connections, wrk_threads);
  } else {
    muster::http::Router router;
    muster::http::RouteOptions options;
    options.offload = which != "inline";
    router.Get("/api/v1/streets/{id}", StreetsHandler, options);
    muster::http::ServerOptions server_options;
    server_options.port = 0;
    server_options.io_threads = io_threads;
    server_options.handler_threads = handler_threads;
    server_options.event_loops = event_loops;
    muster::http::Server server(router, server_options);
    if (!server.Start().ok()) return 1;
    load = RunWrk(server.port(), "/api/v1/streets/7", seconds, connections, wrk_threads);
  }
  if (!load) return 1;
  Print(which.c_str(), *load);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5;
  int connections = 64;
  int wrk_threads = 2;
  std::string only;
  int io_threads = 0;
  int handler_threads = 0;
  int event_loops = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--connections") == 0) connections = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) wrk_threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (std::strcmp(argv[i], "--io-threads") == 0) io_threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--handler-threads") == 0) handler_threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--event-loops") == 0) event_loops = std::atoi(argv[i + 1]);
  }
  const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int server_threads = hardware;  // the minimal server at its best: one thread per core

  if (!only.empty()) {
    return RunOne(only, seconds, connections, wrk_threads, server_threads, io_threads, event_loops,
                  handler_threads);
  }

  muster::bench::MinimalServer minimal(kBody, server_threads);
  std::uint16_t minimal_port = minimal.Start();
  auto base = RunWrk(minimal_port, "/api/v1/streets/7", seconds, connections, wrk_threads);
  minimal.Stop();
  if (!base) {
    std::fprintf(stderr, "wrk failed against the minimal server (is wrk installed?)\n");
    return 1;
  }

  muster::http::Router router;
  muster::http::RouteOptions offload;
  offload.offload = true;
  router.Get("/api/v1/streets/{id}", StreetsHandler, offload);
  router.Get("/api/v1/inline/streets/{id}", StreetsHandler);
  muster::http::ServerOptions options;
  options.port = 0;
  options.io_threads = io_threads;  // 0: the server's default
  options.handler_threads = handler_threads;
  options.event_loops = event_loops;
  muster::http::Server server(router, options);
  if (!server.Start().ok()) return 1;
  auto inlined =
      RunWrk(server.port(), "/api/v1/inline/streets/7", seconds, connections, wrk_threads);
  auto pooled = RunWrk(server.port(), "/api/v1/streets/7", seconds, connections, wrk_threads);
  server.Stop();
  if (!pooled || !inlined) return 1;

  ApiCity city;
  if (!city.Start(io_threads, event_loops)) return 1;
  auto api = RunWrk(city.port(), city.path().c_str(), seconds, connections, wrk_threads,
                    city.token());
  if (!api) return 1;

  std::printf("wrk -t%d -c%d -d%ds; minimal server threads %d\n", wrk_threads, connections, seconds,
              server_threads);
  Print("minimal beast", *base);
  Print("muster, on its loop", *inlined);
  Print("muster, offloaded to pool", *pooled);
  Print("muster api, sqlite read", *api);
  PrintRatio("muster, on its loop:", *inlined, *base);
  PrintRatio("muster, offloaded:", *pooled, *base);
  PrintRatio("muster api, sqlite read:", *api, *base);
  return 0;
}
