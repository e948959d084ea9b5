// The statistics over 10 million attendance records, against plain SQL aggregation:
//   stats_bench [--db PATH] [--records N] [--days D] [--repeat K] [--regenerate] [--no-plain]
// Generates (once; kept in PATH for later runs) a city of the source's shape - 68 units, 701
// party branches, 30,000 members, 78 streets, 701 communities - and N person-times (default
// 10,000,000) over D days (default 60) straight into an SQLite file, with its requests, shifts
// and routes; builds the tallies with stats::Rebuild; then, in a fresh process (so the peak
// memory is that of answering), times the summary and every breakdown for a day, a week and
// the whole range, as Statistics answers them and as the plain SQL recount answers them, checks
// that both give the same figures, and prints times, ratios and peak memory.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "app/stats.h"
#include "app/stats_upkeep.h"
#include "base/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace muster;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string db = "stats_bench.db";
  std::int64_t records = 10'000'000;
  int days = 60;
  int repeat = 5;
  bool regenerate = false;
  bool plain = true;
  bool timing_only = false;
  std::string only;  // time only the answers whose "scope period answer" contains this
};

// The city's shape (the source: 68 municipal units, 702 branches, 507 paired communities of a
// city with 78 streets and 701 communities).
constexpr int kUnits = 68;
constexpr int kStreets = 78;
constexpr int kCommunities = 701;
constexpr int kMembers = 30'000;
constexpr int kFirstDay = 18993;  // 2022-01-01

// The peak resident memory of this program (VmHWM: per address space, so an exec starts it
// afresh, unlike getrusage's maxrss).
double PeakRssMb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atof(line + 6);
  }
  std::fclose(f);
  return kb / 1024.0;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "stats_bench: %s\n", what.c_str());
  std::exit(1);
}

