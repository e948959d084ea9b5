// Oversight: supervision of units, inspections, funds (allocations, expenses, balances),
// supplies, and their exports as CSV and XLSX.
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/handler.h"
#include "api/route_helpers.h"
#include "api/routes.h"
#include "app/oversight.h"
#include "tabular/csv.h"
#include "tabular/xlsx.h"

namespace muster::api {
namespace {

using nlohmann::json;

constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

template <typename T>
json OptNumber(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

double Rounded(double v, double scale) { return std::round(v * scale) / scale; }

json EncodeSupervision(const app::SupervisionRow& r) {
  json flags = json::array();
  auto ids = [](const auto& list) {
    json out = json::array();
    for (const auto& id : list) out.push_back(id.value);
    return out;
  };
  if (!r.unfilled_past_escalation.empty()) {
    flags.push_back({{"kind", "unfilled_past_escalation"},
                     {"count", r.unfilled_past_escalation.size()},
                     {"request_ids", ids(r.unfilled_past_escalation)}});
  }
  if (!r.calls_without_signups.empty()) {
    flags.push_back({{"kind", "call_without_signups"},
                     {"count", r.calls_without_signups.size()},
                     {"call_ids", ids(r.calls_without_signups)}});
  }
  std::optional<double> share = r.FilledByOwnShare();
  std::optional<double> served = r.ServedShare();
  json inspection = nullptr;
  if (r.last_inspection) {
    inspection = {{"id", r.last_inspection->value},
                  {"date", FormatDate(*r.last_inspection_date)},
                  {"rating", r.last_inspection_rating}};
  }
  // filled_by_own is in requests (routed x the share of places), so that filled_by_own / routed
  // is the share of places the unit's own members filled.
  return {{"unit_id", r.id.value},
          {"unit_name", r.unit_name},
          {"routed", r.routed},
          {"places", r.places},
          {"places_filled_by_own", r.places_filled_by_own},
          {"filled_by_own", share ? Rounded(r.routed * *share, 100) : 0.0},
          {"filled_by_own_share", share ? json(Rounded(*share, 10000)) : json(nullptr)},
          {"median_minutes_to_fill", OptNumber(r.median_minutes_to_fill)},
          {"person_times", r.person_times},
          {"members", r.members},
          {"members_served", r.members_served},
          {"served_share", served ? json(Rounded(*served, 10000)) : json(nullptr)},
          {"flags", flags},
          {"last_inspection", inspection}};
}

json EncodeInspection(const app::Inspection& i) {
  return {{"id", i.id.value},
          {"unit_id", i.unit_id.value},
          {"unit_name", i.unit_name},
          {"date", FormatDate(i.date)},
          {"inspector", i.inspector},
          {"findings", i.findings},
          {"rating", app::Name(i.rating)},
          {"recorded_by", i.recorded_by},
          {"created_at", FormatRfc3339(i.created_at)}};
}

json EncodeAllocation(const app::Allocation& x) {
  return {{"id", x.id.value},
          {"unit_id", x.unit_id.value},
          {"unit_name", x.unit_name},
          {"amount_fen", x.amount.value},
          {"purpose", x.purpose},
          {"date", FormatDate(x.date)},
          {"recorded_by", x.recorded_by},
          {"created_at", FormatRfc3339(x.created_at)}};
}

json EncodeExpense(const app::Expense& x) {
  return {{"id", x.id.value},
          {"unit_id", x.unit_id.value},
          {"unit_name", x.unit_name},
          {"amount_fen", x.amount.value},
          {"purpose", x.purpose},
          {"date", FormatDate(x.date)},
          {"community_id", x.community_id ? json(x.community_id->value) : json(nullptr)},
          {"community_name", x.community_id ? json(x.community_name) : json(nullptr)},
          {"recorded_by", x.recorded_by},
          {"created_at", FormatRfc3339(x.created_at)}};
}

json EncodeBalance(const app::Balance& b) {
  return {{"unit_id", b.id.value},
          {"unit_name", b.unit_name},
          {"allocated_fen", b.allocated.value},
          {"spent_fen", b.spent.value},
          {"balance_fen", b.balance.value}};
}

json EncodeSupply(const app::Supply& s) {
  return {{"id", s.id.value},
          {"recipient_street_id", s.street_id.value},
          {"recipient_street_name", s.street_name},
          {"recipient_community_id", s.community_id ? json(s.community_id->value) : json(nullptr)},
          {"recipient_community_name", s.community_id ? json(s.community_name) : json(nullptr)},
          {"donor", s.donor},
          {"coordinated_by_unit_id",
           s.coordinated_by_unit_id ? json(s.coordinated_by_unit_id->value) : json(nullptr)},
          {"coordinated_by_unit_name",
           s.coordinated_by_unit_id ? json(s.coordinated_by_unit_name) : json(nullptr)},
          {"description", s.description},
          {"quantity", s.quantity},
          {"value_fen", s.value.value},
          {"date", FormatDate(s.date)},
          {"recorded_by", s.recorded_by},
          {"created_at", FormatRfc3339(s.created_at)}};
}

// {items, next}: the cursor is the last item's id when the page is full.
template <typename T, typename Enc>
Response PageOfItems(const Result<std::vector<T>>& items, int limit, Enc enc) {
  MUSTER_TRY(items);
  json out = {{"items", json::array()}, {"next", nullptr}};
  for (const T& item : *items) out["items"].push_back(enc(item));
  if (!items->empty() && static_cast<int>(items->size()) == limit) {
    out["next"] = std::to_string(items->back().id.value);
  }
  return Response::Json(out);
}

Result<std::optional<Date>> DateQuery(const Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text) return std::optional<Date>();
  auto d = ParseDate(*text, name);
  if (!d.ok()) return BadRequest(std::string(name) + ": expected YYYY-MM-DD", std::string(name));
  return std::optional<Date>(*d);
}

Result<app::Period> PeriodQuery(const Request& req) {
  MUSTER_ASSIGN(auto from, DateQuery(req, "from"));
  MUSTER_ASSIGN(auto to, DateQuery(req, "to"));
  if (!from) return BadRequest("from: required (YYYY-MM-DD)", "from");
  if (!to) return BadRequest("to: required (YYYY-MM-DD)", "to");
  return app::Period{*from, *to};
}

// ?unit_id=&from=&to=
Result<app::OversightFilter> FilterQuery(const Request& req) {
  app::OversightFilter f;
  MUSTER_ASSIGN(f.unit, QueryId<UnitId>(req, "unit_id"));
  MUSTER_ASSIGN(f.from, DateQuery(req, "from"));
  MUSTER_ASSIGN(f.to, DateQuery(req, "to"));
  return f;
}

// Reads a YYYY-MM-DD body field; errors name it.
Date DateField(BodyReader& r, std::string_view key) {
  std::string text = r.String(key);
  auto d = ParseDate(text, r.FieldName(key));
  if (!d.ok()) {
    if (!text.empty()) r.Fail(d.error());
    return Date{};
  }
  return *d;
}

Response File(const std::string& stem, bool csv, const Result<std::vector<tabular::Sheet>>& sheets) {
  MUSTER_TRY(sheets);
  Response out;
  if (csv) {
    out = Response::Text(tabular::WriteCsv(sheets->front()), "text/csv; charset=utf-8");
  } else {
    MUSTER_ASSIGN(std::string bytes, tabular::WriteXlsx(*sheets));
    out = Response::Text(std::move(bytes), std::string(kXlsxType));
  }
  out.SetHeader("Content-Disposition",
                "attachment; filename=\"" + stem + (csv ? ".csv" : ".xlsx") + "\"");
  return out;
}

void RegisterSupervision(http::Router& router, ApiContext& ctx, app::AuditLog& audit,
                         app::Oversight ov) {
  router.Get("/api/v1/supervision", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(app::Period period, PeriodQuery(req));
    return PageOfItems(ov.Supervise(a, period, page), page.limit, EncodeSupervision);
  }));
  router.Post("/api/v1/inspections", Authed(ctx, audit, [ov](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::InspectionInput in;
      in.unit_id = UnitId(r.Int("unit_id"));
      in.date = DateField(r, "date");
      in.inspector = r.String("inspector");
      in.findings = r.String("findings");
      in.rating = EnumField(r, "rating", [](std::string_view s, std::string_view f) {
        return app::ParseRating(s, f);
      }, app::Rating::kGood);
      MUSTER_TRY(r.Finish());
      return http::Respond(ov.RecordInspection(a, in), EncodeInspection, 201);
    });
  }));
  router.Get("/api/v1/inspections", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(app::OversightFilter f, FilterQuery(req));
    return PageOfItems(ov.ListInspections(a, page, f), page.limit, EncodeInspection);
  }));
}

