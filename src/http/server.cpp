#include "http/server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <future>
#include <random>
#include <thread>

#include "http/server_core.h"
#include "http/session.h"

namespace muster::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

int HardwareThreads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

std::string RandomPrefix() {
  std::random_device device;
  char text[16];
  std::snprintf(text, sizeof(text), "%08x", static_cast<unsigned>(device()));
  return text;
}

std::unique_ptr<ServerCore> MakeCore(const Router& router, ServerOptions options, Metrics* own) {
  Metrics& metrics = own != nullptr ? *own : *options.metrics;
  return std::make_unique<ServerCore>(router, std::move(options), metrics);
}

}  // namespace

ServerCore::ServerCore(const Router& router_in, ServerOptions options_in, Metrics& metrics)
    : router(router_in),
      options(std::move(options_in)),
      clock(options.clock != nullptr ? *options.clock : real_clock),
      http_metrics(metrics, router_in),
      request_id_prefix(RandomPrefix()) {
  if (options.handler_threads >= 0) {
    int count = options.handler_threads > 0 ? options.handler_threads
                                            : std::max(32, 8 * HardwareThreads());
    handler_pool = std::make_unique<net::thread_pool>(static_cast<std::size_t>(count));
  }
  thread_count = options.io_threads > 0 ? options.io_threads : 2 * HardwareThreads();
  int loop_count =
      options.event_loops > 0 ? std::min(thread_count, options.event_loops) : thread_count;
  shared_loops = thread_count > loop_count;
  for (int i = 0; i < loop_count; ++i) {
    loops.push_back(std::make_unique<net::io_context>(shared_loops ? thread_count : 1));
  }
}

net::io_context& ServerCore::NextLoop() {
  return *loops[next_loop.fetch_add(1, std::memory_order_relaxed) % loops.size()];
}

std::string ServerCore::NextRequestId() {
  char text[32];
  std::snprintf(text, sizeof(text), "%s-%llx", request_id_prefix.c_str(),
                static_cast<unsigned long long>(next_request_id.fetch_add(1)));
  return text;
}

void ServerCore::LogError(std::string_view line) const {
  if (options.error_log) return options.error_log(line);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

void ServerCore::BeginReply() {
  std::lock_guard lock(replies_mu);
  ++pending_replies;
}

void ServerCore::EndReply() {
  std::lock_guard lock(replies_mu);
  if (--pending_replies == 0) replies_cv.notify_all();
}

void ServerCore::WaitForReplies() {
  std::unique_lock lock(replies_mu);
  replies_cv.wait(lock, [&] { return pending_replies == 0; });
}

void ServerCore::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mu);
  sessions.emplace(session.get(), session);
}

void ServerCore::Unregister(Session* session) {
  std::lock_guard lock(sessions_mu);
  sessions.erase(session);
  if (sessions.empty()) sessions_cv.notify_all();
}

std::vector<std::shared_ptr<Session>> ServerCore::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(sessions_mu);
  for (auto& [raw, weak] : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

struct Server::Impl {
  Impl(const Router& router, ServerOptions options)
      : own_metrics(options.metrics == nullptr ? std::make_unique<Metrics>() : nullptr),
        core(MakeCore(router, std::move(options), own_metrics.get())),
        acceptor(net::make_strand(*core->loops.front())),
        accept_retry(acceptor.get_executor()) {}

  void Accept();
  Status Listen();
  // Waits until no session is left or `deadline` passes; returns whether none is left.
  bool WaitForSessions(std::chrono::steady_clock::time_point deadline);

  std::unique_ptr<Metrics> own_metrics;
  std::unique_ptr<ServerCore> core;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  tcp::endpoint bound;
  bool started = false;
  bool stopped = false;
};

void Server::Impl::Accept() {
  auto& loop = core->NextLoop();
  auto on_accept = [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open() || core->stopping) return;
    if (ec) {
      // Out of descriptors or similar: try again shortly instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    if (core->connection_count.load() >= core->options.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      auto session = std::make_shared<Session>(std::move(socket), *core);
      core->Register(session);
      session->Start();
    }
    Accept();
  };
  if (core->shared_loops) {
    acceptor.async_accept(net::make_strand(loop), std::move(on_accept));
  } else {
    acceptor.async_accept(loop, std::move(on_accept));
  }
}

Status Server::Impl::Listen() {
  const ServerOptions& options = core->options;
  const std::string where = options.host + ":" + std::to_string(options.port);
  boost::system::error_code ec;
  tcp::resolver resolver(*core->loops.front());
  auto results = resolver.resolve(options.host, std::to_string(options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) return Unavailable("cannot resolve " + where + ": " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) bound = acceptor.local_endpoint(ec);
  if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
  return Ok();
}

bool Server::Impl::WaitForSessions(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(core->sessions_mu);
  return core->sessions_cv.wait_until(lock, deadline, [&] { return core->sessions.empty(); });
}

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& impl = *impl_;
  MUSTER_TRY(impl.Listen());
  impl.started = true;
  impl.Accept();
  for (auto& loop : impl.core->loops) impl.work.push_back(net::make_work_guard(*loop));
  for (int i = 0; i < impl.core->thread_count; ++i) {
    auto& loop = *impl.core->loops[static_cast<std::size_t>(i) % impl.core->loops.size()];
    impl.threads.emplace_back([&loop] { loop.run(); });
  }
  return Ok();
}

std::uint16_t Server::port() const { return impl_->bound.port(); }

std::string Server::address() const {
  const auto address = impl_->bound.address();
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port());
  return address.to_string() + ":" + std::to_string(port());
}

std::size_t Server::connection_count() const { return impl_->core->connection_count.load(); }

void Server::Stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  ServerCore& core = *impl.core;
  core.stopping = true;
  std::promise<void> closed;
  net::post(impl.acceptor.get_executor(), [&] {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_retry.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  for (const auto& session : core.LiveSessions()) session->Shutdown();
  const auto now = std::chrono::steady_clock::now();
  if (!impl.WaitForSessions(now + core.options.shutdown_grace)) {
    for (const auto& session : core.LiveSessions()) session->ForceClose();
    impl.WaitForSessions(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
  // Handlers still running hold their sessions; their answers land on closed connections.
  if (core.handler_pool) core.handler_pool->join();
  core.WaitForReplies();
  impl.work.clear();
  for (auto& loop : core.loops) loop->stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
}

void RegisterBuiltinRoutes(Router& router, const Metrics& metrics) {
  router.Get("/healthz", [](const Request&) {
    return Response::Text("{\"status\":\"ok\"}", "application/json");
  });
  router.Get("/metrics", [&metrics](const Request&) {
    return Response::Text(metrics.RenderText(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace muster::http