// ---- Generation ----

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("cannot open " + path);
  }
  ~Db() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Die(sql + ": " + (err ? err : "?"));
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      Die(sql + ": " + sqlite3_errmsg(db_));
    }
    statements_.push_back(s);
    return s;
  }
  // Binds the integers (kNull for NULL), then the texts, in order, and steps once.
  void Run(sqlite3_stmt* s, std::initializer_list<std::int64_t> ints,
           std::initializer_list<std::string> texts = {}) {
    int i = 1;
    for (std::int64_t v : ints) {
      if (v == kNull) {
        sqlite3_bind_null(s, i++);
      } else {
        sqlite3_bind_int64(s, i++, v);
      }
    }
    for (const std::string& t : texts)
      sqlite3_bind_text(s, i++, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  static constexpr std::int64_t kNull = INT64_MIN;

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

struct Member {
  int unit;
  int branch;  // 0: none
  bool party;
};

void Generate(const Options& o) {
  fs::remove(o.db);
  fs::remove(o.db + "-wal");
  fs::remove(o.db + "-shm");
  {
    auto store = store::OpenSqlite({.path = o.db});
    if (!store.ok() || !(*store)->Migrate().ok()) Die("cannot create " + o.db);
  }
  const auto started = Clock::now();
  std::mt19937_64 rng(20220101);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {  // [lo, hi]
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  Db db(o.db);
  db.Exec(
      "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; "
      "PRAGMA cache_size=-1000000; BEGIN");
  // Regions: 78 streets of 9 communities (701 in all), one site each. Street s is paired with
  // unit s % 68; each community with a department of that unit, which has one party branch.
  db.Exec("INSERT INTO districts (id, name) VALUES (1, '全市')");
  auto street =
      db.Prepare("INSERT INTO streets (id, district_id, name, kind) VALUES (?, 1, ?, 'street')");
  for (int s = 1; s <= kStreets; ++s) db.Run(street, {s}, {"街道" + std::to_string(s)});
  auto unit = db.Prepare("INSERT INTO units (id, name, kind) VALUES (?, ?, 'agency')");
  for (int u = 1; u <= kUnits; ++u) db.Run(unit, {u}, {"市直单位" + std::to_string(u)});
  auto community = db.Prepare(
      "INSERT INTO communities (id, street_id, name, kind) VALUES (?, ?, ?, 'community')");
  auto site = db.Prepare(
      "INSERT INTO sites (id, community_id, name, kind, lat, lon, risk) VALUES "
      "(?, ?, ?, 'checkpoint', 22.5, 114.1, 'normal')");
  auto department = db.Prepare("INSERT INTO departments (id, unit_id, name) VALUES (?, ?, ?)");
  auto branch = db.Prepare("INSERT INTO branches (id, unit_id, name) VALUES (?, ?, ?)");
  std::vector<int> street_of(kCommunities + 1), unit_of_community(kCommunities + 1);
  for (int c = 1; c <= kCommunities; ++c) {
    const int s = (c - 1) / 9 + 1;
    const int u = (s - 1) % kUnits + 1;
    street_of[c] = s;
    unit_of_community[c] = u;
    db.Run(community, {c, s}, {"社区" + std::to_string(c)});
    db.Run(site, {c, c}, {"卡点" + std::to_string(c)});
    db.Run(department, {c, u}, {"处室" + std::to_string(c)});
    db.Run(branch, {c, u}, {"第" + std::to_string(c) + "党支部"});
  }
  // Members: each in the department (and branch) of one community; 5% without a branch, 85%
  // party members.
  auto member = db.Prepare(
      "INSERT INTO members (id, unit_id, department_id, branch_id, "
      "party_member, name, phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1640966400)");
  std::vector<Member> members(kMembers + 1);
  std::vector<std::vector<int>> home(kCommunities + 1), of_unit(kUnits + 1);
  for (int m = 1; m <= kMembers; ++m) {
    const int c = (m - 1) % kCommunities + 1;
    const int u = unit_of_community[c];
    members[m] = {u, rng() % 20 == 0 ? 0 : c, rng() % 100 < 85};
    home[c].push_back(m);
    of_unit[u].push_back(m);
    db.Run(member, {m, u, c, members[m].branch ? members[m].branch : Db::kNull, members[m].party},
           {"成员" + std::to_string(m), std::to_string(13900000000LL + m)});
  }
  // One request per community and day, routed to the street's unit and the community's
  // department; shifts of 5 to 35 places from 06:00 to 20:00, 2 to 4 hours; 80% of the places
  // go to the community's own members, 15% to others of its unit, 5% to anyone (escalated).
  auto request = db.Prepare(
      "INSERT INTO requests (id, street_id, note, urgent, posted_at, "
      "escalates_at, escalated_at) VALUES (?, ?, 'x', 0, ?, ?, ?)");
  auto route_unit = db.Prepare(
      "INSERT INTO request_routes (request_id, unit_id, reason, "
      "routed_at) VALUES (?, ?, 'street_pairing', ?)");
  auto route_dept = db.Prepare(
      "INSERT INTO request_routes (request_id, department_id, reason, "
      "routed_at) VALUES (?, ?, 'community_pairing', ?)");
  auto shift = db.Prepare(
      "INSERT INTO shifts (id, request_id, site_id, community_id, street_id, task, starts_at, "
      "ends_at, day, headcount, confirmed, skills, priority, risk, filled_at, reminded, closed) "
      "VALUES (?, ?, ?, ?, ?, 'checkpoint', ?, ?, ?, ?, ?, '', 0, 'normal', ?, 1, 1)");
  auto attendance = db.Prepare(
      "INSERT INTO attendance (id, shift_id, member_id, checked_in_at, checked_out_at, closed_by, "
      "source, day, unit_id, branch_id, party_member, street_id, community_id, counted_seconds) "
      "VALUES (?, ?, ?, ?, ?, 'checkout', 'code', ?, ?, ?, ?, ?, ?, ?)");
  std::vector<double> weight(kCommunities + 1);
  double total_weight = 0;
  for (int c = 1; c <= kCommunities; ++c) total_weight += weight[c] = 0.5 + (rng() % 1000) / 1000.0;
  const std::int64_t per_day = o.records / o.days;
  std::int64_t request_id = 0, shift_id = 0, attendance_id = 0;
  for (int d = 0; d < o.days; ++d) {
    const std::int64_t day = kFirstDay + d;
    const std::int64_t midnight = day * 86400 - 8 * 3600;
    std::int64_t quota_left = d + 1 == o.days ? o.records - attendance_id : per_day;
    for (int c = 1; c <= kCommunities && quota_left > 0; ++c) {
      std::int64_t quota = c == kCommunities
                               ? quota_left
                               : std::min<std::int64_t>(
                                     quota_left, std::llround(per_day * weight[c] / total_weight));
      quota_left -= quota;
      const std::int64_t posted = midnight - uniform(2, 8) * 3600;
      ++request_id;
      db.Run(request, {request_id, street_of[c], posted, posted + 3600, posted + 3600});
      db.Run(route_unit, {request_id, unit_of_community[c], posted});
      db.Run(route_dept, {request_id, c, posted});
      while (quota > 0) {
        const std::int64_t headcount = uniform(5, 35);
        std::int64_t n = std::min<std::int64_t>(
            quota, rng() % 5 == 0 ? headcount - uniform(0, headcount / 3) : headcount);
        const std::int64_t start = midnight + uniform(6, 20) * 3600 + uniform(0, 3) * 900;
        const std::int64_t end = start + uniform(2, 4) * 3600;
        std::vector<int> chosen;
        for (int attempts = 0; static_cast<std::int64_t>(chosen.size()) < n && attempts < 1000;
             ++attempts) {
          const int r = static_cast<int>(rng() % 100);
          const int m =
              r < 80   ? home[c][rng() % home[c].size()]
              : r < 95 ? of_unit[unit_of_community[c]][rng() % of_unit[unit_of_community[c]].size()]
                       : static_cast<int>(uniform(1, kMembers));
          if (std::find(chosen.begin(), chosen.end(), m) == chosen.end()) chosen.push_back(m);
        }
        n = static_cast<std::int64_t>(chosen.size());
        ++shift_id;
        db.Run(shift, {shift_id, request_id, c, c, street_of[c], start, end, day, headcount, n,
                       n == headcount ? posted + uniform(5, 600) * 60 : Db::kNull});
        for (int m : chosen) {
          const std::int64_t in = start - 600 + uniform(0, 1500);
          const std::int64_t out = end + uniform(-1200, 1200);
          ++attendance_id;
          db.Run(attendance, {attendance_id, shift_id, m, in, out, day, members[m].unit,
                              members[m].branch ? members[m].branch : Db::kNull, members[m].party,
                              street_of[c], c, std::max<std::int64_t>(0, out - in)});
        }
        quota -= n;
      }
    }
    if ((d + 1) % 10 == 0) {
      std::printf("  generated %d days, %lld records (%.0f s)\n", d + 1,
                  static_cast<long long>(attendance_id),
                  std::chrono::duration<double>(Clock::now() - started).count());
      std::fflush(stdout);
    }
  }
  db.Exec("COMMIT; PRAGMA journal_mode=WAL");
  std::printf("generated %lld records, %lld shifts, %lld requests in %.0f s\n",
              static_cast<long long>(attendance_id), static_cast<long long>(shift_id),
              static_cast<long long>(request_id),
              std::chrono::duration<double>(Clock::now() - started).count());
}

void BuildTallies(const Options& o) {
  auto store = store::OpenSqlite({.path = o.db});
  if (!store.ok()) Die("cannot open " + o.db);
  const auto started = Clock::now();
  Status s = (*store)->Write([](store::Transaction& tx) { return app::stats::Rebuild(tx); });
  if (!s.ok()) Die("rebuild: " + s.error().ToString());
  const double rebuilt = std::chrono::duration<double>(Clock::now() - started).count();
  Db db(o.db);
  db.Exec("ANALYZE");
  std::printf("tallies built by stats::Rebuild in %.0f s (peak memory %.0f MB)\n", rebuilt,
              PeakRssMb());
}

// ---- Timing ----

struct Query {
  std::string name;
  std::function<Result<std::string>(store::Transaction&)> tallied;  // answers a fingerprint
  std::function<Result<std::string>(store::Transaction&)> plain;
};

std::string Fingerprint(const app::AttendanceFigures& f) {
  return std::to_string(f.units) + "/" + std::to_string(f.branches) + "/" +
         std::to_string(f.members) + "/" + std::to_string(f.person_times) + "/" +
         std::to_string(f.party_member_person_times) + "/" + std::to_string(f.seconds) + "/" +
         std::to_string(f.record_half_hours) + "/" + std::to_string(f.streets) + "/" +
         std::to_string(f.communities);
}
std::string Fingerprint(const std::optional<app::RequestFigures>& r) {
  if (!r) return "-";
  return std::to_string(r->shifts) + "/" + std::to_string(r->headcount) + "/" +
         std::to_string(r->filled) + "/" +
         (r->median_minutes_to_fill ? std::to_string(*r->median_minutes_to_fill) : "-");
}
std::string Fingerprint(const app::StatsSummary& s) {
  return Fingerprint(s.attendance) + " " + Fingerprint(s.requests);
}
std::string Fingerprint(const std::vector<app::BreakdownRow>& rows) {
  std::string out = std::to_string(rows.size()) + " rows";
  for (const auto& r : rows)
    out += ";" + std::to_string(r.id) + ":" + Fingerprint(r.attendance) + " " +
           Fingerprint(r.requests);
  return out;
}

std::vector<Query> Queries(const app::StatsScope& scope, const app::StatsPeriod& p) {
  std::vector<Query> out;
  out.push_back({"summary",
                 [=](store::Transaction& tx) -> Result<std::string> {
                   MUSTER_ASSIGN(auto s, app::TalliedSummary(tx, scope, p));
                   return Fingerprint(s);
                 },
                 [=](store::Transaction& tx) -> Result<std::string> {
                   MUSTER_ASSIGN(auto s, app::RecountSummary(tx, scope, p));
                   return Fingerprint(s);
                 }});
  for (app::Breakdown by : {app::Breakdown::kUnit, app::Breakdown::kBranch, app::Breakdown::kStreet,
                            app::Breakdown::kCommunity, app::Breakdown::kDay}) {
    out.push_back(
        {"by-" + std::string(app::Name(by)),
         [=](store::Transaction& tx) -> Result<std::string> {
           MUSTER_ASSIGN(auto rows, app::TalliedBreakdown(tx, scope, by, p, {0, 1 << 30}));
           return Fingerprint(rows);
         },
         [=](store::Transaction& tx) -> Result<std::string> {
           MUSTER_ASSIGN(auto rows, app::RecountBreakdown(tx, scope, by, p));
           return Fingerprint(rows);
         }});
  }
  return out;
}

// Runs `q` in a read transaction; returns milliseconds and the answer's fingerprint.
std::pair<double, std::string> Time(
    store::Store& store, const std::function<Result<std::string>(store::Transaction&)>& q) {
  const auto start = Clock::now();
  auto r = store.Read([&](store::Transaction& tx) { return q(tx); });
  const double ms = Ms(Clock::now() - start);
  if (!r.ok()) Die(r.error().ToString());
  return {ms, *r};
}

// Times the upkeep of the tallies on the last day: new records counted one by one (as a
// check-in does), then their check-outs, in one transaction that is then rolled back.
void TimeUpkeep(store::Store& store, const Options& o) {
  constexpr int kRecords = 300;
  std::vector<double> checkins, checkouts;
  Status s = store.Write([&](store::Transaction& tx) -> Status {
    std::vector<std::array<std::int64_t, 6>> shifts;  // id, day, street, community, start, end
    MUSTER_TRY(tx.Query(
        "SELECT id, day, street_id, community_id, starts_at, ends_at FROM shifts "
        "WHERE day = ? ORDER BY id LIMIT ?",
        {std::int64_t{kFirstDay + o.days - 1}, std::int64_t{kRecords}}, [&](const store::Row& r) {
          shifts.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5)});
          return Ok();
        }));
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
      const auto& sh = shifts[i];
      MUSTER_ASSIGN(auto member, tx.QueryInt("SELECT m.id FROM members m WHERE m.branch_id IS NOT "
                                             "NULL AND NOT EXISTS (SELECT 1 FROM "
                                             "attendance a WHERE a.shift_id = ? AND a.member_id = "
                                             "m.id) ORDER BY m.id LIMIT 1 OFFSET ?",
                                             {sh[0], static_cast<std::int64_t>(i * 97 % 29000)}));
      if (!member) continue;
      MUSTER_ASSIGN(
          std::int64_t id,
          tx.InsertReturningId(
              "INSERT INTO attendance (shift_id, member_id, checked_in_at, source, day, unit_id, "
              "branch_id, party_member, street_id, community_id) SELECT ?, m.id, ?, 'code', ?, "
              "m.unit_id, m.branch_id, m.party_member, ?, ? FROM members m WHERE m.id = ? "
              "RETURNING id",
              {sh[0], sh[4], sh[1], sh[2], sh[3], *member}));
      const auto start = Clock::now();
      MUSTER_TRY(app::stats::CountAttendance(tx, AttendanceId(id)));
      checkins.push_back(Ms(Clock::now() - start));
      ids.push_back(id);
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      MUSTER_TRY(
          tx.Exec("UPDATE attendance SET checked_out_at = ? WHERE id = ?", {shifts[i][5], ids[i]}));
      const auto start = Clock::now();
      MUSTER_TRY(app::stats::CountAttendance(tx, AttendanceId(ids[i])));
      checkouts.push_back(Ms(Clock::now() - start));
    }
    return Conflict("measured; rolled back");
  });
  if (s.ok() || s.error().code != ErrorCode::kConflict)
    Die("upkeep: " + (s.ok() ? std::string("committed") : s.error().ToString()));
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  auto p99 = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() * 99 / 100];
  };
  std::printf(
      "\nupkeep on the last day (%zu records, rolled back): check-in counted in %.2f ms "
      "(median; p99 %.2f), check-out in %.2f ms (p99 %.2f)\n",
      checkins.size(), median(checkins), p99(checkins), median(checkouts), p99(checkouts));
}

