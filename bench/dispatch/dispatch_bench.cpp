// Measures Muster's dispatch engine beside a plain baseline on generated city instances. Each
// solve runs as a child process that reads the instance file, so time and peak memory are those of
// the whole process, parsing included.
//
// Slot-aligned instances: the baseline is the plain full-graph min-cost flow (one arc per
// eligible pair, LEMON NetworkSimplex); both must reach the same optimum.
// General instances (--general): the engine reports its plan, its proven bound and the gaps; the
// baseline is GLPK on the full integer program (every usable pair) under a time limit per stage.
//
//   dispatch_bench                  quick slot-aligned sizes (seconds)
//   dispatch_bench --big            adds 20k x 4k and 100k x 20k (baseline skipped on the largest)
//   dispatch_bench --general        general instances: 500 x 100, 2k x 400, 5k x 1k (--big adds
//                                   20k x 4k); GLPK baseline up to 2k volunteers
//   dispatch_bench --sizes=V:S,...  chosen sizes; --no-baseline skips the baseline
//   --days=N                        general instances over N days (default 1)
//   --seed=N                        the generator's seed (default 1, the benchmark's cities)
//   --baseline-seconds=T            GLPK's time limit per stage (default 60)
//   dispatch_bench --write V:S FILE [--general] [--days=N] [--seed=N]  writes one instance
//   dispatch_bench --write-random SEED V:S DAYS FILE  writes the tests' random general instance
//                                   (tests/dispatch/random_instance.h, headcounts up to 4)
//   dispatch_bench --child lp FILE C   LP bounds of FILE: coverage, cost at coverage >= C
//   DISPATCH_BENCH_PROGRESS=1       the engine's progress lines on standard error
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
#include "dispatch/general_baseline.h"
#include "dispatch/oracle.h"
#include "dispatch/random_instance.h"

namespace {

struct Run {
  bool ok = false;
  double seconds = 0;
  double peak_mb = 0;
  long long coverage = 0, cost = 0, bound_coverage = 0, bound_cost = 0;
  std::string method;
};

struct Options {
  bool big = false, general = false, baseline = true;
  int days = 1;
  int baseline_seconds = 60;
  std::uint64_t seed = 1;  // the generator's seed (CitySpec::seed)
  std::vector<std::pair<int, int>> sizes;
};

// Child mode: solves FILE with `solver` and prints "coverage cost method bound_coverage
// bound_cost".
int SolveChild(const std::string& solver, const std::string& path, int seconds) {
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
    muster::dispatch::SolveOptions options;
    auto started = std::chrono::steady_clock::now();
    if (std::getenv("DISPATCH_BENCH_PROGRESS") != nullptr) {
      options.progress = [&](std::string_view line) {
        double t =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cerr << "  [" << t << " s] " << line << "\n";
      };
    }
    muster::dispatch::Plan plan = muster::dispatch::Solve(*instance, options);
    std::string json = muster::dispatch::PlanToJson(plan);  // part of the work a caller pays for
    std::printf("%lld %lld %s %lld %lld\n", (long long)plan.coverage, (long long)plan.cost,
                plan.method.c_str(), (long long)(plan.bound ? plan.bound->coverage : 0),
                (long long)(plan.bound ? plan.bound->cost : 0));
  } else if (solver == "lp") {
    auto [coverage, cost] = muster::bench::LpBounds(*instance, seconds);
    std::printf("%lld %lld lp 0 0\n", (long long)coverage, (long long)cost);
  } else if (solver == "glpk") {
    muster::bench::BaselineResult r = muster::bench::SolveWithGlpk(*instance, seconds);
    std::printf("%lld %lld %s %lld %lld\n", (long long)r.coverage, (long long)r.cost,
                r.status.c_str(), (long long)r.coverage_bound, (long long)r.cost_bound);
  } else {
    muster::dispatch::oracle::Optimum best = muster::dispatch::oracle::FullFlow(*instance);
    std::printf("%lld %lld full_flow 0 0\n", (long long)best.coverage, (long long)best.cost);
  }
  return 0;
}

