// Measures write commits on SQLite, all in one run, and prints one table:
//   (a) the raw ceiling: one-row INSERTs, each its own commit, with the plain sqlite3 API on a
//       WAL database, one thread, synchronous=NORMAL and FULL;
//   (b) Store::Write of the same one-row INSERT from 1, 8 and 64 threads (group commit), and at
//       64 threads with grouping off (max_group 1) to show what grouping buys;
//   (c) (b) / (a) for the same synchronous setting;
// plus a sign-up-shaped write (three rule reads, a capacity-guarded UPDATE, an INSERT) at 64
// threads, the CPU time per write (less sensitive than throughput to other load on the machine),
// and peak memory.
//
//   store_commit_bench [--seconds S] [--rounds N] [--db-dir DIR]
//
// Each row is the median of N interleaved rounds (default 3) of S seconds (default 1). DIR should
// sit on the disk the server would use: FULL pays an fsync per commit there.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace {

using namespace muster;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr char kSchema[] =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, k BIGINT NOT NULL, who TEXT NOT NULL)";
constexpr char kInsert[] = "INSERT INTO items (k, who) VALUES (?, ?)";
constexpr char kWho[] = "volunteer 13812345678";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_commit_bench: %s\n", what.c_str());
  std::exit(1);
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

struct Figures {
  double writes_per_s = 0;
  double commits_per_s = 0;
  double p50_ms = 0, p99_ms = 0;  // per write, as its caller waits; 0 when not measured
  double cpu_us = 0;              // CPU time of the process (user + system) per write
};

// CPU time (user + system) this process has used so far, in microseconds.
double CpuMicros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + static_cast<double>(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

fs::path FreshFile(const fs::path& dir, const std::string& name) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir / (name + suffix));
  return dir / name;
}

void Check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE) Die(std::string(what) + ": " + sqlite3_errmsg(db));
}

// (a) The plain sqlite3 API: autocommit one-row INSERTs in a loop, one thread.
Figures RawCeiling(const fs::path& path, bool full, double seconds) {
  sqlite3* db = nullptr;
  Check(db,
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr),
        "open");
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
                        (full ? "FULL; " : "NORMAL; ") + kSchema;
  Check(db, sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr), "schema");
  sqlite3_stmt* insert = nullptr;
  Check(db, sqlite3_prepare_v2(db, kInsert, -1, &insert, nullptr), "prepare");
  double cpu = CpuMicros();
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  std::int64_t n = 0;
  for (; SteadyClock::now() < end; ++n) {
    sqlite3_bind_int64(insert, 1, n);
    sqlite3_bind_text(insert, 2, kWho, -1, SQLITE_STATIC);
    Check(db, sqlite3_step(insert), "insert");
    sqlite3_reset(insert);
  }
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  cpu = CpuMicros() - cpu;
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return {n / elapsed, n / elapsed, 0, 0, cpu / static_cast<double>(n)};
}

std::unique_ptr<store::Store> OpenStore(const fs::path& path, bool full, int max_group) {
  auto s =
      store::OpenSqlite({.path = path.string(), .synchronous_full = full, .max_group = max_group});
  if (!s.ok()) Die(s.error().message);
  return std::move(s).value();
}

// Runs `write(thread, i)` from `threads` threads for `seconds`; returns the figures.
template <typename F>
Figures Drive(store::Store& store, int threads, double seconds, F write) {
  auto before = *store::GetSqliteWriteStats(store);
  std::vector<std::vector<float>> latencies(threads);
  std::atomic<bool> go{false};
  auto start = SteadyClock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      auto& mine = latencies[t];
      mine.reserve(1 << 16);
      for (std::int64_t i = 0;; ++i) {
        auto t0 = SteadyClock::now();
        if (t0 >= end) break;
        Status s = write(t, i);
        if (!s.ok()) Die("write failed: " + s.error().message);
        mine.push_back(std::chrono::duration<float, std::milli>(SteadyClock::now() - t0).count());
      }
    });
  }
  double cpu = CpuMicros();
  start = SteadyClock::now();
  end = start + std::chrono::duration<double>(seconds);
  go = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  cpu = CpuMicros() - cpu;
  auto after = *store::GetSqliteWriteStats(store);
  std::vector<float> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[static_cast<std::size_t>(p * (all.size() - 1))];
  };
  return {static_cast<double>(all.size()) / elapsed,
          static_cast<double>(after.commits - before.commits) / elapsed, pct(0.50), pct(0.99),
          cpu / static_cast<double>(std::max<std::size_t>(all.size(), 1))};
}

