// The API over real HTTP on 127.0.0.1 port 0: sessions, scoped access, refusals that change
// nothing. Every route with every role is walked by scope_matrix_test.cpp.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "api/api_fixture.h"
#include "store/registry_repo.h"

namespace muster::api {
namespace {

using nlohmann::json;

TEST_F(ApiTest, MembersAreMaskedAndRevealIsAudited) {
  BuildCity();
  Reply m = Call("GET", "/api/v1/members/" + std::to_string(member_[0]), admin_);
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.body["phone"], "138****5670");
  EXPECT_EQ(m.raw.Header("Cache-Control"), "no-store");
  std::int64_t audited = Rows("audit_log");
  Reply full = Call("POST", "/api/v1/members/" + std::to_string(member_[0]) + "/reveal", admin_);
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.body["phone"], "13812345670");
  EXPECT_EQ(Rows("audit_log"), audited + 1);
}

TEST_F(ApiTest, MeSaysWhenTheCityIsADemoAndWhichPeriodItPlayed) {
  Reply real = Call("GET", "/api/v1/me", admin_);
  ASSERT_EQ(real.status, 200);
  EXPECT_FALSE(real.body.contains("demo")) << real.body.dump();
  ASSERT_TRUE(store_->Write([](store::Transaction& tx) -> Status {
    store::RegistryRepo repo(tx);
    MUSTER_TRY(repo.SetMeta("synthetic", "synthetic demo city"));
    return repo.SetMeta("demo_period", "2022-01-01..2022-01-16");
  }).ok());
  Reply demo = Call("GET", "/api/v1/me", admin_);
  ASSERT_EQ(demo.status, 200);
  EXPECT_EQ(demo.body["demo"]["label"], "synthetic demo city") << demo.body.dump();
  EXPECT_EQ(demo.body["demo"]["from"], "2022-01-01");
  EXPECT_EQ(demo.body["demo"]["to"], "2022-01-16");
}

TEST_F(ApiTest, EachRoleSeesOnlyItsScope) {
  BuildCity();
  AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
  AddUser("branch0", app::Role::kBranchSecretary, branch_[0]);
  AddUser("vol1", app::Role::kVolunteer, member_[1]);
  AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
  std::string unit0 = Login("unit0"), branch0 = Login("branch0"), vol1 = Login("vol1"),
              street0 = Login("street0");
  auto ids = [&](const std::string& token) {
    std::set<std::int64_t> out;
    Reply list = Call("GET", "/api/v1/members", token);
    for (const auto& m : list.body["items"]) out.insert(m["id"].get<std::int64_t>());
    return out;
  };
  EXPECT_EQ(ids(admin_), (std::set<std::int64_t>{member_[0], member_[1]}));
  EXPECT_EQ(ids(unit0), std::set<std::int64_t>{member_[0]});
  EXPECT_EQ(ids(branch0), std::set<std::int64_t>{member_[0]});
  EXPECT_EQ(ids(vol1), std::set<std::int64_t>{member_[1]});
  EXPECT_TRUE(ids(street0).empty());
  // A filter naming another unit or branch answers none, not the caller's own members.
  auto filtered = [&](const std::string& token, const std::string& query) {
    Reply list = Call("GET", "/api/v1/members?" + query, token);
    EXPECT_EQ(list.status, 200);
    return list.body["items"].size();
  };
  EXPECT_EQ(filtered(unit0, "unit_id=" + std::to_string(unit_[1])), 0u);
  EXPECT_EQ(filtered(branch0, "branch_id=" + std::to_string(branch_[1])), 0u);
  EXPECT_EQ(filtered(unit0, "unit_id=" + std::to_string(unit_[0])), 1u);
  std::string other = "/api/v1/members/" + std::to_string(member_[1]);
  EXPECT_EQ(Call("GET", other, unit0).status, 404);  // reads out of scope: not found
  EXPECT_EQ(Call("GET", other, branch0).status, 404);
  EXPECT_EQ(Call("GET", other, vol1).status, 200);
  EXPECT_EQ(Call("POST", other + "/reveal", unit0).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/members/" + std::to_string(member_[0]) + "/reveal", branch0).status, 403);
  json member = {{"name", "新人"}, {"phone", "13900000001"}, {"unit_id", unit_[1]}, {"party_member", true}};
  EXPECT_EQ(Call("POST", "/api/v1/members", unit0, member).status, 403);  // writes out of scope
  member["unit_id"] = unit_[0];
  EXPECT_EQ(Call("POST", "/api/v1/members", unit0, member).status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/departments", unit0, json{{"unit_id", unit_[1]}, {"name", "x"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/districts", unit0, json{{"name", "x"}}).status, 403);
  json site = {{"community_id", community_[0]}, {"name", "卡口"}, {"kind", "checkpoint"},
               {"lat", 22.55}, {"lon", 114.13}, {"risk", "high"}};
  EXPECT_EQ(Call("POST", "/api/v1/sites", street0, site).status, 201);
  site["community_id"] = community_[1];
  EXPECT_EQ(Call("POST", "/api/v1/sites", street0, site).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", unit0).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", admin_).status, 200);
}

