#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace muster::notify::testing {

// One POST as the receiver read it: lower-cased header names.
struct Received {
  std::string target;
  int answered = 0;  // the status the receiver answered
  std::map<std::string, std::string> headers;
  std::string body;
};

// A tiny HTTP receiver on 127.0.0.1 for webhook tests: raw sockets, one connection at a time,
// answers every request with the configured status and closes. It reserves a port when built and
// is down (connections refused) until Up(). Thread-safe.
class Receiver {
 public:
  Receiver();
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  // Starts listening on the reserved port. REQUIRES: down.
  void Up();
  // Stops listening; later connections are refused. Idempotent.
  void Down();
  // Sets the answer's status and Retry-After (seconds; none when unset).
  void Answer(int status, std::optional<int> retry_after = std::nullopt);

  std::vector<Received> received() const;
  // Waits until at least `n` requests arrived; returns whether they did within `timeout`.
  bool WaitFor(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void Serve(int listener);
  void Handle(int fd);

  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  int listener_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  int status_ = 200;                  // GUARDED_BY(mu_)
  std::optional<int> retry_after_;    // GUARDED_BY(mu_)
  std::vector<Received> received_;    // GUARDED_BY(mu_)
};

}  // namespace muster::notify::testing
