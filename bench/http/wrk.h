#pragma once

// Runs wrk (Debian package wrk) against a server of this process and reads its figures.

#include <cstdint>
#include <optional>
#include <string>

namespace muster::bench {

struct WrkLoad {
  double requests_per_second = 0;
  double p99_ms = 0;
  std::int64_t requests = 0;
  std::int64_t non_2xx = 0;  // answers wrk counted as failures (4xx and 5xx)
  // Server CPU (this process: user + system) per request, robust to other load on the machine.
  double cpu_us_per_request = 0;
};

struct WrkRun {
  std::uint16_t port = 0;
  std::string path;
  int seconds = 5;
  int connections = 64;
  int threads = 2;
  std::string token;   // sent as a bearer token when not empty
  std::string script;  // a Lua script file (-s) when not empty
  std::string script_args;  // after "--"
};

// Runs wrk and returns its figures; nullopt when wrk failed or printed no rate.
std::optional<WrkLoad> RunWrk(const WrkRun& run);

// CPU seconds this process has used (user + system).
double ProcessCpuSeconds();

// Peak resident memory of this process, in MiB.
double PeakRssMiB();

}  // namespace muster::bench