TEST_F(ApiTest, MalformedRequestsAre4xxWithTheErrorBodyAndChangeNothing) {
  BuildCity();
  std::map<std::string, std::int64_t> before;
  for (auto t : {"districts", "streets", "members", "units", "street_pairings"}) before[t] = Rows(t);
  struct Case {
    std::string method, path, body, content_type;
    int status;
    std::string field;
  };
  std::string deep(5000, '[');
  std::vector<Case> cases = {
      {"POST", "/api/v1/districts", "{\"name\":", "application/json", 400, ""},
      {"POST", "/api/v1/districts", "{\"name\":\"x\"}", "text/plain", 415, ""},
      {"POST", "/api/v1/districts", deep, "application/json", 400, ""},
      {"POST", "/api/v1/districts", "[1,2]", "application/json", 400, ""},
      {"POST", "/api/v1/districts", "{\"name\":7}", "application/json", 422, "name"},
      {"POST", "/api/v1/districts", "{\"name\":\"x\",\"extra\":1}", "application/json", 422, "extra"},
      {"POST", "/api/v1/districts", "{\"name\":\"\"}", "application/json", 422, "name"},
      {"POST", "/api/v1/streets", "{\"district_id\":999,\"name\":\"x\",\"kind\":\"street\"}", "application/json", 422, "district_id"},
      {"POST", "/api/v1/streets", "{\"district_id\":1,\"name\":\"x\",\"kind\":\"avenue\"}", "application/json", 422, "kind"},
      {"POST", "/api/v1/members", "{\"name\":\"x\",\"phone\":\"12812345678\",\"unit_id\":1,\"party_member\":true}", "application/json", 422, "phone"},
      {"POST", "/api/v1/members", "{\"name\":\"x\",\"phone\":\"13912345678\",\"unit_id\":1,\"party_member\":true,\"id_number\":\"340524198001010013\"}", "application/json", 422, "id_number"},
      {"POST", "/api/v1/members", "{\"name\":\"x\",\"phone\":\"13912345678\",\"unit_id\":999,\"party_member\":true}", "application/json", 422, "unit_id"},
      {"POST", "/api/v1/members", "{\"name\":\"x\",\"phone\":\"13812345670\",\"unit_id\":1,\"party_member\":true}", "application/json", 409, "phone"},
      {"PUT", "/api/v1/streets/1/pairing", "{\"unit_id\":\"1\"}", "application/json", 422, "unit_id"},
      {"PUT", "/api/v1/streets/999/pairing", "{\"unit_id\":1}", "application/json", 404, ""},
      {"PUT", "/api/v1/communities/1/pairing", "{\"department_ids\":[1,2,3]}", "application/json", 422, "department_ids"},
      {"GET", "/api/v1/members?limit=0", "", "", 400, "limit"},
      {"GET", "/api/v1/members/abc", "", "", 404, ""},
      {"POST", "/api/v1/districts", std::string(2 << 20, ' '), "application/json", 413, ""},
  };
  for (const Case& c : cases) {
    http::testing::TestClient client(server_->port());
    Headers h = {{"Authorization", "Bearer " + admin_}};
    if (!c.content_type.empty()) h.push_back({"Content-Type", c.content_type});
    auto raw = client.Call(c.method, c.path, c.body, h);
    ASSERT_TRUE(raw.has_value()) << c.path;
    EXPECT_EQ(raw->status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80) << " -> " << raw->body;
    json body = json::parse(raw->body, nullptr, false);
    ASSERT_TRUE(body.contains("error")) << raw->body;
    EXPECT_TRUE(body["error"].contains("code"));
    EXPECT_TRUE(body["error"].contains("message"));
    if (!c.field.empty()) {
      EXPECT_EQ(body["error"].value("field", ""), c.field) << raw->body;
    }
  }
  for (const auto& [table, n] : before) EXPECT_EQ(Rows(table), n) << table;
}

