#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace muster::notify {

// One HTTP POST of a webhook delivery.
struct PostRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as application/json
};

// What came of one POST.
struct PostResult {
  // The HTTP status of the answer; 0 when none came (refused, timed out, TLS failure...).
  int status = 0;
  // Why no answer came, or a short note on the answer; never the answer's body.
  std::string error;
  // The answer's Retry-After in seconds, when it gave one.
  std::optional<std::chrono::seconds> retry_after;

  bool ok() const { return status >= 200 && status < 300; }
};

// Sends webhook POSTs: the one effect of delivery outside the database, behind an interface so
// tests can count and fail them. Implementations are called from one thread at a time.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends every request (possibly at once) and returns their results in the same order. Returns
  // once each has answered or timed out.
  virtual std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests) = 0;
};

// POSTs with libcurl, several at once over one multi handle. Never follows redirects (a receiver
// that moved is a configuration to fix, and a redirect could lead a signed body elsewhere) and
// speaks only http and https.
class CurlTransport final : public Transport {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{5000};
    // The whole exchange, connection included.
    std::chrono::milliseconds total_timeout{10000};
    // Requests in flight at once.
    int max_parallel = 16;
    // The proxy to use; unset: libcurl's default (the http_proxy/https_proxy/no_proxy
    // environment variables); empty: none.
    std::optional<std::string> proxy;
  };

  CurlTransport();
  explicit CurlTransport(Options options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests) override;

 private:
  Options options_;
  void* multi_;  // CURLM*, kept so connections are reused between batches
};

}  // namespace muster::notify
