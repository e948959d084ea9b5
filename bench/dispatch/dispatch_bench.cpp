// Measures Muster's dispatch engine beside the plain baseline (one arc per eligible pair, LEMON
// NetworkSimplex) on generated city instances. Each solve runs as a child process that reads the
// instance file, so time and peak memory are those of the whole process, parsing included.
//
//   dispatch_bench                  quick sizes (seconds)
//   dispatch_bench --big            adds 20k x 4k and 100k x 20k (baseline skipped on the largest)
//   dispatch_bench --sizes=V:S,...  chosen sizes; --no-baseline skips the baseline
//   dispatch_bench --write V:S FILE writes one generated instance (for muster dispatch --in FILE)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dispatch/city_generator.h"
#include "dispatch/engine.h"
#include "dispatch/oracle.h"

namespace {

struct Run {
  bool ok = false;
  double seconds = 0;
  double peak_mb = 0;
  long long coverage = 0, cost = 0;
  std::string method;
};

// Child mode: solves FILE with `solver` and prints "coverage cost method".
int SolveChild(const std::string& solver, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  auto instance = muster::dispatch::ParseInstance(text.str());
  if (!instance.ok()) {
    std::cerr << instance.error().ToString() << "\n";
    return 2;
  }
  { std::stringstream().swap(text); }
  if (solver == "engine") {
    muster::dispatch::Plan plan = muster::dispatch::Solve(*instance);
    std::string json = muster::dispatch::PlanToJson(plan);  // part of the work a caller pays for
    std::printf("%lld %lld %s\n", (long long)plan.coverage, (long long)plan.cost, plan.method.c_str());
  } else {
    muster::dispatch::oracle::Optimum best = muster::dispatch::oracle::FullFlow(*instance);
    std::printf("%lld %lld full_flow\n", (long long)best.coverage, (long long)best.cost);
  }
  return 0;
}

Run Measure(const char* self, const std::string& solver, const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    execl(self, self, "--child", solver.c_str(), path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) output.append(buf, std::size_t(n));
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Run run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.peak_mb = usage.ru_maxrss / 1024.0;
  std::istringstream fields(output);
  run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
           static_cast<bool>(fields >> run.coverage >> run.cost >> run.method);
  return run;
}

struct Size {
  int volunteers, shifts;
  bool baseline;
};

std::vector<Size> ParseSizes(int argc, char** argv) {
  std::vector<Size> sizes = {{2000, 400, true}, {5000, 1000, true}};
  bool baseline = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--big") {
      sizes.push_back({20000, 4000, true});
      sizes.push_back({100000, 20000, false});
    } else if (a == "--no-baseline") {
      baseline = false;
    } else if (a.rfind("--sizes=", 0) == 0) {
      sizes.clear();
      std::stringstream list(a.substr(8));
      for (std::string item; std::getline(list, item, ',');) {
        int v = 0, s = 0;
        if (std::sscanf(item.c_str(), "%d:%d", &v, &s) == 2) sizes.push_back({v, s, true});
      }
    }
  }
  if (!baseline) {
    for (Size& s : sizes) s.baseline = false;
  }
  return sizes;
}

void PrintRow(const Size& size, const Run& engine, const Run& baseline) {
  std::printf("%9d %7d | %8.2f %9.1f %-17s |", size.volunteers, size.shifts, engine.seconds,
              engine.peak_mb, engine.ok ? engine.method.c_str() : "FAILED");
  if (!size.baseline) {
    std::printf(" %8s %9s | %6s %6s | %s\n", "-", "-", "-", "-", "baseline not run");
    return;
  }
  std::printf(" %8.2f %9.1f | %6.1f %6.1f | %s\n", baseline.seconds, baseline.peak_mb,
              baseline.seconds / engine.seconds, baseline.peak_mb / engine.peak_mb,
              !baseline.ok                                                        ? "baseline FAILED"
              : engine.coverage == baseline.coverage && engine.cost == baseline.cost ? "same optimum"
                                                                                   : "DIFFERENT OPTIMUM");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") return SolveChild(argv[2], argv[3]);
  if (argc == 4 && std::string(argv[1]) == "--write") {
    muster::bench::CitySpec spec;
    if (std::sscanf(argv[2], "%d:%d", &spec.volunteers, &spec.shifts) != 2) return 2;
    std::ofstream(argv[3], std::ios::binary) << muster::bench::GenerateCity(spec);
    return 0;
  }
  std::printf("city instances, one day of 4-hour slots; whole process (parse + solve), 2 cores\n");
  std::printf("%9s %7s | %8s %9s %-17s | %8s %9s | %6s %6s |\n", "volunteer", "shifts", "engine s",
              "engine MB", "method", "base s", "base MB", "time x", "mem x");
  bool all_same = true;
  for (const Size& size : ParseSizes(argc, argv)) {
    muster::bench::CitySpec spec;
    spec.volunteers = size.volunteers;
    spec.shifts = size.shifts;
    char path[] = "/tmp/dispatch_bench_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    std::string json = muster::bench::GenerateCity(spec);
    if (write(fd, json.data(), json.size()) != static_cast<ssize_t>(json.size())) return 1;
    close(fd);
    json.clear();
    json.shrink_to_fit();
    Run engine = Measure(argv[0], "engine", path);
    Run baseline = size.baseline ? Measure(argv[0], "baseline", path) : Run{};
    PrintRow(size, engine, baseline);
    std::fflush(stdout);
    all_same = all_same && engine.ok && (!size.baseline || (baseline.coverage == engine.coverage &&
                                                            baseline.cost == engine.cost));
    unlink(path);
  }
  return all_same ? 0 : 1;
}
