// Sign-ups through HTTP with every rule checked and the answer sent only after the commit,
// loaded with wrk and a Lua script on loopback, beside the raw SQLite ceiling for one-row commits
// (WAL, synchronous=NORMAL) measured in the same run.
//
//   signup_bench [--seconds N] [--connections N] [--members N] [--days N] [--sync full]
//                [--handler-threads N] [--io-threads N]
//                [--checkpoint-pages N (0: the writer checkpoints)]
//                [--writer-cache-kib N (0: SQLite's default page cache)]

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/notifications.h"
#include "app/registry.h"
#include "app/workflow.h"
#include "base/clock.h"
#include "crypto/keyring.h"
#include "http/event_hub.h"
#include "http/server.h"
#include "store/registry_repo.h"
#include "store/sqlite/sqlite_store.h"
#include "wrk.h"

namespace {

namespace fs = std::filesystem;
using muster::app::Actor;

constexpr const char* kPassword = "a long bench password";

// The ceiling: one-row INSERT commits in a loop with the plain sqlite3 API, one thread.
double RawCommitsPerSecond(const fs::path& file, bool full, double seconds) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr,
               nullptr);
  sqlite3_exec(db,
               "CREATE TABLE t (id INTEGER PRIMARY KEY, shift INTEGER, member INTEGER, at INTEGER)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (shift, member, at) VALUES (?, ?, ?)", -1, &insert,
                     nullptr);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t n = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 100; ++i, ++n) {
      sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      sqlite3_bind_int64(insert, 1, n % 100);
      sqlite3_bind_int64(insert, 2, n);
      sqlite3_bind_int64(insert, 3, n);
      sqlite3_step(insert);
      sqlite3_reset(insert);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return static_cast<double>(n) / elapsed;
}

struct City {
  std::int64_t site = 0;
  std::int64_t first_member = 0;
  int members = 0;
  std::int64_t first_shift = 0;
  int shifts = 0;
  std::string token;
};

void Check(const muster::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().ToString().c_str());
    std::exit(1);
  }
}

// Posts one request a day for `days` days from `first` at `site`, each with two four-hour shifts
// (08-12 and 13-17: eight hours, the default daily cap) with room for everyone; returns their ids.
std::vector<std::int64_t> PostDays(muster::app::Workflow& workflow, muster::SiteId site,
                                   muster::Date first, int days) {
  std::vector<std::int64_t> shifts;
  for (int d = 0; d < days; ++d) {
    muster::app::RequestInput in;
    in.note = "bench";
    const muster::Timestamp midnight =
        muster::ShanghaiMidnight(std::chrono::sys_days(first) + std::chrono::days(d));
    for (int slot = 0; slot < 2; ++slot) {
      muster::app::ShiftInput s;
      s.site_id = site;
      s.task = muster::domain::ShiftTask::kCheckpoint;
      s.starts_at = midnight + std::chrono::hours(slot == 0 ? 8 : 13);
      s.ends_at = s.starts_at + std::chrono::hours(4);
      s.headcount = 10000;
      in.shifts.push_back(s);
    }
    auto request = workflow.PostRequest(Actor::System(), in);
    if (!request.ok()) Check(request.error(), "request");
    for (const auto& s : request->shifts) shifts.push_back(s.id.value);
  }
  return shifts;
}

