// Imports a registry of the source city's size from CSV files, twice, and prints the figures:
//   registry_import_bench [--members N] [--db-dir DIR]
// The first import must create everything; the second must change nothing. Beside it, the
// baseline: the same member rows written by plain INSERTs in one transaction (no validation,
// no sealing), to show what the rules cost.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/demo_city.h"
#include "app/registry_import.h"
#include "base/clock.h"
#include "crypto/keyring.h"
#include "store/sqlite/sqlite_store.h"
#include "tabular/csv.h"
#include "tabular/table.h"

namespace {

using namespace muster;
namespace fs = std::filesystem;
using Seconds = std::chrono::duration<double>;

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "registry_import_bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<store::Store> FreshStore(const fs::path& path) {
  fs::remove(path);
  auto s = store::OpenSqlite({.path = path.string()});
  if (!s.ok() || !(*s)->Migrate().ok()) Die("cannot open " + path.string());
  return std::move(s).value();
}

// Reads the CSV files and imports them; returns seconds taken.
double ImportFiles(store::Store& store, const app::RegistryRules& rules, const fs::path& dir,
                   app::ImportReport& report) {
  auto start = std::chrono::steady_clock::now();
  std::vector<tabular::Sheet> sheets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto read = tabular::ReadTable(ReadAll(entry.path()), entry.path().stem().string());
    if (!read.ok()) Die(read.error().message);
    for (auto& s : *read) sheets.push_back(std::move(s));
  }
  auto r = app::ImportRegistry(store, rules, sheets, {});
  if (!r.ok()) Die(r.error().message);
  report = std::move(r).value();
  if (!report.rejected.empty()) Die("row refused: " + report.rejected[0].message);
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

// The baseline: the member rows as plain INSERTs, in one transaction, with prepared statements.
double PlainInsert(store::Store& store, const tabular::Sheet& members) {
  auto start = std::chrono::steady_clock::now();
  Status s = store.Write([&](store::Transaction& tx) -> Status {
    MUSTER_TRY(tx.Exec("INSERT INTO units (name, kind) VALUES ('u', 'agency')"));
    for (std::size_t i = 1; i < members.rows.size(); ++i) {
      const auto& r = members.rows[i];
      MUSTER_TRY(tx.Exec(
          "INSERT INTO members (name, phone, unit_id, party_member, home_lat, home_lon, created_at) "
          "VALUES (?, ?, 1, 1, ?, ?, 0)",
          {r[0], r[1], std::stod(r[9]), std::stod(r[10])}));
    }
    return Ok();
  });
  if (!s.ok()) Die(s.error().message);
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  app::CityShape shape;
  fs::path dir = fs::temp_directory_path() / "muster-import-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--members") shape.members = std::atoi(argv[i + 1]);
    else if (flag == "--db-dir") dir = argv[i + 1];
    else Die("unknown option " + flag);
  }
  fs::create_directories(dir / "csv");
  auto facts = app::ParseCityFacts(app::DefaultCityFacts());
  if (!facts.ok()) Die(facts.error().message);
  auto sheets = app::SynthesizeCity(*facts, shape);
  std::size_t rows = 0;
  for (const auto& s : sheets) {
    std::ofstream(dir / "csv" / (s.name + ".csv"), std::ios::binary) << tabular::WriteCsv(s);
    rows += s.rows.size() - 1;
  }
  auto keys = crypto::Keyring::FromHex(std::string(64, 'a'));
  RealClock clock;
  app::RegistryRules rules(*keys, clock);

  auto store = FreshStore(dir / "city.db");
  app::ImportReport first, second;
  double t1 = ImportFiles(*store, rules, dir / "csv", first);
  double t2 = ImportFiles(*store, rules, dir / "csv", second);
  auto plain_store = FreshStore(dir / "plain.db");
  double tb = PlainInsert(*plain_store, sheets[5]);

  std::printf("registry import, SQLite, %zu rows in %zu CSV files (%d members)\n", rows,
              sheets.size(), shape.members);
  std::printf("%-34s %10s\n", "run", "seconds");
  std::printf("%-34s %10.2f   (%d rows created)\n", "first import (read + check + write)", t1,
              first.Imported());
  std::printf("%-34s %10.2f   (%d rows changed)\n", "second import of the same files", t2,
              second.Imported());
  std::printf("%-34s %10.2f   (members only, unchecked)\n", "baseline: plain INSERTs", tb);
  std::printf("first import / baseline: %.1fx   peak RSS: %.0f MB\n", t1 / tb, PeakRssMb());
  for (const auto& t : first.tables) {
    std::printf("  %-12s %6d created\n", t.table.c_str(), t.created);
  }
  if (second.Imported() != 0) Die("the second import changed rows");
  return 0;
}
