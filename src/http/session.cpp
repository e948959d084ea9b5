#include "http/session.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

#include "base/time.h"
#include "http/text.h"

namespace muster::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kLingerLimit = 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view ToStd(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

namespace {

// The headers every answer carries. script-src stays strictly 'self'; inline styles are allowed
// because the UI library sets them.
constexpr std::string_view kSecurityHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "Content-Security-Policy: default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "X-Frame-Options: DENY\r\n";

// Returns whether a handler's header may go on the wire: no line breaks (which would let a
// value forge headers) and none of the framing headers the server owns.
bool IsPlainHeader(std::string_view name, std::string_view value) {
  if (name.empty() || name.find_first_of(":\r\n ") != std::string_view::npos) return false;
  if (value.find_first_of("\r\n") != std::string_view::npos) return false;
  return !EqualsIgnoreCase(name, "content-length") && !EqualsIgnoreCase(name, "connection") &&
         !EqualsIgnoreCase(name, "transfer-encoding");
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

void AppendHead(std::string& out, const Head& head) {
  out.append(head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(head.status));
  out.push_back(' ');
  beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(head.status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  if (!head.content_type.empty()) AppendHeader(out, "Content-Type", head.content_type);
  bool cache_set = false;
  for (const auto& [name, value] : *head.headers) {
    if (!IsPlainHeader(name, value)) continue;
    AppendHeader(out, name, value);
    cache_set = cache_set || EqualsIgnoreCase(name, "cache-control");
  }
  out.append(kSecurityHeaders);
  if (!cache_set) out.append("Cache-Control: no-store\r\n");
  AppendHeader(out, "X-Request-Id", head.request_id);
  if (head.content_length)
    AppendHeader(out, "Content-Length", std::to_string(*head.content_length));
  if (!head.keep_alive && head.version >= 11) out.append("Connection: close\r\n");
  if (head.keep_alive && head.version == 10) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

namespace {

// Returns the id a client or proxy sent in X-Request-Id if it is short and plain, else empty.
std::string AcceptableRequestId(beast::string_view sent) {
  if (sent.empty() || sent.size() > 64) return {};
  for (char c : sent) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (!plain) return {};
  }
  return std::string(sent.data(), sent.size());
}

// Logs a handler's failure and returns the 500 that answers it.
Response HandlerFailed(ServerCore& core, std::string_view request_id, std::string_view route,
                       std::string_view failure) {
  std::string line = "{\"level\":\"error\",\"request_id\":\"";
  AppendJsonEscaped(line, request_id);
  line += "\",\"route\":\"";
  AppendJsonEscaped(line, route);
  line += "\",\"message\":\"";
  AppendJsonEscaped(line, failure);
  line += "\"}";
  core.LogError(line);
  return InternalErrorResponse(std::string(request_id));
}

// Runs `fn` and turns an escaping exception into a 500 naming the request id.
template <typename F>
Response Guarded(F&& fn, ServerCore& core, std::string_view request_id, std::string_view route) {
  std::string failure;
  try {
    return fn();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  return HandlerFailed(core, request_id, route, "handler threw: " + failure);
}

Response Invoke(const Handler& handler, const Request& request, ServerCore& core) {
  core.http_metrics.in_flight.Increment();
  Response response =
      Guarded([&] { return handler(request); }, core, request.request_id, request.route_pattern);
  core.http_metrics.in_flight.Decrement();
  return response;
}

Request BuildRequest(bhttp::request<bhttp::string_body>&& message, RouteMatch& match) {
  Request request;
  request.method = ParseMethod(ToStd(message.method_string())).value_or(Method::kGet);
  request.SetTarget(ToStd(message.target()));
  request.headers.reserve(16);
  for (const auto& field : message) {
    request.headers.emplace_back(ToStd(field.name_string()), ToStd(field.value()));
  }
  request.body = std::move(message.body());
  request.path_params = std::move(match.params);
  if (match.pattern != nullptr) request.route_pattern = *match.pattern;
  return request;
}

}  // namespace

Session::Session(net::ip::tcp::socket&& socket, ServerCore& core)
    : core_(core), stream_(std::move(socket)), heartbeat_(stream_.get_executor()) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  stream_.socket().set_option(net::ip::tcp::no_delay(true), ec);
  core_.connection_count.fetch_add(1);
  core_.http_metrics.connections.Increment();
}

Session::~Session() {
  if (stream_counted_) core_.http_metrics.streams.Decrement();
  core_.http_metrics.connections.Decrement();
  core_.connection_count.fetch_sub(1);
  core_.Unregister(this);
}

void Session::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
}

void Session::Shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->shutdown_requested_ = true;
    if (self->state_ == State::kStreaming) {
      self->CloseStream();
    } else if (self->state_ == State::kIdle && self->buffer_.size() == 0 &&
               !(self->parser_ && self->parser_->got_some())) {
      self->Close();
    }
  });
}