// (b) Store::Write of the one-row INSERT.
Figures StoreInserts(const fs::path& path, bool full, int threads, int max_group, double seconds) {
  auto store = OpenStore(path, full, max_group);
  Status made = store->Write([](store::Transaction& tx) { return tx.ExecScript(kSchema); });
  if (!made.ok()) Die(made.error().message);
  return Drive(*store, threads, seconds, [&](int t, std::int64_t i) {
    return store->Write([&](store::Transaction& tx) -> Status {
      auto r = tx.Exec(kInsert, {t * std::int64_t{1'000'000'000} + i, std::string(kWho)});
      if (!r.ok()) return std::move(r).error();
      return Ok();
    });
  });
}

// A sign-up as the coming HTTP endpoint will write it: the member exists, the shift exists and is
// open, the member has fewer than three sign-ups that day, a seat is taken under the capacity
// guard, the sign-up is recorded.
Figures StoreSignUps(const fs::path& path, bool full, int threads, double seconds) {
  constexpr std::int64_t kMembers = 20'000, kShifts = 2'000;
  auto store = OpenStore(path, full, 128);
  Status made = store->Write([&](store::Transaction& tx) -> Status {
    MUSTER_TRY(tx.ExecScript(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE shifts (id INTEGER PRIMARY KEY, day BIGINT NOT NULL, open INTEGER NOT NULL,"
        "  cap BIGINT NOT NULL, taken BIGINT NOT NULL);"
        "CREATE TABLE signups (id INTEGER PRIMARY KEY, shift_id BIGINT NOT NULL REFERENCES "
        "shifts(id),"
        "  member_id BIGINT NOT NULL REFERENCES members(id), day BIGINT NOT NULL, at BIGINT NOT "
        "NULL,"
        "  UNIQUE (shift_id, member_id));"
        "CREATE INDEX signups_member_day ON signups (member_id, day)"));
    for (std::int64_t m = 1; m <= kMembers; ++m) {
      MUSTER_TRY(tx.Exec("INSERT INTO members (id, name) VALUES (?, 'm')", {m}));
    }
    for (std::int64_t s = 1; s <= kShifts; ++s) {
      MUSTER_TRY(
          tx.Exec("INSERT INTO shifts (id, day, open, cap, taken) VALUES (?, ?, 1, 100000, 0)",
                  {s, s % 365}));
    }
    return Ok();
  });
  if (!made.ok()) Die(made.error().message);
  std::atomic<std::int64_t> next{0};
  return Drive(*store, threads, seconds, [&](int, std::int64_t) {
    std::int64_t j = next.fetch_add(1);
    std::int64_t member = 1 + j % kMembers, shift = 1 + (j / kMembers) * 7 % kShifts;
    return store->Write([&](store::Transaction& tx) -> Status {
      MUSTER_ASSIGN(auto known, tx.QueryInt("SELECT 1 FROM members WHERE id = ?", {member}));
      if (!known) return NotFound("member");
      MUSTER_ASSIGN(auto day,
                    tx.QueryInt("SELECT day FROM shifts WHERE id = ? AND open = 1", {shift}));
      if (!day) return NotFound("shift");
      MUSTER_ASSIGN(auto that_day,
                    tx.QueryInt("SELECT COUNT(*) FROM signups WHERE member_id = ? AND day = ?",
                                {member, *day}));
      if (that_day.value_or(0) >= 3) return Conflict("three sign-ups that day");
      MUSTER_ASSIGN(
          auto seat,
          tx.Exec("UPDATE shifts SET taken = taken + 1 WHERE id = ? AND taken < cap", {shift}));
      if (seat == 0) return Conflict("full");
      auto r = tx.Exec("INSERT INTO signups (shift_id, member_id, day, at) VALUES (?, ?, ?, ?)",
                       {shift, member, *day, j});
      if (!r.ok()) return std::move(r).error();
      return Ok();
    });
  });
}

void PrintRow(const std::string& run, const char* sync, const Figures& f, double ceiling) {
  std::printf("%-48s %-6s %9.0f %9.0f %8.1f", run.c_str(), sync, f.writes_per_s, f.commits_per_s,
              f.writes_per_s / f.commits_per_s);
  if (f.p99_ms > 0) {
    std::printf(" %7.3f %7.2f", f.p50_ms, f.p99_ms);
  } else {
    std::printf(" %7s %7s", "-", "-");
  }
  std::printf(" %7.1f %6.2f\n", f.cpu_us, f.writes_per_s / ceiling);
}

struct Run {
  std::string name;
  bool full;
  std::function<Figures()> measure;
  std::vector<Figures> rounds;

  // Returns the round with the median throughput.
  Figures Median() const {
    std::vector<Figures> sorted = rounds;
    std::sort(sorted.begin(), sorted.end(),
              [](const Figures& a, const Figures& b) { return a.writes_per_s < b.writes_per_s; });
    return sorted[sorted.size() / 2];
  }
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  int rounds = 3;
  fs::path dir = fs::temp_directory_path() / "muster-commit-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--rounds") {
      rounds = std::max(1, std::atoi(argv[i + 1]));
    } else if (flag == "--db-dir") {
      dir = argv[i + 1];
    } else {
      Die("unknown option " + flag);
    }
  }
  fs::create_directories(dir);
  std::vector<Run> runs;
  for (bool full : {false, true}) {
    runs.push_back({"(a) raw sqlite3, autocommit INSERT, 1 thread",
                    full,
                    [=] { return RawCeiling(FreshFile(dir, "raw.db"), full, seconds); },
                    {}});
    for (int threads : {1, 8, 64}) {
      runs.push_back(
          {"(b) Store::Write INSERT, " + std::to_string(threads) + " thread" +
               (threads > 1 ? "s" : ""),
           full,
           [=] { return StoreInserts(FreshFile(dir, "store.db"), full, threads, 128, seconds); },
           {}});
    }
    runs.push_back({"    the same, 64 threads, grouping off",
                    full,
                    [=] { return StoreInserts(FreshFile(dir, "store.db"), full, 64, 1, seconds); },
                    {}});
    runs.push_back({"    sign-up-shaped write (5 statements), 64 thr.",
                    full,
                    [=] { return StoreSignUps(FreshFile(dir, "signups.db"), full, 64, seconds); },
                    {}});
  }
  // Rounds interleave the runs so that a burst of load from elsewhere does not fall on one run
  // alone; each row shows its median round, each ratio compares medians.
  for (int round = 0; round < rounds; ++round) {
    for (Run& r : runs) r.rounds.push_back(r.measure());
  }
  std::printf(
      "SQLite %s, WAL, median of %d interleaved rounds of %.1f s, in %s, %u hardware threads\n",
      sqlite3_libversion(), rounds, seconds, dir.c_str(), std::thread::hardware_concurrency());
  std::printf("%-48s %-6s %9s %9s %8s %7s %7s %7s %6s\n", "run", "sync", "writes/s", "commits/s",
              "w/commit", "p50 ms", "p99 ms", "cpu us", "ratio");
  for (const Run& r : runs) {
    const Run& ceiling = r.full ? runs[runs.size() / 2] : runs[0];
    PrintRow(r.name, r.full ? "FULL" : "NORMAL", r.Median(), ceiling.Median().writes_per_s);
  }
  std::printf(
      "cpu us: CPU time of the process per write; ratio: writes/s over (a) with the same sync; "
      "peak RSS %.0f MB\n",
      PeakRssMb());
  for (const char* name : {"raw.db", "store.db", "signups.db"}) FreshFile(dir, name);
  return 0;
}
