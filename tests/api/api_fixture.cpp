#include "api/api_fixture.h"

#include "http/server.h"
#include "store/registry_repo.h"
#include "support/test_store.h"

namespace muster::api {

using nlohmann::json;

void ApiTest::SetUp() {
  store_ = muster::testing::NewStore(store::Backend::kSqlite);
  registry_ = std::make_unique<app::Registry>(*store_, keys_, clock_);
  accounts_ = std::make_unique<app::Accounts>(*store_, clock_);
  audit_ = std::make_unique<app::AuditLog>(*store_, clock_);
  workflow_ = std::make_unique<app::Workflow>(*store_, keys_, clock_);
  notifications_ = std::make_unique<app::Notifications>(*store_, keys_, clock_);
  ctx_ = std::make_unique<ApiContext>(ApiContext{*registry_, *accounts_, *audit_, clock_,
                                                 *workflow_, *notifications_, events_, false});
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

void ApiTest::TearDown() { server_->Stop(); }

void ApiTest::AddUser(const std::string& name, app::Role role, std::optional<std::int64_t> scope) {
  auto u = accounts_->AddUser(app::Actor::System(), {name, kPassword, role, scope});
  ASSERT_TRUE(u.ok()) << u.error().ToString();
}

Reply ApiTest::CallRaw(const std::string& method, const std::string& target,
                       const std::string& token, const std::string& body,
                       const std::string& content_type, Headers extra) {
  http::testing::TestClient client(server_->port());
  Headers headers = std::move(extra);
  if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
  if (!content_type.empty()) headers.push_back({"Content-Type", content_type});
  auto raw = client.Call(method, target, body, headers);
  Reply r;
  if (!raw) return r;
  r.status = raw->status;
  r.raw = *raw;
  r.body = json::parse(raw->body, nullptr, false);
  return r;
}

Reply ApiTest::Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::optional<json>& body, Headers extra) {
  if (!body) return CallRaw(method, target, token, "", "", std::move(extra));
  return CallRaw(method, target, token, body->dump(), "application/json", std::move(extra));
}

std::string ApiTest::Login(const std::string& name) {
  Reply r = Call("POST", "/api/v1/session", "", json{{"username", name}, {"password", kPassword}});
  EXPECT_EQ(r.status, 200) << r.raw.body;
  return r.body.value("token", "");
}

std::int64_t ApiTest::Create(const std::string& path, const json& body, const std::string& token) {
  Reply r = Call("POST", path, token.empty() ? admin_ : token, body);
  EXPECT_EQ(r.status, 201) << path << ": " << r.raw.body;
  return r.body.value("id", std::int64_t{0});
}

std::int64_t ApiTest::Rows(std::string_view table) {
  return *store_->Read(
      [&](store::Transaction& tx) { return store::RegistryRepo(tx).Count(table); });
}

std::map<std::string, std::int64_t> ApiTest::TableCounts() {
  std::map<std::string, std::int64_t> counts;
  Status read = store_->Read([&](store::Transaction& tx) -> Status {
    counts.clear();
    std::vector<std::string> tables;
    MUSTER_TRY(
        tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                 "'sqlite_%' AND name <> 'audit_log'",
                 [&](const store::Row& row) -> Status {
                   tables.push_back(row.String(0));
                   return Ok();
                 }));
    for (const std::string& t : tables) {
      MUSTER_ASSIGN(auto n, tx.QueryInt("SELECT COUNT(*) FROM " + t, {}));
      counts[t] = n.value_or(0);
    }
    return Ok();
  });
  EXPECT_TRUE(read.ok()) << read.error().ToString();
  return counts;
}

void ApiTest::BuildCity() {
  district_ = Create("/api/v1/districts", {{"name", "罗湖区"}});
  for (int i = 0; i < 2; ++i) {
    std::string n = std::to_string(i);
    street_[i] = Create("/api/v1/streets",
                        {{"district_id", district_}, {"name", "街道" + n}, {"kind", "street"}});
    community_[i] =
        Create("/api/v1/communities",
               {{"street_id", street_[i]}, {"name", "社区" + n}, {"kind", "community"}});
    unit_[i] = Create("/api/v1/units", {{"name", "单位" + n}, {"kind", "agency"}});
    dept_[i] = Create("/api/v1/departments", {{"unit_id", unit_[i]}, {"name", "办公室"}});
    branch_[i] = Create("/api/v1/branches", {{"unit_id", unit_[i]}, {"name", "第一党支部"}});
    member_[i] = Create("/api/v1/members", {{"name", "成员" + n},
                                            {"phone", "1381234567" + n},
                                            {"unit_id", unit_[i]},
                                            {"department_id", dept_[i]},
                                            {"branch_id", branch_[i]},
                                            {"party_member", true}});
    site_[i] = Create("/api/v1/sites", {{"community_id", community_[i]},
                                        {"name", "采样点" + n},
                                        {"kind", "sampling"},
                                        {"lat", 22.55},
                                        {"lon", 114.12},
                                        {"risk", "normal"}});
    EXPECT_EQ(Call("PUT", "/api/v1/streets/" + std::to_string(street_[i]) + "/pairing", admin_,
                   json{{"unit_id", unit_[i]}})
                  .status,
              200);
    EXPECT_EQ(Call("PUT", "/api/v1/communities/" + std::to_string(community_[i]) + "/pairing",
                   admin_, json{{"department_ids", {dept_[i]}}})
                  .status,
              200);
  }
}

}  // namespace muster::api