// One street paired with one unit; `members` members; two four-hour shifts a day for `days`
// days (08-12 and 13-17: eight hours, the default daily cap), each with room for everyone.
City Build(muster::store::Store& store, muster::app::Registry& registry,
           muster::app::Workflow& workflow, muster::app::Accounts& accounts, int members,
           int days) {
  City city;
  const Actor system = Actor::System();
  auto district = registry.CreateDistrict(system, {{}, "福田区"});
  auto street = registry.CreateStreet(
      system, {{}, district->id, "华富街道", muster::domain::StreetKind::kStreet});
  auto community = registry.CreateCommunity(
      system, {{}, street->id, "田面社区", muster::domain::CommunityKind::kCommunity});
  muster::domain::Site site;
  site.community_id = community->id;
  site.name = "核酸采样点";
  site.kind = "sampling";
  site.lat = 22.54;
  site.lon = 114.06;
  auto made_site = registry.CreateSite(system, site);
  city.site = made_site->id.value;
  auto unit = registry.CreateUnit(system, {{}, "市委组织部", muster::domain::UnitKind::kAgency});
  auto branch = registry.CreateBranch(system, {{}, unit->id, "第一党支部"});
  Check(registry.PairStreet(system, street->id, unit->id, std::nullopt), "pair");
  Check(store.Write([&](muster::store::Transaction& tx) -> muster::Status {
    muster::store::RegistryRepo repo(tx);
    for (int i = 0; i < members; ++i) {
      muster::domain::Member m;
      m.name = "志愿者" + std::to_string(i);
      m.phone = "137" + std::to_string(10000000 + i);
      m.unit_id = unit->id;
      m.branch_id = branch->id;
      m.party_member = true;
      MUSTER_ASSIGN(muster::MemberId id, repo.InsertMember(m, std::nullopt, muster::Timestamp{}));
      if (i == 0) city.first_member = id.value;
    }
    return muster::Ok();
  }),
        "members");
  city.members = members;
  const muster::Date first = *muster::ParseDate("2099-01-01", "d");
  const std::vector<std::int64_t> shifts = PostDays(workflow, made_site->id, first, days);
  city.first_shift = shifts.front();
  city.shifts = 2 * days;
  auto user = accounts.AddUser(system, {"admin", kPassword, muster::app::Role::kCityAdmin, {}});
  if (!user.ok()) Check(user.error(), "user");
  auto grant = accounts.Login("admin", kPassword, "127.0.0.1");
  if (!grant.ok()) Check(grant.error(), "login");
  city.token = grant->token;
  return city;
}

// Sign-ups for an in-process run, on days of its own (each run posts new ones, two shifts a
// day, so no pair repeats): sign-up n is member n mod M on shift n div M.
struct FreshSignups {
  FreshSignups(muster::app::Workflow& workflow, const City& city, int days) : city_(city) {
    static int run = 0;
    const muster::Date first = *muster::ParseDate(std::to_string(2080 + run++) + "-01-01", "d");
    shifts_ = PostDays(workflow, muster::SiteId(city.site), first, days);
    total = static_cast<std::int64_t>(shifts_.size()) * city.members;
  }
  muster::app::SignupInput Nth(std::int64_t n) const {
    muster::app::SignupInput in;
    in.shift_id = muster::ShiftId(shifts_[static_cast<std::size_t>(n / city_.members)]);
    in.member_id = muster::MemberId(city_.first_member + n % city_.members);
    return in;
  }
  std::int64_t total = 0;

 private:
  const City& city_;
  std::vector<std::int64_t> shifts_;
};

// Runs `work`, which makes `total` sign-ups and returns whether all succeeded (it printed the
// first failure); exits on a failure. Returns sign-ups per second and, through cpu_us, process
// CPU microseconds per sign-up.
double Timed(std::int64_t total, double* cpu_us, const std::function<bool()>& work) {
  const double cpu_before = muster::bench::ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  const bool ok = work();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *cpu_us = (muster::bench::ProcessCpuSeconds() - cpu_before) * 1e6 / static_cast<double>(total);
  if (!ok) {
    std::fprintf(stderr, "an in-process sign-up failed\n");
    std::exit(1);
  }
  return static_cast<double>(total) / elapsed;
}

// The application's own ceiling, without HTTP: `threads` threads call Workflow::SignUp for
// every member on each of `days` further days, as the city administrator.
double DirectSignupsPerSecond(muster::app::Workflow& workflow, const City& city, int days,
                              int threads, double* cpu_us) {
  const FreshSignups signups(workflow, city, days);
  return Timed(signups.total, cpu_us, [&] {
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (std::int64_t n; (n = next.fetch_add(1)) < signups.total;) {
          auto done = workflow.SignUp(Actor::System(), signups.Nth(n));
          if (!done.ok() && !failed.exchange(true)) {
            std::fprintf(stderr, "%s\n", done.error().ToString().c_str());
          }
        }
      });
    }
    for (auto& t : pool) t.join();
    return !failed;
  });
}

