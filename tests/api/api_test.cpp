// The API over real HTTP on 127.0.0.1 port 0: sessions, scoped access, refusals that change
// nothing, and a walk of every route with every role.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/registry.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/test_client.h"
#include "store/registry_repo.h"
#include "support/test_store.h"

namespace muster::api {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;
const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kPassword = "correct horse battery staple";

struct Reply {
  int status = 0;
  json body;
  http::testing::RawResponse raw;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(store::Backend::kSqlite);
    registry_ = std::make_unique<app::Registry>(*store_, keys_, clock_);
    accounts_ = std::make_unique<app::Accounts>(*store_, clock_);
    audit_ = std::make_unique<app::AuditLog>(*store_, clock_);
    workflow_ = std::make_unique<app::Workflow>(*store_, keys_, clock_);
    ctx_ = std::make_unique<ApiContext>(ApiContext{*registry_, *accounts_, *audit_, clock_, *workflow_, false});
    http::RegisterBuiltinRoutes(router_, metrics_);
    RegisterApiRoutes(router_, *ctx_);
    http::ServerOptions options;
    options.port = 0;
    options.metrics = &metrics_;
    options.clock = &clock_;
    options.error_log = [](std::string_view) {};
    server_ = std::make_unique<http::Server>(router_, options);
    ASSERT_TRUE(server_->Start().ok());
    AddUser("admin", app::Role::kCityAdmin, std::nullopt);
    admin_ = Login("admin");
  }
  void TearDown() override { server_->Stop(); }

  void AddUser(const std::string& name, app::Role role, std::optional<std::int64_t> scope) {
    auto u = accounts_->AddUser(app::Actor::System(), {name, kPassword, role, scope});
    ASSERT_TRUE(u.ok()) << u.error().ToString();
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& token,
             const std::optional<json>& body = std::nullopt, Headers extra = {}) {
    http::testing::TestClient client(server_->port());
    Headers headers = std::move(extra);
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    std::string text;
    if (body) {
      text = body->dump();
      headers.push_back({"Content-Type", "application/json"});
    }
    auto raw = client.Call(method, target, text, headers);
    Reply r;
    if (!raw) return r;
    r.status = raw->status;
    r.raw = *raw;
    r.body = json::parse(raw->body, nullptr, false);
    return r;
  }

  std::string Login(const std::string& name) {
    Reply r = Call("POST", "/api/v1/session", "", json{{"username", name}, {"password", kPassword}});
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body.value("token", "");
  }

  std::int64_t Create(const std::string& path, const json& body, const std::string& token = "") {
    Reply r = Call("POST", path, token.empty() ? admin_ : token, body);
    EXPECT_EQ(r.status, 201) << path << ": " << r.raw.body;
    return r.body.value("id", std::int64_t{0});
  }

  std::int64_t Rows(std::string_view table) {
    return *store_->Read([&](store::Transaction& tx) { return store::RegistryRepo(tx).Count(table); });
  }

