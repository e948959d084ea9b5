#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace muster::bench {

// The baseline: the smallest reasonable asynchronous Beast server, answering every request with
// one constant JSON body on keep-alive connections. No routing, no headers beyond the needed.
class MinimalServer {
 public:
  MinimalServer(std::string body, int threads);
  ~MinimalServer();
  // Listens on 127.0.0.1 at a free port and starts the threads; returns the port.
  std::uint16_t Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace muster::bench
