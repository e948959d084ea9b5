// The city's directory: regions, sites, units, departments, branches, pairings, mode, activities.
#include "api/codec.h"
#include "api/handler.h"
#include "api/route_helpers.h"
#include "api/routes.h"

namespace muster::api {
namespace {

using http::BodyReader;
using http::Request;
using http::Response;
using app::Actor;

void RegisterRegions(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Registry& reg = ctx.registry;
  router.Post("/api/v1/districts", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::District d{{}, r.String("name")};
      if (Status s = r.Finish(); !s.ok()) return http::ErrorResponse(s.error());
      return Created(reg.CreateDistrict(a, d));
    });
  }));
  router.Get("/api/v1/districts", ListRoute<domain::District>(ctx, audit,
      [&reg](const Request&, const Actor&, store::Page p) { return reg.ListDistricts(p); }));
  router.Get("/api/v1/districts/{id}", GetRoute<DistrictId>(ctx, audit,
      [&reg](const Actor&, DistrictId id) { return reg.GetDistrict(id); }));

  router.Post("/api/v1/streets", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Street s;
      s.district_id = DistrictId(r.Int("district_id"));
      s.name = r.String("name");
      s.kind = EnumField(r, "kind", domain::ParseStreetKind, domain::StreetKind::kStreet);
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateStreet(a, s));
    });
  }));
  router.Get("/api/v1/streets", ListRoute<domain::Street>(ctx, audit,
      [&reg](const Request& req, const Actor&, store::Page p) -> Result<std::vector<domain::Street>> {
        MUSTER_ASSIGN(auto district, QueryId<DistrictId>(req, "district_id"));
        return reg.ListStreets(p, district);
      }));
  router.Get("/api/v1/streets/{id}", GetRoute<StreetId>(ctx, audit,
      [&reg](const Actor&, StreetId id) { return reg.GetStreet(id); }));

  router.Post("/api/v1/communities", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Community c;
      c.street_id = StreetId(r.Int("street_id"));
      c.name = r.String("name");
      c.kind = EnumField(r, "kind", domain::ParseCommunityKind, domain::CommunityKind::kCommunity);
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateCommunity(a, c));
    });
  }));
  router.Get("/api/v1/communities", ListRoute<domain::Community>(ctx, audit,
      [&reg](const Request& req, const Actor&, store::Page p) -> Result<std::vector<domain::Community>> {
        MUSTER_ASSIGN(auto street, QueryId<StreetId>(req, "street_id"));
        return reg.ListCommunities(p, street);
      }));
  router.Get("/api/v1/communities/{id}", GetRoute<CommunityId>(ctx, audit,
      [&reg](const Actor&, CommunityId id) { return reg.GetCommunity(id); }));

  router.Post("/api/v1/sites", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Site s;
      s.community_id = CommunityId(r.Int("community_id"));
      s.name = r.String("name");
      s.kind = r.String("kind");
      s.lat = r.Double("lat");
      s.lon = r.Double("lon");
      s.risk = EnumField(r, "risk", domain::ParseRisk, domain::Risk::kNormal);
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateSite(a, s));
    });
  }));
  router.Get("/api/v1/sites", ListRoute<domain::Site>(ctx, audit,
      [&reg](const Request& req, const Actor&, store::Page p) -> Result<std::vector<domain::Site>> {
        MUSTER_ASSIGN(auto community, QueryId<CommunityId>(req, "community_id"));
        MUSTER_ASSIGN(auto street, QueryId<StreetId>(req, "street_id"));
        return reg.ListSites(p, community, street);
      }));
  router.Get("/api/v1/sites/{id}", GetRoute<SiteId>(ctx, audit,
      [&reg](const Actor&, SiteId id) { return reg.GetSite(id); }));
}

void RegisterOrganisations(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Registry& reg = ctx.registry;
  router.Post("/api/v1/units", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Unit u;
      u.name = r.String("name");
      u.kind = EnumField(r, "kind", domain::ParseUnitKind, domain::UnitKind::kAgency);
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateUnit(a, u));
    });
  }));
  router.Get("/api/v1/units", ListRoute<domain::Unit>(ctx, audit,
      [&reg](const Request&, const Actor&, store::Page p) { return reg.ListUnits(p); }));
  router.Get("/api/v1/units/{id}", GetRoute<UnitId>(ctx, audit,
      [&reg](const Actor&, UnitId id) { return reg.GetUnit(id); }));

  router.Post("/api/v1/departments", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Department d{{}, UnitId(r.Int("unit_id")), r.String("name")};
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateDepartment(a, d));
    });
  }));
  router.Get("/api/v1/departments", ListRoute<domain::Department>(ctx, audit,
      [&reg](const Request& req, const Actor&, store::Page p) -> Result<std::vector<domain::Department>> {
        MUSTER_ASSIGN(auto unit, QueryId<UnitId>(req, "unit_id"));
        return reg.ListDepartments(p, unit);
      }));
  router.Get("/api/v1/departments/{id}", GetRoute<DepartmentId>(ctx, audit,
      [&reg](const Actor&, DepartmentId id) { return reg.GetDepartment(id); }));

  router.Post("/api/v1/branches", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Branch b{{}, UnitId(r.Int("unit_id")), r.String("name")};
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return Created(reg.CreateBranch(a, b));
    });
  }));
  router.Get("/api/v1/branches", ListRoute<domain::Branch>(ctx, audit,
      [&reg](const Request& req, const Actor&, store::Page p) -> Result<std::vector<domain::Branch>> {
        MUSTER_ASSIGN(auto unit, QueryId<UnitId>(req, "unit_id"));
        return reg.ListBranches(p, unit);
      }));
  router.Get("/api/v1/branches/{id}", GetRoute<BranchId>(ctx, audit,
      [&reg](const Actor&, BranchId id) { return reg.GetBranch(id); }));
}