// The same through Workflow::SignUpAsync from one thread that keeps `in_flight` sign-ups queued,
// as the server's event loops do: the store's writer thread alone is then the limit.
double AsyncSignupsPerSecond(muster::app::Workflow& workflow, const City& city, int days,
                             int in_flight, double* cpu_us) {
  const FreshSignups signups(workflow, city, days);
  return Timed(signups.total, cpu_us, [&] {
    std::mutex mu;
    std::condition_variable cv;
    int queued = 0;
    bool failed = false;
    for (std::int64_t n = 0; n < signups.total; ++n) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return queued < in_flight; });
        ++queued;
      }
      workflow.SignUpAsync(Actor::System(), signups.Nth(n),
                           [&](muster::Result<muster::app::SignupResult> done) {
                             std::lock_guard lock(mu);
                             if (!done.ok() && !failed) {
                               failed = true;
                               std::fprintf(stderr, "%s\n", done.error().ToString().c_str());
                             }
                             --queued;
                             cv.notify_one();
                           });
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queued == 0; });
    return !failed;
  });
}

// Each wrk connection walks its own sequence of (member, shift) pairs: request n of the run
// signs member n mod M up for shift n div M, so no pair repeats and every sign-up is valid.
constexpr const char* kScript = R"lua(
local threads = {}
function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end
function init(args)
  first_member = tonumber(args[1]); members = tonumber(args[2])
  first_shift = tonumber(args[3]); shifts = tonumber(args[4])
  token = args[5]; nthreads = tonumber(args[6])
  n = index
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end
function request()
  local member = first_member + (n % members)
  local shift = first_shift + (math.floor(n / members) % shifts)
  n = n + nthreads
  return wrk.format("POST", "/api/v1/shifts/" .. shift .. "/signups", headers,
                    '{"member_id":' .. member .. '}')
