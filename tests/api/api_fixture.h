#pragma once

// The API over real HTTP on 127.0.0.1 port 0, over a temporary SQLite store: the fixture every
// API test file shares.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api.h"
#include "app/accounts.h"
#include "app/audit.h"
#include "app/notifications.h"
#include "app/registry.h"
#include "app/workflow.h"
#include "base/clock.h"
#include "crypto/keyring.h"
#include "http/event_hub.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/test_client.h"
#include "store/store.h"

namespace muster::api {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The data key of every API test (not a secret: tests only).
inline constexpr const char* kKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// The password of every account the fixture adds.
inline constexpr const char* kPassword = "correct horse battery staple";

// One answer of the server: status 0 when the connection failed.
struct Reply {
  int status = 0;
  nlohmann::json body;
  http::testing::RawResponse raw;
};

// Starts the whole API (builtin routes included) on port 0 with a fake clock, adds a city
// administrator "admin" and signs him in (admin_).
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Adds an account with kPassword.
  void AddUser(const std::string& name, app::Role role, std::optional<std::int64_t> scope);

  // Sends one request, with a bearer token unless `token` is empty and a JSON body if given.
  Reply Call(const std::string& method, const std::string& target, const std::string& token,
             const std::optional<nlohmann::json>& body = std::nullopt, Headers extra = {});
  // Sends one request with a raw body of the given content type.
  Reply CallRaw(const std::string& method, const std::string& target, const std::string& token,
                const std::string& body, const std::string& content_type, Headers extra = {});

  // Signs `name` in with kPassword and returns the session token (expects success).
  std::string Login(const std::string& name);

  // POSTs `body` to `path` (as the administrator by default), expects 201, returns the id.
  std::int64_t Create(const std::string& path, const nlohmann::json& body,
                      const std::string& token = "");

  // Counts the rows of `table`.
  std::int64_t Rows(std::string_view table);
  // Counts the rows of every table of the schema but audit_log (which records refusals too),
  // so a test can check that a refused request changed nothing.
  std::map<std::string, std::int64_t> TableCounts();

  // Two halves of a city in one district: for i = 0, 1 a street paired with a unit, a community
  // of that street paired with the unit's department, a site in the community, and in the unit a
  // department, a branch and a member (department and branch set).
  void BuildCity();

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{FromUnixSeconds(1641945600)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Registry> registry_;
  std::unique_ptr<app::Accounts> accounts_;
  std::unique_ptr<app::AuditLog> audit_;
  std::unique_ptr<app::Workflow> workflow_;
  std::unique_ptr<app::Notifications> notifications_;
  http::EventHub events_;
  std::unique_ptr<ApiContext> ctx_;
  http::Metrics metrics_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string admin_;
  std::int64_t district_ = 0;
  std::int64_t street_[2]{}, community_[2]{}, site_[2]{}, unit_[2]{}, dept_[2]{}, branch_[2]{},
      member_[2]{};
};

}  // namespace muster::api