void TimeAll(const Options& o) {
  auto opened = store::OpenSqlite({.path = o.db});
  if (!opened.ok() || !(*opened)->Migrate().ok()) Die("cannot open " + o.db);
  store::Store& store = **opened;
  auto count = store.Read(
      [](store::Transaction& tx) { return tx.QueryInt("SELECT MAX(id) FROM attendance", {}); });
  std::printf("%s: %lld attendance records, %.0f MB on disk\n", o.db.c_str(),
              static_cast<long long>(count.ok() ? count->value_or(0) : 0),
              static_cast<double>(fs::file_size(o.db)) / 1e6);
  for (const char* table : {"stats_tallies", "stats_cells"}) {
    auto n = store.Read([&](store::Transaction& tx) {
      return tx.QueryInt(std::string("SELECT COUNT(*) FROM ") + table, {});
    });
    std::printf("  %s: %lld rows\n", table, static_cast<long long>(n.ok() ? n->value_or(0) : 0));
  }
  const int last = kFirstDay + o.days - 1;
  struct Period {
    const char* name;
    int from, to;
  };
  const Period periods[] = {{"day", kFirstDay + o.days / 2, kFirstDay + o.days / 2},
                            {"week", kFirstDay + o.days / 3, kFirstDay + o.days / 3 + 6},
                            {"all", kFirstDay, last}};
  struct Case {
    const char* who;
    app::StatsScope scope;
  };
  const Case cases[] = {{"city", {}},
                        {"unit 7", {app::StatsScope::Kind::kUnit, 7}},
                        {"street 30", {app::StatsScope::Kind::kStreet, 30}}};
  std::printf("\n%-9s %-6s %-13s %7s %10s %10s %10s %9s  %s\n", "scope", "period", "answer", "rows",
              "first ms", "median ms", "plain ms", "ratio", "same");
  double worst = 0, worst_ratio = 1e18;
  for (const Case& c : cases) {
    for (const Period& p : periods) {
      if (c.scope.kind != app::StatsScope::Kind::kCity && std::strcmp(p.name, "day") == 0) continue;
      const app::StatsPeriod period{DateFromDayNumber(p.from), DateFromDayNumber(p.to)};
      for (const Query& q : Queries(c.scope, period)) {
        const std::string label = std::string(c.who) + " " + p.name + " " + q.name;
        if (!o.only.empty() && label.find(o.only) == std::string::npos) continue;
        std::vector<double> times;
        std::string answer;
        for (int i = 0; i < std::max(1, o.repeat); ++i) {
          auto [ms, fp] = Time(store, q.tallied);
          times.push_back(ms);
          answer = fp;
        }
        const double first = times.front();
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        std::string plain_ms = "-", ratio = "-", same = "-";
        if (o.plain) {
          auto [ms, fp] = Time(store, q.plain);
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.0f", ms);
          plain_ms = buf;
          std::snprintf(buf, sizeof buf, "%.0fx", ms / median);
          ratio = buf;
          same = fp == answer ? "yes" : "NO";
          if (c.scope.kind == app::StatsScope::Kind::kCity)
            worst_ratio = std::min(worst_ratio, ms / median);
        }
        if (c.scope.kind == app::StatsScope::Kind::kCity) worst = std::max(worst, median);
        const std::string rows = answer.substr(0, answer.find(' '));
        std::printf("%-9s %-6s %-13s %7s %10.1f %10.1f %10s %9s  %s\n", c.who, p.name,
                    q.name.c_str(), q.name == "summary" ? "1" : rows.c_str(), first, median,
                    plain_ms.c_str(), ratio.c_str(), same.c_str());
        std::fflush(stdout);
      }
    }
  }
  if (o.only.empty()) TimeUpkeep(store, o);
  std::printf("\ncity: slowest answer %.1f ms (median of %d)", worst, o.repeat);
  if (o.plain) std::printf(", smallest speed-up over plain SQL %.0fx", worst_ratio);
  std::printf("\npeak memory while answering: %.0f MB\n", PeakRssMb());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--db") {
      o.db = value();
    } else if (a == "--records") {
      o.records = std::stoll(value());
    } else if (a == "--days") {
      o.days = std::stoi(value());
    } else if (a == "--repeat") {
      o.repeat = std::stoi(value());
    } else if (a == "--regenerate") {
      o.regenerate = true;
    } else if (a == "--no-plain") {
      o.plain = false;
    } else if (a == "--only") {
      o.only = value();
    } else if (a == "--timing-only") {
      o.timing_only = true;
    } else {
      Die("unknown option " + a +
          " (options: --db PATH --records N --days D --repeat K --regenerate --no-plain)");
    }
  }
  if (!o.timing_only && (o.regenerate || !fs::exists(o.db))) {
    Generate(o);
    BuildTallies(o);
    // Answer in a fresh process, so that its peak memory is that of answering.
    std::vector<char*> args(argv, argv + argc);
    std::string flag = "--timing-only";
    args.erase(std::remove_if(args.begin(), args.end(),
                              [](char* s) { return std::strcmp(s, "--regenerate") == 0; }),
               args.end());
    args.push_back(flag.data());
    args.push_back(nullptr);
    std::fflush(stdout);
    execv("/proc/self/exe", args.data());
    Die("cannot run the timing process");
  }
  TimeAll(o);
  return 0;
}
