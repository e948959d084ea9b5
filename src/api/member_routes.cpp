// Members: personal data, masked in every answer; full values only through the audited reveal.
#include "api/codec.h"
#include "api/handler.h"
#include "api/routes.h"
#include "app/registry_import.h"
#include "tabular/table.h"

namespace muster::api {
namespace {

using app::Actor;
using http::BodyReader;
using http::Request;
using http::Response;

app::MemberInput ReadMember(BodyReader& r) {
  app::MemberInput in;
  in.name = r.String("name");
  in.phone = r.String("phone");
  in.unit_id = UnitId(r.Int("unit_id"));
  in.department_id = OptId<DepartmentId>(r.OptionalInt("department_id"));
  in.branch_id = OptId<BranchId>(r.OptionalInt("branch_id"));
  in.party_member = r.Bool("party_member");
  if (auto b = r.OptionalString("birth_date")) {
    auto d = ParseDate(*b, "birth_date");
    if (d.ok()) in.birth_date = *d; else r.Fail(d.error());
  }
  in.id_number = r.OptionalString("id_number");
  in.skills = r.OptionalStringList("skills");
  in.home_lat = r.OptionalDouble("home_lat");
  in.home_lon = r.OptionalDouble("home_lon");
  in.brought_by = OptId<MemberId>(r.OptionalInt("brought_by"));
  return in;
}

// Imports a CSV (the members table) or an XLSX workbook (sheets named by table; a workbook
// whose sheets are not table names is read as members). Unit administrators import members of
// their own unit only.
Response Import(ApiContext& ctx, const Request& req, const Actor& a) {
  auto type = req.Header("Content-Type").value_or("");
  bool csv = type.starts_with("text/csv");
  bool xlsx = type.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  if (!csv && !xlsx) {
    return http::ErrorResponse(Error{ErrorCode::kUnsupportedMediaType,
                                     "send text/csv or an XLSX workbook", "Content-Type", ""});
  }
  if (Status s = app::Access::Require(a, {app::Role::kCityAdmin, app::Role::kUnitAdmin}, "import members");
      !s.ok()) {
    return http::ErrorResponse(s.error());
  }
  auto sheets = tabular::ReadTable(req.body, "members");
  if (!sheets.ok()) return http::ErrorResponse(sheets.error());
  if (xlsx && !sheets->empty() && !app::TableForName((*sheets)[0].name)) {
    (*sheets)[0].name = "members";
    sheets->resize(1);
  }
  app::ImportOptions options;
  options.valid_rows_only = req.Query("valid_rows_only").value_or("false") == "true";
  if (a.role == app::Role::kUnitAdmin) options.only_unit = UnitId(a.scope_id);
  auto report = app::ImportRegistry(ctx.registry.store(), ctx.registry.rules(), *sheets, options);
  if (!report.ok()) return http::ErrorResponse(report.error());
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& r : report->rejected) {
    nlohmann::json row = {{"sheet", r.sheet}, {"row", r.row}, {"field", r.field}, {"message", r.message}};
    if (!r.reason.empty()) row["reason"] = r.reason;
    rejected.push_back(std::move(row));
  }
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : report->tables) {
    tables.push_back({{"table", t.table}, {"created", t.created}, {"updated", t.updated},
                      {"unchanged", t.unchanged}});
  }
  return Response::Json({{"imported", report->committed ? report->Imported() : 0},
                         {"committed", report->committed},
                         {"tables", tables},
                         {"rejected", rejected}});
}

}  // namespace

void RegisterMemberRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Registry& reg = ctx.registry;
  router.Post("/api/v1/members", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      app::MemberInput in = ReadMember(r);
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return http::Respond(reg.CreateMember(a, in), [](const domain::Member& m) { return Encode(m); },
                           201);
    });
  }));
  router.Get("/api/v1/members", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) -> Response {
    auto page = PageOf(req);
    if (!page.ok()) return http::ErrorResponse(page.error());
    store::MemberFilter f;
    auto unit = QueryId<UnitId>(req, "unit_id");
    auto branch = QueryId<BranchId>(req, "branch_id");
    auto dept = QueryId<DepartmentId>(req, "department_id");
    for (const Status& s : {unit.ok() ? Ok() : Status(unit.error()), branch.ok() ? Ok() : Status(branch.error()),
                            dept.ok() ? Ok() : Status(dept.error())}) {
      if (!s.ok()) return http::ErrorResponse(s.error());
    }
    f.unit_id = *unit;
    f.branch_id = *branch;
    f.department_id = *dept;
    auto members = reg.ListMembers(a, *page, f);
    if (!members.ok()) return http::ErrorResponse(members.error());
    return Response::Json(EncodePage(*members, page->limit));
  }));
  router.Get("/api/v1/members/{id}", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    auto id = PathIdOf<MemberId>(req);
    if (!id.ok()) return http::ErrorResponse(NotFound("no such member"));
    return http::Respond(reg.GetMember(a, *id), [](const domain::Member& m) { return Encode(m); });
  }));
  router.Post("/api/v1/members/{id}/reveal", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    auto id = PathIdOf<MemberId>(req);
    if (!id.ok()) return http::ErrorResponse(NotFound("no such member"));
    return http::Respond(reg.RevealMember(a, *id), [](const app::RevealedMember& m) {
      return nlohmann::json{{"id", m.id.value}, {"phone", m.phone},
                            {"id_number", m.id_number ? nlohmann::json(*m.id_number) : nlohmann::json(nullptr)}};
    });
  }));
  router.Post("/api/v1/members/import",
              Authed(ctx, audit, [&ctx](const Request& req, const Actor& a) { return Import(ctx, req, a); }),
              http::RouteOptions{.max_body_bytes = 64 << 20, .offload = true});
}

void RegisterApiRoutes(http::Router& router, ApiContext& ctx) {
  RegisterSessionRoutes(router, ctx, ctx.audit);
  RegisterDirectoryRoutes(router, ctx, ctx.audit);
  RegisterMemberRoutes(router, ctx, ctx.audit);
  RegisterNotificationRoutes(router, ctx, ctx.audit);
  RegisterWorkflowRoutes(router, ctx, ctx.audit);
  RegisterDispatchRoutes(router, ctx, ctx.audit);
  RegisterStatsRoutes(router, ctx, ctx.audit);
  RegisterOversightRoutes(router, ctx, ctx.audit);
}

}  // namespace muster::api