TEST_F(ApiTest, SessionsExpireAndLogoutRevokes) {
  std::string token = Login("admin");
  EXPECT_EQ(Call("GET", "/api/v1/me", token).status, 200);
  clock_.Advance(std::chrono::minutes(29));
  EXPECT_EQ(Call("GET", "/api/v1/me", token).status, 200);  // refreshes the idle expiry
  clock_.Advance(std::chrono::minutes(29));
  EXPECT_EQ(Call("GET", "/api/v1/me", token).status, 200);
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(Call("GET", "/api/v1/me", token).status, 401);  // idle too long
  std::string second = Login("admin");
  EXPECT_EQ(Call("DELETE", "/api/v1/session", second).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", second).status, 401);
  std::string third = Login("admin");
  for (int i = 0; i < 30; ++i) {
    clock_.Advance(std::chrono::minutes(25));
    Call("GET", "/api/v1/me", third);
  }
  EXPECT_EQ(Call("GET", "/api/v1/me", third).status, 401);  // past the absolute limit
}

TEST_F(ApiTest, CookieSessionsNeedTheCsrfHeaderToChangeState) {
  Reply login = Call("POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", kPassword}});
  auto cookie = login.raw.Header("Set-Cookie");
  ASSERT_TRUE(cookie.has_value());
  EXPECT_NE(cookie->find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie->find("SameSite=Strict"), std::string::npos);
  std::string pair = cookie->substr(0, cookie->find(';'));
  Headers with_cookie = {{"Cookie", pair}};
  Reply me = Call("GET", "/api/v1/me", "", std::nullopt, with_cookie);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body.value("csrf_token", ""), login.body["csrf_token"].get<std::string>());
  EXPECT_FALSE(Call("GET", "/api/v1/me", admin_).body.contains("csrf_token"));
  EXPECT_EQ(Call("POST", "/api/v1/districts", "", json{{"name", "x"}}, with_cookie).status, 403);
  with_cookie.push_back({"X-CSRF-Token", login.body["csrf_token"].get<std::string>()});
  EXPECT_EQ(Call("POST", "/api/v1/districts", "", json{{"name", "x"}}, with_cookie).status, 201);
}

TEST_F(ApiTest, FailedLoginsAreRateLimited) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Call("POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", "wrong password!"}}).status, 401);
  }
  Reply limited = Call("POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", kPassword}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.raw.Header("Retry-After").has_value());
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(Call("POST", "/api/v1/session", "", json{{"username", "admin"}, {"password", kPassword}}).status, 200);
}

// docs/openapi.json describes exactly the routes the server has.
TEST_F(ApiTest, OpenApiDocumentListsEveryRouteAndNoOther) {
  std::ifstream in("docs/openapi.json");
  ASSERT_TRUE(in) << "run from the source folder";
  json doc = json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented, served;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
      EXPECT_TRUE(operation.contains("responses")) << path;
    }
  }
  for (const http::RouteInfo& route : router_.Routes()) {
    served.insert(std::string(http::MethodName(route.method)) + " " + route.pattern);
  }
  EXPECT_EQ(documented, served);
}

}  // namespace
}  // namespace muster::api