void Session::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::ReadHeader() {
  if (shutdown_requested_) return Close();
  state_ = State::kIdle;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
  // No limit while reading the header: the route decides it (OnHeader), and Beast would
  // otherwise fail the header of a large announced body before we can answer 413. (Not
  // boost::none: Beast 1.74 compares Content-Length against an empty optional as "too large".)
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_after(core_.options.header_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  state_ = State::kReading;
  started_ = std::chrono::steady_clock::now();
  keep_alive_ = true;
  head_ = false;
  method_.reset();
  match_ = RouteMatch{};
  if (ec) return OnHeaderError(ec);
  const auto& message = parser_->get();
  request_id_ = AcceptableRequestId(message["X-Request-Id"]);
  if (request_id_.empty()) request_id_ = core_.NextRequestId();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  method_ = ParseMethod(ToStd(message.method_string()));
  head_ = method_ == Method::kHead;
  std::string_view target = ToStd(message.target());
  if (method_) match_ = core_.router.Match(*method_, target.substr(0, target.find('?')));
  std::size_t limit = core_.options.max_body_bytes;
  if (match_.kind == RouteMatch::Kind::kFound && match_.options->max_body_bytes != 0) {
    limit = match_.options->max_body_bytes;
  }
  parser_->body_limit(limit);
  if (auto length = parser_->content_length(); length && *length > limit) {
    metrics_slot_ = core_.http_metrics.UnmatchedSlot(method_);
    return Refuse(
        ErrorResponse(MakeError(ErrorCode::kPayloadTooLarge, "the request body is too large")));
  }
  if (bhttp::token_list(message[bhttp::field::expect]).exists("100-continue") && version_ >= 11) {
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                       if (write_ec) return self->Close();
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Session::OnHeaderError(beast::error_code ec) {
  const bool gone = ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
                    ec == net::error::operation_aborted || ec == net::error::connection_reset ||
                    ec == net::error::eof;
  if (ec != bhttp::error::header_limit && (gone || buffer_.size() == 0)) return Close();
  request_id_ = core_.NextRequestId();
  metrics_slot_ = core_.http_metrics.UnmatchedSlot(std::nullopt);
  if (ec == bhttp::error::header_limit) {
    Response response = ErrorResponse(BadRequest("request headers too large"));
    response.status = 431;
    return Refuse(std::move(response));
  }
  Refuse(ErrorResponse(BadRequest("malformed HTTP request")));
}

void Session::ReadBody() {
  if (parser_->is_done()) return OnBody({});
  stream_.expires_after(core_.options.body_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec == bhttp::error::body_limit) {
    metrics_slot_ = core_.http_metrics.UnmatchedSlot(method_);
    return Refuse(
        ErrorResponse(MakeError(ErrorCode::kPayloadTooLarge, "the request body is too large")));
  }
  if (ec) return Close();
  stream_.expires_never();
  Dispatch();
}

void Session::Dispatch() {
  state_ = State::kHandling;
  if (!method_) {
    metrics_slot_ = core_.http_metrics.UnmatchedSlot(method_);
    Response response = ErrorResponse(BadRequest("method not supported"));
    response.status = 501;
    return OnHandled(std::move(response));
  }
  if (match_.kind == RouteMatch::Kind::kNotFound) {
    metrics_slot_ = core_.http_metrics.UnmatchedSlot(method_);
    return OnHandled(ErrorResponse(NotFound("no such path")));
  }
  if (match_.kind == RouteMatch::Kind::kMethodNotAllowed) {
    metrics_slot_ = core_.http_metrics.UnmatchedSlot(method_);
    Response response = ErrorResponse(BadRequest("method not allowed on this path"));
    response.status = 405;
    response.SetHeader("Allow", match_.allow);
    return OnHandled(std::move(response));
  }
  metrics_slot_ = match_.route_index == core_.router.fallback_index()
                      ? core_.http_metrics.FallbackSlot(method_)
                      : match_.route_index;
  Request request = BuildRequest(parser_->release(), match_);
  request.remote_address = remote_address_;
  request.request_id = request_id_;
  if (match_.async_handler != nullptr) return DispatchAsync(std::move(request));
  const Handler* handler = match_.handler;
  if (!match_.options->offload || !core_.handler_pool) {
    return OnHandled(Invoke(*handler, request, core_));
  }
  net::post(*core_.handler_pool, [self = shared_from_this(), handler,
                                  request = std::move(request)]() mutable {
    Response response = Invoke(*handler, request, self->core_);
    auto executor = self->stream_.get_executor();
    net::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
      self->OnHandled(std::move(response));
    });
  });
}

// The reply of one asynchronous request: delivers the answer to its session's loop, once, or a
// 500 if it is dropped unsent. Counted in ServerCore::pending_replies until delivered.
class SessionReply final : public Reply::Sink {
 public:
  SessionReply(std::shared_ptr<Session> session, std::string request_id, std::string route)
      : session_(std::move(session)), request_id_(std::move(request_id)), route_(std::move(route)) {
    session_->core_.http_metrics.in_flight.Increment();
    session_->core_.BeginReply();
  }

  ~SessionReply() override {
    if (delivered_.exchange(true)) return;
    Post([core = &session_->core_, id = request_id_, route = route_] {
      return HandlerFailed(*core, id, route, "the handler dropped its reply unanswered");
    });
  }

  void Deliver(std::function<Response()> build) override {
    if (delivered_.exchange(true)) return;
    Post(std::move(build));
  }

 private:
  void Post(std::function<Response()> build) {
    ServerCore& core = session_->core_;
    auto executor = session_->stream_.get_executor();
    net::post(executor, [self = session_, build = std::move(build), id = request_id_,
                         route = route_]() mutable {
      self->OnHandled(Guarded(build, self->core_, id, route));
    });
    core.http_metrics.in_flight.Decrement();
    core.EndReply();
  }

  std::shared_ptr<Session> session_;
  std::string request_id_;
  std::string route_;
  std::atomic<bool> delivered_{false};
};

void Session::DispatchAsync(Request request) {
  Reply reply(
      std::make_shared<SessionReply>(shared_from_this(), request_id_, request.route_pattern));
  try {
    (*match_.async_handler)(request, reply);
  } catch (const std::exception& e) {
    reply.Send(HandlerFailed(core_, request_id_, request.route_pattern,
                             std::string("handler threw: ") + e.what()));
  } catch (...) {
    reply.Send(HandlerFailed(core_, request_id_, request.route_pattern,
                             "handler threw: unknown exception"));
  }
}

void Session::Refuse(Response response) {
  keep_alive_ = false;
  unread_input_ = true;
  state_ = State::kHandling;
  OnHandled(std::move(response));
}

void Session::OnHandled(Response response) {
  if (state_ == State::kClosed) return;
  if (response.stream && !head_) return StartStream(std::move(response));
  if (!response.internal_detail.empty()) {
    std::string line = "{\"level\":\"error\",\"request_id\":\"";
    AppendJsonEscaped(line, request_id_);
    line += "\",\"message\":\"";
    AppendJsonEscaped(line, response.internal_detail);
    line += "\"}";
    core_.LogError(line);
    response = InternalErrorResponse(request_id_);
  }
  status_out_ = response.status;
  keep_alive_out_ = keep_alive_ && !shutdown_requested_ && !core_.stopping.load();
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  head_out_.clear();
  AppendHead(head_out_,
             Head{version_, response.status, response.content_type, &response.headers, request_id_,
                  bodiless ? std::nullopt : std::optional(response.body.size()), keep_alive_out_});
  body_out_.clear();
  if (!head_ && !bodiless) body_out_ = std::move(response.body);
  state_ = State::kWriting;
  stream_.expires_after(core_.options.write_timeout);
  std::array<net::const_buffer, 2> buffers = {net::buffer(head_out_), net::buffer(body_out_)};
  net::async_write(stream_, buffers,
                   [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                     self->OnWrite(ec, bytes);
                   });
}

void Session::OnWrite(beast::error_code ec, std::size_t bytes) {
  Finish(status_out_, bytes);
  if (ec) return Close();
  if (!keep_alive_out_) return unread_input_ ? LingerClose() : Close();
  ReadHeader();
}

void Session::Finish(int status, std::size_t bytes) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  core_.http_metrics.Record(metrics_slot_, status, seconds);
  if (!core_.options.access_log) return;
  std::string line = "{\"time\":\"" + FormatRfc3339(core_.clock.Now()) + "\",\"method\":\"";
  line += method_ ? MethodName(*method_) : std::string_view("OTHER");
  line += "\",\"route\":\"";
  AppendJsonEscaped(line, match_.pattern != nullptr ? std::string_view(*match_.pattern)
                                                    : std::string_view("unmatched"));
  line += "\",\"status\":" + std::to_string(status);
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.3f", seconds * 1000.0);
  line += ",\"duration_ms\":";
  line += duration;
  line += ",\"bytes\":" + std::to_string(bytes) + ",\"request_id\":\"";
  AppendJsonEscaped(line, request_id_);
  line += "\"}";
  core_.options.access_log(line);
}

void Session::LingerClose() {
  // Half-close and drain what the client still sends, so closing does not reset the connection
  // before the client has read the answer (it may still be sending a refused body).
  state_ = State::kLingering;
  lingered_ = 0;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  Drain();
}

void Session::Drain() {
  stream_.async_read_some(
      net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->lingered_ += n;
        if (ec || self->lingered_ > kLingerLimit || self->state_ == State::kClosed) {
          return self->Close();
        }
        self->Drain();
      });
}

void Session::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  heartbeat_.cancel();
  if (events_) {
    events_->SetWaker(nullptr);
    events_->Close();
  }
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace muster::http