void RegisterFunds(http::Router& router, ApiContext& ctx, app::AuditLog& audit, app::Oversight ov) {
  router.Post("/api/v1/funds/allocations", Authed(ctx, audit, [ov](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::AllocationInput in;
      in.unit_id = UnitId(r.Int("unit_id"));
      in.amount = Fen{r.Int("amount_fen")};
      in.purpose = r.String("purpose");
      in.date = DateField(r, "date");
      MUSTER_TRY(r.Finish());
      auto made = ov.Allocate(a, in);
      return http::Respond(made, [](const app::Allocation& x) {
        json out = EncodeAllocation(x);
        out["balance_fen"] = x.balance.value;
        return out;
      }, 201);
    });
  }));
  router.Get("/api/v1/funds/allocations", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(app::OversightFilter f, FilterQuery(req));
    return PageOfItems(ov.ListAllocations(a, page, f), page.limit, EncodeAllocation);
  }));
  router.Post("/api/v1/funds/expenses", Authed(ctx, audit, [ov](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::ExpenseInput in;
      in.unit_id = UnitId(r.Int("unit_id"));
      in.amount = Fen{r.Int("amount_fen")};
      in.purpose = r.String("purpose");
      in.date = DateField(r, "date");
      in.community_id = OptId<CommunityId>(r.OptionalInt("community_id"));
      MUSTER_TRY(r.Finish());
      return http::Respond(ov.Spend(a, in), [](const app::Expense& x) {
        json out = EncodeExpense(x);
        out["balance_fen"] = x.balance.value;
        return out;
      }, 201);
    });
  }));
  router.Get("/api/v1/funds/expenses", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(app::OversightFilter f, FilterQuery(req));
    return PageOfItems(ov.ListExpenses(a, page, f), page.limit, EncodeExpense);
  }));
  router.Get("/api/v1/funds/balances", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    MUSTER_ASSIGN(auto unit, QueryId<UnitId>(req, "unit_id"));
    return PageOfItems(ov.Balances(a, page, unit), page.limit, EncodeBalance);
  }));
}

