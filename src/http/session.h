#pragma once

// Internal to http/: one client connection. Includes Beast; only the server's .cpp files use it.

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/event_hub.h"
#include "http/response.h"
#include "http/router.h"
#include "http/server_core.h"

namespace muster::http {

// What goes in the status line and headers of one answer.
struct Head {
  unsigned version = 11;  // 10 or 11
  int status = 200;
  std::string_view content_type;
  const Request::Pairs* headers = nullptr;  // the handler's; unsafe ones are dropped
  std::string_view request_id;
  std::optional<std::size_t> content_length;  // none for event streams and bodiless statuses
  bool keep_alive = true;
};

// Appends the status line and headers of an answer, ending with the blank line: the handler's
// headers, then what every answer carries (security headers, X-Request-Id, and Cache-Control:
// no-store unless the handler set one). Serialising by hand costs one string per answer.
void AppendHead(std::string& out, const Head& head);

// One connection: reads requests one after another (keep-alive), hands each to its handler and
// writes the answers in order; or, once a handler answers with an event stream, writes events
// until either side ends it. Every member is touched only on the thread of the connection's event
// loop (its executor), so none needs a lock; other threads reach the session only by posting to
// that executor: Shutdown(), ForceClose(), the stream's waker and offloaded handlers' answers.
class Session : public std::enable_shared_from_this<Session> {
  friend class SessionReply;

 public:
  Session(boost::asio::ip::tcp::socket&& socket, ServerCore& core);
  ~Session();

  // Starts reading the first request. Call once, right after construction.
  void Start();
  // Asks the connection to end as soon as it is idle (thread-safe): an idle keep-alive
  // connection or an event stream closes now, a request in flight is answered first.
  void Shutdown();
  // Closes the connection now, whatever it is doing (thread-safe).
  void ForceClose();

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void OnHeaderError(boost::beast::error_code ec);
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void Dispatch();
  void DispatchAsync(Request request);
  void Refuse(Response response);
  void OnHandled(Response response);
  void OnWrite(boost::beast::error_code ec, std::size_t bytes);
  void Finish(int status, std::size_t bytes);

  void StartStream(Response response);
  void PumpStream();
  void WriteStream(std::string text);
  void ArmHeartbeat();
  void WatchPeer();
  void CloseStream();

  void LingerClose();
  void Drain();
  void Close();

  ServerCore& core_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  // The answer being written, kept until the write completes.
  std::string head_out_;
  std::string body_out_;
  int status_out_ = 0;
  bool keep_alive_out_ = true;
  State state_ = State::kIdle;
  bool shutdown_requested_ = false;
  // Set when an answer refuses a request whose rest was not read: closing must then drain it.
  bool unread_input_ = false;
  std::string remote_address_;

  // The request being served.
  RouteMatch match_;
  std::optional<Method> method_;
  std::size_t metrics_slot_ = 0;
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  std::chrono::steady_clock::time_point started_;

  // The event stream, once the connection has become one.
  std::shared_ptr<EventStream> events_;
  boost::asio::steady_timer heartbeat_;
  std::string stream_out_;
  bool stream_writing_ = false;
  bool stream_counted_ = false;
  std::array<char, 512> discard_{};
  std::size_t lingered_ = 0;
};

}  // namespace muster::http