  // Two streets, each paired with a unit; each unit with a department, a branch and a member.
  void BuildCity() {
    std::int64_t district = Create("/api/v1/districts", {{"name", "罗湖区"}});
    for (int i = 0; i < 2; ++i) {
      std::string n = std::to_string(i);
      street_[i] = Create("/api/v1/streets", {{"district_id", district}, {"name", "街道" + n}, {"kind", "street"}});
      community_[i] = Create("/api/v1/communities", {{"street_id", street_[i]}, {"name", "社区" + n}, {"kind", "community"}});
      unit_[i] = Create("/api/v1/units", {{"name", "单位" + n}, {"kind", "agency"}});
      dept_[i] = Create("/api/v1/departments", {{"unit_id", unit_[i]}, {"name", "办公室"}});
      branch_[i] = Create("/api/v1/branches", {{"unit_id", unit_[i]}, {"name", "第一党支部"}});
      member_[i] = Create("/api/v1/members", {{"name", "成员" + n}, {"phone", "1381234567" + n},
                                              {"unit_id", unit_[i]}, {"department_id", dept_[i]},
                                              {"branch_id", branch_[i]}, {"party_member", true}});
      EXPECT_EQ(Call("PUT", "/api/v1/streets/" + std::to_string(street_[i]) + "/pairing", admin_,
                     json{{"unit_id", unit_[i]}}).status, 200);
    }
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{FromUnixSeconds(1641945600)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Registry> registry_;
  std::unique_ptr<app::Accounts> accounts_;
  std::unique_ptr<app::AuditLog> audit_;
  std::unique_ptr<app::Workflow> workflow_;
  std::unique_ptr<ApiContext> ctx_;
  http::Metrics metrics_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string admin_;
  std::int64_t street_[2]{}, community_[2]{}, unit_[2]{}, dept_[2]{}, branch_[2]{}, member_[2]{};
};

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

// Every route the server has, walked with every role: a route missing from this table fails the
// test, no answer is a 5xx, and without a session every API route but sign-in answers 401.
TEST_F(ApiTest, EveryRouteWithEveryRole) {
  BuildCity();
  const std::map<std::string, std::optional<json>> samples = {
      {"POST /api/v1/session", json{{"username", "nobody"}, {"password", "wrong password!"}}},
      {"DELETE /api/v1/session", std::nullopt},
      {"GET /api/v1/me", std::nullopt},
      {"POST /api/v1/users", json{{"username", "u"}, {"password", kPassword}, {"role", "volunteer"}, {"scope_id", 1}}},
      {"GET /api/v1/audit", std::nullopt},
      {"POST /api/v1/districts", json{{"name", "新区"}}},
      {"GET /api/v1/districts", std::nullopt},
      {"GET /api/v1/districts/{id}", std::nullopt},
      {"POST /api/v1/streets", json{{"district_id", 1}, {"name", "新街道"}, {"kind", "street"}}},
      {"GET /api/v1/streets", std::nullopt},
      {"GET /api/v1/streets/{id}", std::nullopt},
      {"POST /api/v1/communities", json{{"street_id", 1}, {"name", "新社区"}, {"kind", "community"}}},
      {"GET /api/v1/communities", std::nullopt},
      {"GET /api/v1/communities/{id}", std::nullopt},
      {"POST /api/v1/sites", json{{"community_id", 1}, {"name", "点"}, {"kind", "checkpoint"}, {"lat", 22.5}, {"lon", 114.1}, {"risk", "normal"}}},
      {"GET /api/v1/sites", std::nullopt},
      {"GET /api/v1/sites/{id}", std::nullopt},
      {"POST /api/v1/units", json{{"name", "新单位"}, {"kind", "agency"}}},
      {"GET /api/v1/units", std::nullopt},
      {"GET /api/v1/units/{id}", std::nullopt},
      {"POST /api/v1/departments", json{{"unit_id", 1}, {"name", "新处室"}}},
      {"GET /api/v1/departments", std::nullopt},
      {"GET /api/v1/departments/{id}", std::nullopt},
      {"POST /api/v1/branches", json{{"unit_id", 1}, {"name", "新支部"}}},
      {"GET /api/v1/branches", std::nullopt},
      {"GET /api/v1/branches/{id}", std::nullopt},
      {"PUT /api/v1/streets/{id}/pairing", json{{"unit_id", 2}}},
      {"PUT /api/v1/communities/{id}/pairing", json{{"department_ids", {1}}}},
      {"GET /api/v1/pairings", std::nullopt},
      {"GET /api/v1/mode", std::nullopt},
      {"PUT /api/v1/mode", json{{"mode", "emergency"}, {"reason", "测试"}}},
      {"GET /api/v1/mode/history", std::nullopt},
      {"POST /api/v1/activities", json{{"community_id", 1}, {"department_id", 1}, {"task", "visits"}, {"date", "2022-01-12"}, {"member_ids", {1}}, {"summary", "走访"}}},
      {"GET /api/v1/activities", std::nullopt},
      {"POST /api/v1/members", json{{"name", "新人"}, {"phone", "13700000000"}, {"unit_id", 1}, {"party_member", true}}},
      {"GET /api/v1/members", std::nullopt},
      {"GET /api/v1/members/{id}", std::nullopt},
      {"POST /api/v1/members/{id}/reveal", std::nullopt},
      {"POST /api/v1/members/import", std::nullopt},
      {"GET /healthz", std::nullopt},
      {"GET /metrics", std::nullopt},
  };
  AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
  AddUser("branch0", app::Role::kBranchSecretary, branch_[0]);
  AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
  AddUser("community0", app::Role::kCommunityCoordinator, community_[0]);
  AddUser("vol0", app::Role::kVolunteer, member_[0]);
  std::vector<std::string> tokens = {"", Login("unit0"), Login("branch0"), Login("street0"),
                                     Login("community0"), Login("vol0"), Login("admin")};
  for (const http::RouteInfo& route : router_.Routes()) {
    std::string key = std::string(http::MethodName(route.method)) + " " + route.pattern;
    auto sample = samples.find(key);
    ASSERT_NE(sample, samples.end()) << key << " is missing from the route matrix";
    std::string path = route.pattern;
    if (auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    for (const std::string& token : tokens) {
      Reply r = Call(std::string(http::MethodName(route.method)), path, token, sample->second);
      EXPECT_LT(r.status, 500) << key << " -> " << r.raw.body;
      bool open = key == "POST /api/v1/session" || key == "GET /healthz" || key == "GET /metrics";
      if (token.empty() && !open) {
        EXPECT_EQ(r.status, 401) << key;
      }
    }
  }
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
