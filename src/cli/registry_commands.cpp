#include "cli/registry_commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/registry_import.h"
#include "cli/context.h"
#include "tabular/csv.h"
#include "tabular/table.h"
#include "tabular/xlsx.h"

namespace muster::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kStoreHelp[] =
    "  --db PATH          SQLite database file (default ./muster.db, or $MUSTER_DB)\n"
    "  --pg CONNINFO      PostgreSQL connection string instead (or $MUSTER_PG)\n"
    "  --key-file PATH    data key file (default <database>.key, or $MUSTER_KEY_FILE;\n"
    "                     $MUSTER_DATA_KEY may hold the key itself)\n";

bool WantsHelp(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

int Fail(std::ostream& err, const std::string& command, const Error& e) {
  err << "muster " << command << ": " << e.ToString() << "\n";
  return e.code == ErrorCode::kBadRequest || e.code == ErrorCode::kValidationFailed ? 2 : 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadRequest("cannot read " + path, "file");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) return Unavailable("cannot write " + path);
  return Ok();
}

void PrintReport(const app::ImportReport& report, std::ostream& out) {
  for (const auto& t : report.tables) {
    if (!report.committed) break;  // counts of a rolled-back import would mislead
    out << t.table << ": " << t.created << " created, " << t.updated << " updated, "
        << t.unchanged << " unchanged\n";
  }
  for (const auto& r : report.rejected) {
    out << r.sheet << ":" << r.row << ": " << r.field << ": " << r.message << "\n";
  }
}

}  // namespace

int RunInit(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  if (WantsHelp(argv)) {
    out << "usage: muster init [--db PATH | --pg CONNINFO] [--key-file PATH]\n"
           "Creates or migrates the database and creates the data key file (mode 0600) if it\n"
           "is missing. Keep the key file outside the database's backups.\n"
        << kStoreHelp;
    return 0;
  }
  Args args;
  AddStoreOptions(args);
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, "init", s.error());
  auto ctx = OpenContext(args, /*create_key=*/true);
  if (!ctx.ok()) return Fail(err, "init", ctx.error());
  out << "database ready: " << (*ctx)->description << "\n"
      << "data key: " << (std::getenv("MUSTER_DATA_KEY") ? "$MUSTER_DATA_KEY" : (*ctx)->key_path)
      << "\n";
  return 0;
}

int RunImport(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  if (WantsHelp(argv)) {
    out << "usage: muster import [options] FILE...\n"
           "Imports registry tables from CSV files (named after their table: regions.csv,\n"
           "units.csv, departments.csv, branches.csv, sites.csv, members.csv, pairings.csv)\n"
           "or XLSX workbooks (one worksheet per table, named the same). See docs/import.md.\n"
           "All files go in one transaction; importing the same files again changes nothing.\n"
           "A file with refused rows imports nothing, unless --valid-rows-only.\n"
           "  --valid-rows-only  import the valid rows and report the refused ones\n"
        << kStoreHelp
        << "Exit status: 0 all rows imported; 1 rows refused (listed as file:row: field: reason);\n"
           "2 a file cannot be read.\n";
    return 0;
  }
  Args args;
  AddStoreOptions(args);
  args.Flag("valid-rows-only");
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, "import", s.error());
  if (args.positional().empty()) return Fail(err, "import", BadRequest("name at least one file", "file"));
  std::vector<tabular::Sheet> sheets;
  for (const std::string& path : args.positional()) {
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return Fail(err, "import", bytes.error());
    auto read = tabular::ReadTable(*bytes, fs::path(path).stem().string());
    if (!read.ok()) return Fail(err, "import", BadRequest(path + ": " + read.error().message, "file"));
    for (auto& sheet : *read) sheets.push_back(std::move(sheet));
  }
  auto ctx = OpenContext(args, /*create_key=*/false);
  if (!ctx.ok()) return Fail(err, "import", ctx.error());
  app::RegistryRules rules(*(*ctx)->keys, (*ctx)->clock);
  auto report = app::ImportRegistry(*(*ctx)->store, rules, sheets,
                                    {.valid_rows_only = args.Has("valid-rows-only")});
  if (!report.ok()) return Fail(err, "import", report.error());
  PrintReport(*report, out);
  if (report->rejected.empty()) return 0;
  err << "muster import: " << report->rejected.size() << " rows refused; "
      << (report->committed ? "the valid rows were imported\n" : "nothing was imported\n");
  return 1;
}

int RunExport(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  if (WantsHelp(argv)) {
    out << "usage: muster export --out PATH [options]\n"
           "Exports the registry in the import's format: PATH ending in .xlsx gives one\n"
           "workbook; any other PATH is a folder that receives one CSV file per table.\n"
           "Phones and ID numbers are masked unless --with-personal-data.\n"
           "  --out PATH             where to write\n"
           "  --with-personal-data   full phone and ID numbers (handle the file accordingly)\n"
        << kStoreHelp;
    return 0;
  }
  Args args;
  AddStoreOptions(args);
  args.Option("out").Flag("with-personal-data");
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, "export", s.error());
  auto path = args.Get("out");
  if (!path) return Fail(err, "export", BadRequest("--out is required", "out"));
  auto ctx = OpenContext(args, /*create_key=*/false);
  if (!ctx.ok()) return Fail(err, "export", ctx.error());
  app::RegistryRules rules(*(*ctx)->keys, (*ctx)->clock);
  auto sheets = app::ExportRegistry(*(*ctx)->store, rules, args.Has("with-personal-data"));
  if (!sheets.ok()) return Fail(err, "export", sheets.error());
  if (path->ends_with(".xlsx")) {
    auto bytes = tabular::WriteXlsx(*sheets);
    if (!bytes.ok()) return Fail(err, "export", bytes.error());
    if (Status s = WriteFile(*path, *bytes); !s.ok()) return Fail(err, "export", s.error());
  } else {
    std::error_code ec;
    fs::create_directories(*path, ec);
    if (ec) return Fail(err, "export", Unavailable("cannot create folder " + *path));
    for (const auto& sheet : *sheets) {
      Status s = WriteFile(*path + "/" + sheet.name + ".csv", tabular::WriteCsv(sheet));
      if (!s.ok()) return Fail(err, "export", s.error());
    }
  }
  out << "exported " << sheets->size() << " tables to " << *path << "\n";
  return 0;
}

}  // namespace muster::cli
