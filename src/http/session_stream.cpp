// The event-stream half of Session: what a connection does once its handler has answered with a
// server-sent event stream.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/session.h"

namespace muster::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr std::string_view kRetryHint = "retry: 3000\n\n";
constexpr std::string_view kHeartbeat = ": heartbeat\n\n";
}  // namespace

void Session::StartStream(Response response) {
  state_ = State::kStreaming;
  events_ = std::move(response.stream);
  head_out_.clear();
  AppendHead(head_out_, Head{version_, 200, "text/event-stream; charset=utf-8", &response.headers,
                             request_id_, std::nullopt, /*keep_alive=*/false});
  // Proxies must pass events on at once.
  head_out_.insert(head_out_.size() - 2, "X-Accel-Buffering: no\r\n");
  stream_counted_ = true;
  core_.http_metrics.streams.Increment();
  stream_.expires_after(core_.options.write_timeout);
  net::async_write(stream_, net::buffer(head_out_),
                   [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                     self->Finish(200, bytes);
                     if (ec || self->state_ != State::kStreaming) return self->Close();
                     self->stream_.expires_never();
                     if (self->shutdown_requested_) return self->CloseStream();
                     self->events_->SetWaker(
                         [weak = self->weak_from_this(), executor = self->stream_.get_executor()] {
                           if (auto strong = weak.lock()) {
                             net::post(executor, [strong] { strong->PumpStream(); });
                           }
                         });
                     self->WatchPeer();
                     self->ArmHeartbeat();
                     self->WriteStream(std::string(kRetryHint));
                   });
}

void Session::PumpStream() {
  if (state_ != State::kStreaming || stream_writing_) return;
  std::string text = events_->TakeAll();
  if (!text.empty()) return WriteStream(std::move(text));
  if (events_->closed()) CloseStream();
}

void Session::WriteStream(std::string text) {
  stream_out_ = std::move(text);
  stream_writing_ = true;
  stream_.expires_after(core_.options.write_timeout);
  net::async_write(stream_, net::buffer(stream_out_),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->stream_writing_ = false;
                     if (self->state_ != State::kStreaming) return;
                     if (ec) return self->Close();
                     self->stream_.expires_never();
                     self->PumpStream();
                   });
}

void Session::ArmHeartbeat() {
  heartbeat_.expires_after(core_.options.sse_heartbeat);
  heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kStreaming) return;
    if (!self->stream_writing_) self->WriteStream(std::string(kHeartbeat));
    self->ArmHeartbeat();
  });
}

void Session::WatchPeer() {
  // A client never sends on an event stream; a finished read means it has gone.
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (self->state_ != State::kStreaming) return;
                            if (ec) return self->CloseStream();
                            self->WatchPeer();
                          });
}

void Session::CloseStream() {
  if (state_ != State::kStreaming) return;
  Close();
}

}  // namespace muster::http