void RegisterSupplies(http::Router& router, ApiContext& ctx, app::AuditLog& audit, app::Oversight ov) {
  router.Post("/api/v1/supplies", Authed(ctx, audit, [ov](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::SupplyInput in;
      in.recipient_street_id = OptId<StreetId>(r.OptionalInt("recipient_street_id"));
      in.recipient_community_id = OptId<CommunityId>(r.OptionalInt("recipient_community_id"));
      in.donor = r.String("donor");
      in.coordinated_by_unit_id = OptId<UnitId>(r.OptionalInt("coordinated_by_unit_id"));
      in.description = r.String("description");
      in.quantity = r.Int("quantity");
      in.value = Fen{r.Int("value_fen")};
      in.date = DateField(r, "date");
      MUSTER_TRY(r.Finish());
      return http::Respond(ov.RecordSupply(a, in), EncodeSupply, 201);
    });
  }));
  router.Get("/api/v1/supplies", Authed(ctx, audit, [ov](const Request& req, const Actor& a) -> Response {
    MUSTER_ASSIGN(store::Page page, PageOf(req));
    app::SupplyFilter f;
    MUSTER_ASSIGN(f.street, QueryId<StreetId>(req, "street_id"));
    MUSTER_ASSIGN(f.community, QueryId<CommunityId>(req, "community_id"));
    MUSTER_ASSIGN(f.unit, QueryId<UnitId>(req, "unit_id"));
    MUSTER_ASSIGN(f.from, DateQuery(req, "from"));
    MUSTER_ASSIGN(f.to, DateQuery(req, "to"));
    return PageOfItems(ov.ListSupplies(a, page, f), page.limit, EncodeSupply);
  }));
}

void RegisterExports(http::Router& router, ApiContext& ctx, app::AuditLog& audit, app::Oversight ov) {
  for (bool csv : {true, false}) {
    const std::string ext = csv ? ".csv" : ".xlsx";
    router.Get("/api/v1/exports/supervision" + ext,
               Authed(ctx, audit, [ov, csv](const Request& req, const Actor& a) -> Response {
                 MUSTER_ASSIGN(app::Period period, PeriodQuery(req));
                 return File("supervision-" + FormatDate(period.from) + "-" + FormatDate(period.to),
                             csv, ov.ExportSupervision(a, period));
               }),
               http::RouteOptions{.offload = true});
    router.Get("/api/v1/exports/funds" + ext,
               Authed(ctx, audit, [ov, csv](const Request& req, const Actor& a) -> Response {
                 MUSTER_ASSIGN(app::OversightFilter f, FilterQuery(req));
                 return File("funds", csv, ov.ExportFunds(a, f));
               }),
               http::RouteOptions{.offload = true});
  }
}

}  // namespace

void RegisterOversightRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  // Oversight holds references only (the store and the clock outlive the router): each handler
  // keeps its own copy.
  app::Oversight ov(ctx.registry.store(), ctx.clock);
  RegisterSupervision(router, ctx, audit, ov);
  RegisterFunds(router, ctx, audit, ov);
  RegisterSupplies(router, ctx, audit, ov);
  RegisterExports(router, ctx, audit, ov);
}

}  // namespace muster::api
