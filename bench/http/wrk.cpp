#include "wrk.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace muster::bench {
namespace {

// Converts wrk's "1.23ms" / "850.00us" / "1.02s" to milliseconds.
double ToMilliseconds(const char* text) {
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (std::strncmp(end, "us", 2) == 0) return value / 1000.0;
  if (std::strncmp(end, "ms", 2) == 0) return value;
  if (std::strncmp(end, "s", 1) == 0) return value * 1000.0;
  return value;
}

}  // namespace

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::optional<WrkLoad> RunWrk(const WrkRun& run) {
  std::string command = "wrk --latency -t" + std::to_string(run.threads) + " -c" +
                        std::to_string(run.connections) + " -d" + std::to_string(run.seconds) + "s";
  if (!run.token.empty()) command += " -H 'Authorization: Bearer " + run.token + "'";
  if (!run.script.empty()) command += " -s '" + run.script + "'";
  command += " http://127.0.0.1:" + std::to_string(run.port) + run.path;
  if (!run.script_args.empty()) command += " -- " + run.script_args;
  command += " 2>&1";
  const double cpu_before = ProcessCpuSeconds();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  WrkLoad load;
  bool saw_rate = false;
  char line[512];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    if (const char* at = std::strstr(line, "Requests/sec:")) {
      load.requests_per_second = std::strtod(at + 13, nullptr);
      saw_rate = true;
    }
    if (const char* at = std::strstr(line, " requests in ")) {
      const char* p = line;
      while (*p == ' ') ++p;
      if (p < at) load.requests = std::strtoll(p, nullptr, 10);
    }
    if (const char* at = std::strstr(line, "Non-2xx or 3xx responses:")) {
      load.non_2xx = std::strtoll(at + 26, nullptr, 10);
    }
    const char* p = line;
    while (*p == ' ') ++p;
    if (std::strncmp(p, "99%", 3) == 0) {
      p += 3;
      while (*p == ' ') ++p;
      load.p99_ms = ToMilliseconds(p);
    }
  }
  if (pclose(pipe) != 0 || !saw_rate) return std::nullopt;
  if (load.requests > 0) {
    load.cpu_us_per_request = (ProcessCpuSeconds() - cpu_before) * 1e6 / load.requests;
  }
  return load;
}

}  // namespace muster::bench
