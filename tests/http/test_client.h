#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace muster::http::testing {

// One parsed answer as the test client read it off the wire.
struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Returns the first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// A deliberately small blocking HTTP/1.1 client over a raw socket, so tests can send exactly the
// bytes they mean (malformed requests, traversal attempts, slow headers). Not thread-safe.
class TestClient {
 public:
  // Connects to 127.0.0.1:`port`; check connected().
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Sends `bytes` as they are. Returns false when the connection is gone.
  bool Send(std::string_view bytes);
  // Reads one answer: headers, then a Content-Length body (none for event streams, 1xx, 204,
  // 304 or answers to HEAD when `head`). nullopt on timeout or close.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                  bool head = false);
  // Sends a request with Host and, for a body, Content-Length; returns the answer.
  std::optional<RawResponse> Call(std::string_view method, std::string_view target,
                                  std::string_view body = {},
                                  std::vector<std::pair<std::string, std::string>> headers = {});
  // Reads until the received text contains `needle`; returns everything read so far (beyond the
  // answer's headers) or nullopt on timeout/close.
  std::optional<std::string> ReadUntil(std::string_view needle,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Returns whether the server closes the connection within `timeout` (reading and discarding).
  bool WaitClosed(std::chrono::milliseconds timeout);
  // Closes the socket now.
  void Close();

 private:
  // Reads more bytes into pending_; false on timeout, error or close.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
};

}  // namespace muster::http::testing
