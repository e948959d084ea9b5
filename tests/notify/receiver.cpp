#include "notify/receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace muster::notify::testing {
namespace {

int Listen(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("receiver: cannot listen");
  }
  return fd;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Receiver::Receiver() {
  int fd = Listen(0);
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  ::close(fd);
}

Receiver::~Receiver() { Down(); }

std::string Receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void Receiver::Up() {
  listener_ = Listen(port_);
  stop_ = false;
  thread_ = std::thread([this, fd = listener_] { Serve(fd); });
}

void Receiver::Down() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
  listener_ = -1;
}

void Receiver::Answer(int status, std::optional<int> retry_after) {
  std::lock_guard lock(mu_);
  status_ = status;
  retry_after_ = retry_after;
}

std::vector<Received> Receiver::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

bool Receiver::WaitFor(std::size_t n, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (received().size() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return received().size() >= n;
}

void Receiver::Serve(int listener) {
  while (!stop_) {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd >= 0) Handle(fd);
  }
}

void Receiver::Handle(int fd) {
  std::string in;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  std::size_t length = 0;
  while (true) {
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      std::string lower = Lower(in.substr(0, head_end));
      auto at = lower.find("content-length:");
      if (at != std::string::npos) length = std::stoul(lower.substr(at + 15));
    }
    if (head_end != std::string::npos && in.size() >= head_end + 4 + length) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return (void)::close(fd);
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return (void)::close(fd);
    in.append(buf, static_cast<std::size_t>(n));
  }
  Received r;
  std::size_t line_end = in.find("\r\n");
  std::string request_line = in.substr(0, line_end);
  auto sp1 = request_line.find(' ');
  r.target = request_line.substr(sp1 + 1, request_line.rfind(' ') - sp1 - 1);
  for (std::size_t pos = line_end + 2; pos < head_end;) {
    std::size_t next = in.find("\r\n", pos);
    std::string line = in.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = next + 2;
  }
  r.body = in.substr(head_end + 4, length);
  std::string answer;
  {
    std::lock_guard lock(mu_);
    r.answered = status_;
    received_.push_back(std::move(r));
    answer = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 2\r\n";
    if (retry_after_) answer += "Retry-After: " + std::to_string(*retry_after_) + "\r\n";
    answer += "Connection: close\r\n\r\nok";
  }
  (void)::write(fd, answer.data(), answer.size());
  ::close(fd);
}

}  // namespace muster::notify::testing
