#include "cli/report_command.h"

#include <nlohmann/json.hpp>

#include "api/stats_json.h"
#include "app/stats.h"
#include "cli/context.h"
#include "tabular/csv.h"

namespace muster::cli {
namespace {

constexpr char kUsage[] =
    "usage: muster report WHAT --from DATE --to DATE [options]\n"
    "The statistics of the period (dates YYYY-MM-DD in Asia/Shanghai, both ends inclusive),\n"
    "for the whole city. WHAT is one of:\n"
    "  summary        the period's figures; --format text gives the published sentence\n"
    "  by-unit, by-branch, by-street, by-community, by-day\n"
    "                 a breakdown, one row per unit (branch, ...) or day\n"
    "  check          recounts every figure from the records and compares it with the\n"
    "                 statistics; exit status 1 on a difference\n"
    "Options:\n"
    "  --from DATE, --to DATE   the period (required)\n"
    "  --format FORMAT          json (default); text for summary; csv for a breakdown\n"
    "  --lang LANG              zh-CN (default) or en: the sentence and CSV headers\n"
    "  --db PATH          SQLite database file (default ./muster.db, or $MUSTER_DB)\n"
    "  --pg CONNINFO      PostgreSQL connection string instead (or $MUSTER_PG)\n"
    "  --key-file PATH    data key file (default <database>.key, or $MUSTER_KEY_FILE)\n";

int Fail(std::ostream& err, const Error& e) {
  err << "muster report: " << e.ToString() << "\n";
  return e.code == ErrorCode::kBadRequest || e.code == ErrorCode::kValidationFailed ? 2 : 1;
}

Result<app::StatsPeriod> PeriodOf(const Args& args) {
  auto from = args.Get("from");
  auto to = args.Get("to");
  if (!from) return BadRequest("--from is required", "from");
  if (!to) return BadRequest("--to is required", "to");
  MUSTER_ASSIGN(Date f, ParseDate(*from, "from"));
  MUSTER_ASSIGN(Date t, ParseDate(*to, "to"));
  return app::StatsPeriod{f, t};
}

// Compares the statistics with a recount, printing one line per table; true when all agree.
Result<bool> Check(store::Store& store, const app::StatsPeriod& p, std::ostream& out) {
  const app::StatsScope city;
  return store.Read([&](store::Transaction& tx) -> Result<bool> {
    bool same = true;
    MUSTER_ASSIGN(auto tallied, app::TalliedSummary(tx, city, p));
    MUSTER_ASSIGN(auto recounted, app::RecountSummary(tx, city, p));
    const bool summary_same =
        tallied.attendance == recounted.attendance && tallied.requests == recounted.requests;
    out << "summary: " << (summary_same ? "same" : "DIFFERENT") << "\n";
    if (!summary_same) {
      out << "  statistics: " << api::EncodeStatsSummary(tallied).dump() << "\n"
          << "  recount:    " << api::EncodeStatsSummary(recounted).dump() << "\n";
    }
    same = same && summary_same;
    for (app::Breakdown by :
         {app::Breakdown::kUnit, app::Breakdown::kBranch, app::Breakdown::kStreet,
          app::Breakdown::kCommunity, app::Breakdown::kDay}) {
      MUSTER_ASSIGN(auto rows, app::TalliedBreakdown(tx, city, by, p, {0, 1 << 30}));
      MUSTER_ASSIGN(auto again, app::RecountBreakdown(tx, city, by, p));
      std::size_t differ = rows.size() == again.size() ? 0 : 1;
      for (std::size_t i = 0; i < rows.size() && i < again.size(); ++i) {
        if (rows[i].id != again[i].id || !(rows[i].attendance == again[i].attendance) ||
            rows[i].requests != again[i].requests) {
          ++differ;
          out << "  by-" << app::Name(by) << " " << api::EncodeStatsRow(by, rows[i]).dump()
              << " != " << api::EncodeStatsRow(by, again[i]).dump() << "\n";
        }
      }
      out << "by-" << app::Name(by) << ": " << rows.size() << " rows, "
          << (differ == 0 ? "same" : "DIFFERENT") << "\n";
      same = same && differ == 0;
    }
    return same;
  });
}

}  // namespace

int RunReport(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  for (const auto& a : argv) {
    if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    }
  }
  Args args;
  AddStoreOptions(args);
  args.Option("from").Option("to").Option("format").Option("lang");
  if (Status s = args.Parse(argv); !s.ok()) return Fail(err, s.error());
  if (args.positional().size() != 1) {
    return Fail(err, BadRequest("name one report: summary, by-unit, by-branch, by-street, "
                                "by-community, by-day or check",
                                "what"));
  }
  const std::string what = args.positional()[0];
  std::optional<app::Breakdown> by;
  if (what.starts_with("by-")) {
    auto b = app::ParseBreakdown(what.substr(3), "what");
    if (!b.ok()) return Fail(err, BadRequest("unknown report " + what, "what"));
    by = *b;
  } else if (what != "summary" && what != "check") {
    return Fail(err, BadRequest("unknown report " + what, "what"));
  }
  auto period = PeriodOf(args);
  if (!period.ok()) return Fail(err, period.error());
  auto lang = domain::ParseLanguage(args.GetOr("lang", "zh-CN"), "lang");
  if (!lang.ok()) return Fail(err, lang.error());
  const std::string format = args.GetOr("format", "json");
  if (format != "json" && !(format == "text" && what == "summary") && !(format == "csv" && by)) {
    return Fail(
        err, BadRequest("--format: give json, or text for summary, csv for a breakdown", "format"));
  }
  auto ctx = OpenContext(args, /*create_key=*/false);
  if (!ctx.ok()) return Fail(err, ctx.error());
  app::Statistics stats(*(*ctx)->store, (*ctx)->clock);
  const app::Actor actor = app::Actor::System("muster report");
  if (what == "check") {
    // Records from before the statistics existed are counted first, as any read does.
    if (auto s = stats.Summary(actor, *period); !s.ok()) return Fail(err, s.error());
    auto same = Check(*(*ctx)->store, *period, out);
    if (!same.ok()) return Fail(err, same.error());
    return *same ? 0 : 1;
  }
  if (!by) {
    if (format == "text") {
      auto sentence = stats.Sentence(actor, *period, *lang);
      if (!sentence.ok()) return Fail(err, sentence.error());
      out << *sentence << "\n";
      return 0;
    }
    auto summary = stats.Summary(actor, *period);
    if (!summary.ok()) return Fail(err, summary.error());
    out << api::EncodeStatsSummary(*summary).dump(2) << "\n";
    return 0;
  }
  if (format == "csv") {
    auto sheets = stats.ExportFigures(actor, *period, app::Name(*by), *lang);
    if (!sheets.ok()) return Fail(err, sheets.error());
    out << tabular::WriteCsv(sheets->front());
    return 0;
  }
  auto rows = stats.By(actor, *by, *period, {0, 1 << 30});
  if (!rows.ok()) return Fail(err, rows.error());
  nlohmann::json items = nlohmann::json::array();
  for (const app::BreakdownRow& row : *rows) items.push_back(api::EncodeStatsRow(*by, row));
  out << items.dump(2) << "\n";
  return 0;
}

}  // namespace muster::cli
