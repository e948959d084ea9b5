#include "cli/demo_command.h"

#include <chrono>
#include <filesystem>

#include "app/demo_city.h"
#include "app/demo_outbreak.h"
#include "app/stats.h"
#include "app/registry_import.h"
#include "app/accounts.h"
#include "cli/context.h"
#include "cli/serve_command.h"
#include "crypto/keyring.h"
#include "store/registry_repo.h"
#include "store/sqlite/sqlite_store.h"

namespace muster::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kDemoLabel[] =
    "synthetic demo city: the districts and streets of Shenzhen, invented communities, units' "
    "departments, branches and members";

int Fail(std::ostream& err, const Error& e) {
  err << "muster demo: " << e.ToString() << "\n";
  return e.code == ErrorCode::kBadRequest ? 2 : 1;
}

// A demo rebuilds its database from scratch; refuse to touch one that holds real data.
Status CheckReplaceable(const std::string& path) {
  if (!fs::exists(path)) return Ok();
  auto store = store::OpenSqlite({.path = path});
  if (!store.ok()) return std::move(store).error();
  auto label = (*store)->Read([](store::Transaction& tx) -> Result<std::optional<std::string>> {
    auto has_meta = tx.QueryInt(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", {});
    if (!has_meta.ok() || has_meta->value_or(0) == 0) return std::optional<std::string>();
    return store::RegistryRepo(tx).GetMeta("synthetic");
  });
  if (!label.ok()) return std::move(label).error();
  if (!label->has_value()) {
    return BadRequest(path + " holds a database that is not a demo city; give another --db", "db");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  return Ok();
}

}  // namespace

int RunDemo(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  for (const auto& a : argv) {
    if (a == "--help" || a == "-h") {
      out << "usage: muster demo [--db PATH] [--listen HOST:PORT] [--members N] [--seed N]\n"
             "                   [--no-outbreak] [--no-serve]\n"
             "Builds a synthetic city of the source's shape (10 districts and a cooperation\n"
             "zone, 74 streets and 4 towns, 701 communities with sites, 68 units with their\n"
             "departments, 702 branches, 30,000 members, the pairings) into its own SQLite\n"
             "database, rebuilt from scratch on every run. It is labelled as synthetic.\n"
             "Then it plays an outbreak from 1 to 16 January 2022 through the application's own\n"
             "use cases (emergency switch, requests, calls, sign-ups and dispatch plans,\n"
             "escalations, batches, check-ins and check-outs, a few no-shows, funds, supplies,\n"
             "inspections), so that every figure comes out of the records.\n"
             "Then it creates the account `admin` (city administrator) with a fresh random\n"
             "password, prints it, and serves the city like `muster serve`.\n"
             "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080)\n"
             "  --no-serve     build the city and stop\n"
             "  --no-outbreak  only the registry: no requests, attendance, funds or supplies\n"
             "  --db PATH      demo database (default ./muster-demo.db; never a real one)\n"
             "  --members N    number of members (default 30000)\n"
             "  --seed N       another seed gives another city of the same shape\n";
      return 0;
    }
  }
  Args args;
  args.Option("db").Option("members").Option("seed").Option("listen").Flag("no-serve").Flag("no-outbreak");
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, s.error());
  std::string path = args.GetOr("db", "muster-demo.db");
  app::CityShape shape;
  try {
    if (auto m = args.Get("members")) shape.members = std::stoi(*m);
    if (auto s = args.Get("seed")) shape.seed = std::stoull(*s);
  } catch (const std::exception&) {
    return Fail(err, BadRequest("--members and --seed take whole numbers", "members"));
  }
  if (shape.members < 0 || shape.members > 1'000'000) {
    return Fail(err, BadRequest("--members must lie between 0 and 1000000", "members"));
  }
  if (Status s = CheckReplaceable(path); !s.ok()) return Fail(err, s.error());
  auto start = std::chrono::steady_clock::now();
  auto ctx = OpenTarget(StoreTarget{.db = path}, /*create_key=*/true);
  if (!ctx.ok()) return Fail(err, ctx.error());
  auto facts = app::ParseCityFacts(app::DefaultCityFacts());
  if (!facts.ok()) return Fail(err, facts.error());
  app::RegistryRules rules(*(*ctx)->keys, (*ctx)->clock);
  auto report = app::ImportRegistry(*(*ctx)->store, rules, app::SynthesizeCity(*facts, shape), {});
  if (!report.ok()) return Fail(err, report.error());
  if (!report->rejected.empty()) {
    return Fail(err, Internal("the synthetic city broke a rule: " + report->rejected[0].message));
  }
  Status labelled = (*ctx)->store->Write([](store::Transaction& tx) {
    return store::RegistryRepo(tx).SetMeta("synthetic", kDemoLabel);
  });
  if (!labelled.ok()) return Fail(err, labelled.error());
  out << "demo city built in " << path << " (" << kDemoLabel << ")\n";
  for (const auto& t : report->tables) out << "  " << t.table << ": " << t.created << "\n";
  if (!args.Has("no-outbreak")) {
    app::OutbreakOptions options;
    options.seed = shape.seed;
    FakeClock clock(ShanghaiMidnight(options.first));
    auto played = app::PlayOutbreak(*(*ctx)->store, *(*ctx)->keys, clock, options);
    if (!played.ok()) return Fail(err, played.error());
    const app::OutbreakReport& r = *played;
    out << "outbreak of " << FormatDate(options.first) << " to " << FormatDate(options.last)
        << " played:\n"
        << "  requests: " << r.requests << " (" << r.shifts << " shifts), calls: " << r.calls
        << ", escalated by the clock: " << r.escalations << "\n"
        << "  sign-ups: " << r.signups << " by volunteers, " << r.dispatched
        << " by dispatch plans, " << r.cancellations << " cancelled, " << r.signups_refused
        << " refused by the rules; batches: " << r.batches << "\n"
        << "  check-ins: " << r.checkins << " (" << r.walk_ins << " without a sign-up), check-outs: "
        << r.checkouts << ", recorded by coordinators: " << r.corrections
        << ", no-shows: " << r.no_shows << "\n"
        << "  funds: " << r.allocations << " allocations, " << r.expenses << " expenses; supplies: "
        << r.supplies << "; inspections: " << r.inspections << "\n";
    Status period = (*ctx)->store->Write([&](store::Transaction& tx) {
      return store::RegistryRepo(tx).SetMeta(
          "demo_period", FormatDate(options.first) + ".." + FormatDate(options.last));
    });
    if (!period.ok()) return Fail(err, period.error());
    // And work for today: a few streets ask for tomorrow, so that volunteers can sign up now.
    auto open = app::PostTomorrowsRequests(*(*ctx)->store, *(*ctx)->keys, (*ctx)->clock, 6,
                                           shape.seed);
    if (!open.ok()) return Fail(err, open.error());
    out << "  open now: " << *open << " requests for tomorrow, their units called\n";
    // What the city publishes, read back from the records like every figure.
    app::Statistics stats(*(*ctx)->store, clock);
    for (domain::Language lang : {domain::Language::kZhCn, domain::Language::kEn}) {
      auto sentence = stats.Sentence(app::Actor::System("demo"), {options.first, options.last}, lang);
      if (!sentence.ok()) return Fail(err, sentence.error());
      out << "  " << *sentence << "\n";
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "in " << static_cast<int>(seconds * 10) / 10.0 << " s\n";
  if (args.Has("no-serve")) return 0;
  std::string password = crypto::Base64Url(crypto::RandomBytes(12));
  app::Accounts accounts(*(*ctx)->store, (*ctx)->clock);
  auto admin = accounts.AddUser(app::Actor::System("demo"),
                                {"admin", password, app::Role::kCityAdmin, std::nullopt});
  if (!admin.ok()) return Fail(err, admin.error());
  out << "sign in as admin with the password " << password << " (shown once)\n";
  ctx->reset();  // the server opens the database itself
  return RunServe({"--db", path, "--listen", args.GetOr("listen", "127.0.0.1:8080")}, out, err);
}

}  // namespace muster::cli