void RegisterPairingsAndMode(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Registry& reg = ctx.registry;
  router.Put("/api/v1/streets/{id}/pairing", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    auto street = PathIdOf<StreetId>(req);
    if (!street.ok()) return http::ErrorResponse(NotFound("no such street"));
    return WithBody(req, [&](BodyReader& r) -> Response {
      UnitId unit(r.Int("unit_id"));
      auto from_text = r.OptionalString("from");
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      auto from = OptionalDate(from_text, "from");
      if (!from.ok()) return http::ErrorResponse(from.error());
      if (Status st = reg.PairStreet(a, *street, unit, *from); !st.ok()) return http::ErrorResponse(st.error());
      return Response::Json({{"street_id", street->value}, {"unit_id", unit.value}});
    });
  }));
  router.Put("/api/v1/communities/{id}/pairing", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    auto community = PathIdOf<CommunityId>(req);
    if (!community.ok()) return http::ErrorResponse(NotFound("no such community"));
    return WithBody(req, [&](BodyReader& r) -> Response {
      std::vector<DepartmentId> depts;
      for (std::int64_t id : r.IntList("department_ids")) depts.emplace_back(id);
      auto from_text = r.OptionalString("from");
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      auto from = OptionalDate(from_text, "from");
      if (!from.ok()) return http::ErrorResponse(from.error());
      if (Status st = reg.PairCommunity(a, *community, depts, *from); !st.ok()) {
        return http::ErrorResponse(st.error());
      }
      nlohmann::json ids = nlohmann::json::array();
      for (DepartmentId d : depts) ids.push_back(d.value);
      return Response::Json({{"community_id", community->value}, {"department_ids", ids}});
    });
  }));
  router.Get("/api/v1/pairings", Authed(ctx, audit, [&reg](const Request& req, const Actor&) {
    auto date = OptionalDate(req.Query("date"), "date");
    if (!date.ok()) return http::ErrorResponse(BadRequest(date.error().message, "date"));
    return One(reg.PairingsOn(*date));
  }));
  router.Get("/api/v1/mode", Authed(ctx, audit, [&reg](const Request&, const Actor&) {
    return One(reg.GetMode());
  }));
  router.Put("/api/v1/mode", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      auto mode = EnumField(r, "mode", domain::ParseMode, domain::Mode::kRoutine);
      std::string reason = r.String("reason");
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      return One(reg.SetMode(a, mode, reason));
    });
  }));
  router.Get("/api/v1/mode/history", Authed(ctx, audit, [&reg](const Request&, const Actor&) {
    auto history = reg.ModeHistory(100);
    if (!history.ok()) return http::ErrorResponse(history.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : *history) items.push_back(Encode(m));
    return Response::Json({{"items", items}, {"next", nullptr}});
  }));
}

void RegisterActivities(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  app::Registry& reg = ctx.registry;
  router.Post("/api/v1/activities", Authed(ctx, audit, [&reg](const Request& req, const Actor& a) {
    return WithBody(req, [&](BodyReader& r) -> Response {
      domain::Activity act;
      act.community_id = CommunityId(r.Int("community_id"));
      act.department_id = DepartmentId(r.Int("department_id"));
      act.task = EnumField(r, "task", domain::ParseStandingTask, domain::StandingTask::kVisits);
      std::string date = r.String("date");
      for (std::int64_t id : r.IntList("member_ids")) act.member_ids.emplace_back(id);
      act.summary = r.String("summary");
      if (Status st = r.Finish(); !st.ok()) return http::ErrorResponse(st.error());
      auto d = ParseDate(date, "date");
      if (!d.ok()) return http::ErrorResponse(d.error());
      act.date = *d;
      return Created(reg.CreateActivity(a, act));
    });
  }));
  router.Get("/api/v1/activities", ListRoute<domain::Activity>(ctx, audit,
      [&reg](const Request& req, const Actor& a, store::Page p) -> Result<std::vector<domain::Activity>> {
        MUSTER_ASSIGN(auto community, QueryId<CommunityId>(req, "community_id"));
        return reg.ListActivities(a, p, community);
      }));
}

}  // namespace

void RegisterDirectoryRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit) {
  RegisterRegions(router, ctx, audit);
  RegisterOrganisations(router, ctx, audit);
  RegisterPairingsAndMode(router, ctx, audit);
  RegisterActivities(router, ctx, audit);
}

}  // namespace muster::api