Run Measure(const char* self, const std::string& solver, const std::string& path, int seconds) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    std::string limit = std::to_string(seconds);
    execl(self, self, "--child", solver.c_str(), path.c_str(), limit.c_str(),
          static_cast<char*>(nullptr));
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
           static_cast<bool>(fields >> run.coverage >> run.cost >> run.method >>
                             run.bound_coverage >> run.bound_cost);
  return run;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--big") o.big = true;
    if (a == "--general") o.general = true;
    if (a == "--no-baseline") o.baseline = false;
    if (a.rfind("--days=", 0) == 0) o.days = std::atoi(a.c_str() + 7);
    if (a.rfind("--seed=", 0) == 0) o.seed = std::strtoull(a.c_str() + 7, nullptr, 10);
    if (a.rfind("--baseline-seconds=", 0) == 0) o.baseline_seconds = std::atoi(a.c_str() + 19);
    if (a.rfind("--sizes=", 0) == 0) {
      std::stringstream list(a.substr(8));
      for (std::string item; std::getline(list, item, ',');) {
        int v = 0, s = 0;
        if (std::sscanf(item.c_str(), "%d:%d", &v, &s) == 2) o.sizes.push_back({v, s});
      }
    }
  }
  if (o.sizes.empty() && o.general) {
    o.sizes = {{500, 100}, {2000, 400}, {5000, 1000}};
    if (o.big) o.sizes.push_back({20000, 4000});
  }
  if (o.sizes.empty()) {
    o.sizes = {{2000, 400}, {5000, 1000}};
    if (o.big) o.sizes.push_back({20000, 4000});
    if (o.big && !o.general) o.sizes.push_back({100000, 20000});
  }
  return o;
}

// Returns how far `value` lies from `bound`, in percent of the bound, signed so that a plan
// worse than its bound has a positive gap.
double Gap(long long value, long long bound, bool above) {
  if (bound == 0) return 0;
  double gap = 100.0 * double(above ? value - bound : bound - value) / double(bound);
  return gap == 0 ? 0 : gap;  // no "-0.000%"
}

bool PrintAligned(int v, int s, bool baseline_run, const Run& engine, const Run& baseline) {
  std::printf("%9d %7d | %8.2f %9.1f %-17s |", v, s, engine.seconds, engine.peak_mb,
              engine.ok ? engine.method.c_str() : "FAILED");
  if (!baseline_run) {
    std::printf(" %8s %9s | %6s %6s | %s\n", "-", "-", "-", "-", "baseline not run");
    return engine.ok;
  }
  bool same = baseline.ok && engine.coverage == baseline.coverage && engine.cost == baseline.cost;
  std::printf(" %8.2f %9.1f | %6.1f %6.1f | %s\n", baseline.seconds, baseline.peak_mb,
              baseline.seconds / engine.seconds, baseline.peak_mb / engine.peak_mb,
              !baseline.ok ? "baseline FAILED"
              : same       ? "same optimum"
                           : "DIFFERENT OPTIMUM");
  return engine.ok && same;
}

bool PrintGeneral(int v, int s, bool baseline_run, const Run& engine, const Run& baseline) {
  // Coverage gap: how far below its bound; cost gap: how far above its bound.
  std::printf("%7d %6d | %7.2f %7.1f %-17s %8lld %8lld %6.3f%% %6.3f%% |", v, s, engine.seconds,
              engine.peak_mb, engine.ok ? engine.method.c_str() : "FAILED", engine.coverage,
              engine.bound_coverage, Gap(engine.coverage, engine.bound_coverage, false),
              Gap(engine.cost, engine.bound_cost, true));
  if (!baseline_run) {
    std::printf(" baseline not run\n");
  } else if (!baseline.ok) {
    std::printf(" %7.2f %7.1f baseline FAILED (%s)\n", baseline.seconds, baseline.peak_mb,
                baseline.method.c_str());
  } else if (baseline.coverage != engine.coverage) {
    // Costs at different coverage do not compare: only the coverage gap is shown.
    std::printf(" %7.2f %7.1f %-9s %8lld %8lld %6.3f%% %7s\n", baseline.seconds, baseline.peak_mb,
                baseline.method.c_str(), baseline.coverage, baseline.bound_coverage,
                Gap(baseline.coverage, engine.bound_coverage, false), "-");
  } else {
    std::printf(" %7.2f %7.1f %-9s %8lld %8lld %6.3f%% %6.3f%%\n", baseline.seconds,
                baseline.peak_mb, baseline.method.c_str(), baseline.coverage,
                baseline.bound_coverage, Gap(baseline.coverage, engine.bound_coverage, false),
                Gap(baseline.cost, engine.bound_cost, true));
  }
  return engine.ok;
}

