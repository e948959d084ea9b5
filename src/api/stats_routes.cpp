// Statistics: a period's summary and its sentence, the breakdowns, and the exports
// (docs/statistics.md).
#include <memory>
#include <nlohmann/json.hpp>

#include "api/handler.h"
#include "api/routes.h"
#include "api/stats_json.h"
#include "app/stats.h"
#include "tabular/csv.h"
#include "tabular/xlsx.h"

namespace muster::api {
namespace {

using app::Actor;
using http::Request;
using http::Response;
using nlohmann::json;

constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// Reads a required date of the query; missing or malformed is a bad request naming it.
Result<Date> QueryDate(const Request& req, std::string_view name) {
  std::optional<std::string> text = req.Query(name);
  if (!text) return BadRequest(std::string(name) + ": required (YYYY-MM-DD)", std::string(name));
  auto d = ParseDate(*text, name);
  if (!d.ok()) return BadRequest(d.error().ToString(), std::string(name));
  return *d;
}

Result<app::StatsPeriod> PeriodOf(const Request& req) {
  MUSTER_ASSIGN(Date from, QueryDate(req, "from"));
  MUSTER_ASSIGN(Date to, QueryDate(req, "to"));
  return app::StatsPeriod{from, to};
}

// ?lang= (zh-CN by default).
Result<domain::Language> LangOf(const Request& req) {
  std::optional<std::string> text = req.Query("lang");
  if (!text) return domain::Language::kZhCn;
  auto lang = domain::ParseLanguage(*text, "lang");
  if (!lang.ok()) return BadRequest(lang.error().ToString(), "lang");
  return *lang;
}

Response Summary(app::Statistics& stats, const Request& req, const Actor& a) {
  MUSTER_ASSIGN(app::StatsPeriod p, PeriodOf(req));
  const std::string format = req.Query("format").value_or("json");
  if (format == "text") {
    MUSTER_ASSIGN(domain::Language lang, LangOf(req));
    MUSTER_ASSIGN(std::string sentence, stats.Sentence(a, p, lang));
    return Response::Text(sentence + "\n");
  }
  if (format != "json") return BadRequest("format: give json or text", "format");
  MUSTER_ASSIGN(app::StatsSummary s, stats.Summary(a, p));
  return Response::Json(EncodeStatsSummary(s));
}

Response ByRoute(app::Statistics& stats, app::Breakdown by, const Request& req, const Actor& a) {
  MUSTER_ASSIGN(app::StatsPeriod p, PeriodOf(req));
  MUSTER_ASSIGN(store::Page page, PageOf(req));
  MUSTER_ASSIGN(auto rows, stats.By(a, by, p, page));
  json out = {{"items", json::array()}, {"next", nullptr}};
  for (const app::BreakdownRow& row : rows) out["items"].push_back(EncodeStatsRow(by, row));
  if (!rows.empty() && static_cast<int>(rows.size()) == page.limit) {
    out["next"] = std::to_string(rows.back().id);
  }
  return Response::Json(out);
}

// The file answer: CSV (UTF-8 with BOM, formula guard) or XLSX, named for the period.
Response File(const std::vector<tabular::Sheet>& sheets, bool xlsx, const std::string& stem,
              const app::StatsPeriod& p) {
  const std::string name =
      stem + "-" + FormatDate(p.from) + "-" + FormatDate(p.to) + (xlsx ? ".xlsx" : ".csv");
  Response r;
  if (xlsx) {
    MUSTER_ASSIGN(std::string bytes, tabular::WriteXlsx(sheets));
    r = Response::Text(std::move(bytes), std::string(kXlsxType));
  } else {
    r = Response::Text(tabular::WriteCsv(sheets.front()), "text/csv; charset=utf-8");
  }
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return r;
}

Response AttendanceExport(app::Statistics& stats, bool xlsx, const Request& req, const Actor& a) {
  MUSTER_ASSIGN(app::StatsPeriod p, PeriodOf(req));
  MUSTER_ASSIGN(domain::Language lang, LangOf(req));
  MUSTER_ASSIGN(tabular::Sheet sheet, stats.ExportAttendance(a, p, lang));
  return File({sheet}, xlsx, "attendance", p);
}

Response FiguresExport(app::Statistics& stats, bool xlsx, const Request& req, const Actor& a) {
  MUSTER_ASSIGN(app::StatsPeriod p, PeriodOf(req));
  MUSTER_ASSIGN(domain::Language lang, LangOf(req));
  std::optional<std::string> by = req.Query("by");
  if (!by && !xlsx) {
    return BadRequest("by: required for CSV (summary, unit, branch, street, community or day)",
                      "by");
  }
  if (by && *by == "all") return BadRequest("by: give one table, or leave it out for XLSX", "by");
  auto sheets = stats.ExportFigures(a, p, by.value_or("all"), lang);
  if (!sheets.ok() && sheets.error().field == "by") {
    return BadRequest(sheets.error().ToString(), "by");
  }
  MUSTER_ASSIGN(auto files, std::move(sheets));
  return File(files, xlsx, "stats-" + by.value_or("all"), p);
}

}  // namespace

void RegisterStatsRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  // Shared by the handlers, which outlive this function: the router owns them.
  auto stats = std::make_shared<app::Statistics>(ctx.registry.store(), ctx.clock);
  const http::RouteOptions slow{.offload = true};
  router.Get(
      "/api/v1/stats/summary",
      Authed(ctx, audit,
             [stats](const Request& req, const Actor& a) { return Summary(*stats, req, a); }),
      slow);
  for (app::Breakdown by : {app::Breakdown::kUnit, app::Breakdown::kBranch, app::Breakdown::kStreet,
                            app::Breakdown::kCommunity, app::Breakdown::kDay}) {
    router.Get("/api/v1/stats/by-" + std::string(app::Name(by)),
               Authed(ctx, audit,
                      [stats, by](const Request& req, const Actor& a) {
                        return ByRoute(*stats, by, req, a);
                      }),
               slow);
  }
  for (bool xlsx : {false, true}) {
    const std::string ext = xlsx ? ".xlsx" : ".csv";
    router.Get("/api/v1/exports/attendance" + ext,
               Authed(ctx, audit,
                      [stats, xlsx](const Request& req, const Actor& a) {
                        return AttendanceExport(*stats, xlsx, req, a);
                      }),
               slow);
    router.Get("/api/v1/exports/stats" + ext,
               Authed(ctx, audit,
                      [stats, xlsx](const Request& req, const Actor& a) {
                        return FiguresExport(*stats, xlsx, req, a);
                      }),
               slow);
  }
}

}  // namespace muster::api