end
)lua";

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5;
  int connections = 64;
  int members = 2000;
  int days = 60;
  bool full = false;
  int handler_threads = 0;
  int io_threads = 0;
  int checkpoint_pages = muster::store::SqliteOptions{}.checkpoint_pages;
  int writer_cache_kib = muster::store::SqliteOptions{}.writer_cache_kib;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--connections") == 0) connections = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--members") == 0) members = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--days") == 0) days = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--handler-threads") == 0) handler_threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--io-threads") == 0) io_threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--checkpoint-pages") == 0) checkpoint_pages = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--writer-cache-kib") == 0) writer_cache_kib = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--sync") == 0) full = std::strcmp(argv[i + 1], "full") == 0;
  }
  const fs::path dir =
      fs::temp_directory_path() / ("muster-signup-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  // The same SQLite configuration for the ceiling and for Muster.
  muster::store::ConfigureSqliteProcess();
  const double raw = RawCommitsPerSecond(dir / "raw.db", full, 3.0);

  muster::store::SqliteOptions options;
  options.path = (dir / "bench.db").string();
  options.synchronous_full = full;
  options.checkpoint_pages = checkpoint_pages;
  options.writer_cache_kib = writer_cache_kib;
  auto store = muster::store::OpenSqlite(options);
  if (!store.ok()) Check(store.error(), "open");
  if (auto v = (*store)->Migrate(); !v.ok()) Check(v.error(), "migrate");
  auto keys = muster::crypto::Keyring::FromHex(
      muster::crypto::Hex(muster::crypto::RandomBytes(muster::crypto::Keyring::kKeyBytes)));
  muster::RealClock clock;
  muster::app::Registry registry(**store, *keys, clock);
  muster::app::Accounts accounts(**store, clock);
  muster::app::AuditLog audit(**store, clock);
  muster::app::Workflow workflow(**store, *keys, clock);
  City city = Build(**store, registry, workflow, accounts, members, days);
  std::ofstream(dir / "signup.lua") << kScript;
  double direct_cpu_1 = 0, direct_cpu_4 = 0;
  const double direct_1 = DirectSignupsPerSecond(workflow, city, 2, 1, &direct_cpu_1);
  const double direct_4 = DirectSignupsPerSecond(workflow, city, 2, 4, &direct_cpu_4);
  double async_cpu = 0;
  const double async_64 = AsyncSignupsPerSecond(workflow, city, 2, 64, &async_cpu);

  muster::http::Router router;
  muster::http::Metrics metrics;
  muster::http::RegisterBuiltinRoutes(router, metrics);
  muster::app::Notifications notifications(**store, *keys, clock);
  muster::http::EventHub events;
  muster::api::ApiContext ctx{registry, accounts,      audit,  clock,
                              workflow, notifications, events, false};
  muster::api::RegisterApiRoutes(router, ctx);
  muster::http::ServerOptions server_options;
  server_options.port = 0;
  server_options.metrics = &metrics;
  server_options.handler_threads = handler_threads;
  server_options.io_threads = io_threads;
  muster::http::Server server(router, server_options);
  Check(server.Start(), "server");

  const auto writes_before =
      muster::store::GetSqliteWriteStats(**store).value_or(muster::store::SqliteWriteStats{});
  muster::bench::WrkRun run;
  run.port = server.port();
  run.path = "/";
  run.seconds = seconds;
  run.connections = connections;
  run.script = (dir / "signup.lua").string();
  run.script_args = std::to_string(city.first_member) + " " + std::to_string(city.members) + " " +
                    std::to_string(city.first_shift) + " " + std::to_string(city.shifts) + " " +
                    city.token + " " + std::to_string(run.threads);
  auto load = muster::bench::RunWrk(run);
  server.Stop();
  const auto writes_after =
      muster::store::GetSqliteWriteStats(**store).value_or(muster::store::SqliteWriteStats{});
  const double per_commit =
      writes_after.commits > writes_before.commits
          ? static_cast<double>(writes_after.transactions - writes_before.transactions) /
                static_cast<double>(writes_after.commits - writes_before.commits)
          : 0;
  if (!load) {
    std::fprintf(stderr, "wrk failed (is wrk installed?)\n");
    return 1;
  }
  std::int64_t stored = 0;
  Check((*store)->Read([&](muster::store::Transaction& tx) -> muster::Status {
    MUSTER_ASSIGN(auto n, tx.QueryInt("SELECT COUNT(*) FROM signups WHERE status = 'confirmed' "
                                      "AND shift_id BETWEEN ? AND ?",
                                      {city.first_shift, city.first_shift + city.shifts - 1}));
    stored = n.value_or(0);
    return muster::Ok();
  }),
        "count");

  std::printf("synchronous=%s; wrk -t2 -c%d -d%ds; %d members, %d shifts; checkpoints %s\n",
              full ? "FULL" : "NORMAL", connections, seconds, members, city.shifts,
              checkpoint_pages > 0 ? "in the background" : "by the writer");
  std::printf("raw SQLite one-row commits, 1 thread    %10.0f commits/s\n", raw);
  std::printf("Workflow::SignUp in process, 1 thread  %10.0f sign-ups/s   cpu %5.1f us/sign-up\n",
              direct_1, direct_cpu_1);
  std::printf("Workflow::SignUp in process, 4 threads %10.0f sign-ups/s   cpu %5.1f us/sign-up\n",
              direct_4, direct_cpu_4);
  std::printf("Workflow::SignUpAsync, 64 in flight    %10.0f sign-ups/s   cpu %5.1f us/sign-up\n",
              async_64, async_cpu);
  std::printf(
      "sign-ups through HTTP, all rules        %10.0f sign-ups/s   p99 %6.2f ms   "
      "server cpu %5.1f us/sign-up\n",
      load->requests_per_second, load->p99_ms, load->cpu_us_per_request);
  std::printf("sign-ups per COMMIT through HTTP: %.1f on average, at most %llu\n", per_commit,
              static_cast<unsigned long long>(writes_after.largest_group));
  std::printf("answers other than 201: %lld; confirmed sign-ups stored: %lld of %lld answered\n",
              static_cast<long long>(load->non_2xx), static_cast<long long>(stored),
              static_cast<long long>(load->requests));
  std::printf("ratio to the raw ceiling: %.2f (target >= 0.40); sign-ups/s target >= 10000\n",
              load->requests_per_second / raw);
  std::printf("peak memory %.0f MiB\n", muster::bench::PeakRssMiB());
  fs::remove_all(dir);
  return load->non_2xx == 0 ? 0 : 1;
}