std::string WriteInstance(const muster::bench::CitySpec& spec) {
  char path[] = "/tmp/dispatch_bench_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  std::string json = muster::bench::GenerateCity(spec);
  bool ok = write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size());
  close(fd);
  return ok ? path : "";
}

void PrintHeader(const Options& o) {
  if (!o.general) {
    std::printf(
        "city instances, one day of 4-hour slots; whole process (parse + solve), 2 cores\n");
    std::printf("%9s %7s | %8s %9s %-17s | %8s %9s | %6s %6s |\n", "volunteer", "shifts",
                "engine s", "engine MB", "method", "base s", "base MB", "time x", "mem x");
    return;
  }
  std::printf(
      "general city instances over %d day(s): shifts of 2-8 h at any hour, caps 4-8 h;\n"
      "whole process, 2 cores; gaps against the engine's proven bound (the baseline's\n"
      "too); baseline GLPK on the full integer program, %d s per stage after its root LP\n",
      o.days, o.baseline_seconds);
  std::printf("%7s %6s | %7s %7s %-17s %8s %8s %7s %7s | %7s %7s %-9s %8s %8s %7s %7s\n", "volunt",
              "shifts", "eng s", "eng MB", "method", "coverage", "bound", "cov gap", "cost gap",
              "base s", "base MB", "status", "coverage", "LP bound", "cov gap", "cost gap");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--child") {
    return SolveChild(argv[2], argv[3], std::atoi(argv[4]));
  }
  if (argc == 6 && std::string(argv[1]) == "--write-random") {
    // The shape of the slow tests' medium general instances (tests/dispatch/slow_test.cpp).
    muster::dispatch::testing::RandomSpec spec;
    spec.aligned = false;
    spec.max_headcount = 4;
    spec.days = std::atoi(argv[4]);
    if (std::sscanf(argv[3], "%d:%d", &spec.volunteers, &spec.shifts) != 2) return 2;
    std::ofstream(argv[5], std::ios::binary)
        << muster::dispatch::testing::RandomInstanceJson(std::strtoull(argv[2], nullptr, 10), spec);
    return 0;
  }
  Options o = ParseOptions(argc, argv);
  if (argc >= 4 && std::string(argv[1]) == "--write") {
    muster::bench::CitySpec spec;
    spec.aligned = !o.general;
    spec.days = o.days;
    spec.seed = o.seed;
    if (std::sscanf(argv[2], "%d:%d", &spec.volunteers, &spec.shifts) != 2) return 2;
    std::ofstream(argv[3], std::ios::binary) << muster::bench::GenerateCity(spec);
    return 0;
  }
  PrintHeader(o);
  bool all_ok = true;
  for (auto [volunteers, shifts] : o.sizes) {
    muster::bench::CitySpec spec;
    spec.volunteers = volunteers;
    spec.shifts = shifts;
    spec.aligned = !o.general;
    spec.days = o.days;
    spec.seed = o.seed;
    std::string path = WriteInstance(spec);
    if (path.empty()) return 1;
    // GLPK's root LP alone takes minutes beyond about 300,000 pairs (2,000 x 400).
    bool baseline = o.baseline && (o.general ? volunteers <= 2000 : volunteers < 100000);
    Run engine = Measure(argv[0], "engine", path, 0);
    Run base = baseline
                   ? Measure(argv[0], o.general ? "glpk" : "baseline", path, o.baseline_seconds)
                   : Run{};
    all_ok = (o.general ? PrintGeneral(volunteers, shifts, baseline, engine, base)
                        : PrintAligned(volunteers, shifts, baseline, engine, base)) &&
             all_ok;
    std::fflush(stdout);
    unlink(path.c_str());
  }
  return all_ok ? 0 : 1;
}
