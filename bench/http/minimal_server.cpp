#include "minimal_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

namespace muster::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, const std::string& body)
      : stream_(std::move(socket)), body_(body) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    request_ = {};
    bhttp::async_read(stream_, buffer_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->stream_.close();
                        self->Answer();
                      });
  }

  void Answer() {
    response_ = {bhttp::status::ok, request_.version()};
    response_.set(bhttp::field::content_type, "application/json");
    response_.keep_alive(request_.keep_alive());
    response_.body() = body_;
    response_.prepare_payload();
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec || !self->response_.keep_alive()) return self->stream_.close();
                         self->Read();
                       });
  }

  beast::tcp_stream stream_;
  const std::string& body_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

struct MinimalServer::Impl {
  Impl(std::string body_in, int threads_in)
      : body(std::move(body_in)), thread_count(threads_in), acceptor(net::make_strand(ioc)) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Connection>(std::move(socket), body)->Start();
      Accept();
    });
  }

  std::string body;
  int thread_count;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
};

MinimalServer::MinimalServer(std::string body, int threads)
    : impl_(std::make_unique<Impl>(std::move(body), threads)) {}

MinimalServer::~MinimalServer() { Stop(); }

std::uint16_t MinimalServer::Start() {
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  impl_->Accept();
  for (int i = 0; i < impl_->thread_count; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return impl_->acceptor.local_endpoint().port();
}

void MinimalServer::Stop() {
  if (impl_->threads.empty()) return;
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
}

}  // namespace muster::bench
