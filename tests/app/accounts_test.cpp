// Sessions: the in-memory session cache never outlives a logout or an expiry.
#include "app/accounts.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_store.h"

namespace muster::app {
namespace {

constexpr const char* kPassword = "correct horse battery";

class AccountsTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    accounts_ = std::make_unique<Accounts>(*store_, clock_);
    ASSERT_TRUE(accounts_->AddUser(Actor::System(), {"admin", kPassword, Role::kCityAdmin, {}}).ok());
  }

  std::string Login() {
    auto grant = accounts_->Login("admin", kPassword, "10.0.0.1");
    EXPECT_TRUE(grant.ok()) << grant.error().ToString();
    return grant.ok() ? grant->token : "";
  }

  FakeClock clock_{Timestamp{} + std::chrono::hours(24 * 19000)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_P(AccountsTest, RefusedCreatorLearnsNothingOfTheScope) {
  // A unit administrator asking for a volunteer account of a member id that does not exist is
  // refused exactly as for a member of another unit: the answer does not tell which.
  Actor unit_admin{UserId(77), "unit-admin", Role::kUnitAdmin, 5, "10.0.0.9"};
  auto missing = accounts_->AddUser(unit_admin, {"ghost", kPassword, Role::kVolunteer, 999999});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kForbidden);
  auto street = accounts_->AddUser(unit_admin, {"street", kPassword, Role::kStreetCoordinator, 1});
  ASSERT_FALSE(street.ok());
  EXPECT_EQ(street.error().code, ErrorCode::kForbidden);
  // The city administrator, who may create any account, is told the scope is unknown.
  auto city = accounts_->AddUser(Actor::System(), {"ghost", kPassword, Role::kVolunteer, 999999});
  ASSERT_FALSE(city.ok());
  EXPECT_EQ(city.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(city.error().field, "scope_id");
}

TEST_P(AccountsTest, CachedSessionEndsAtLogout) {
  std::string token = Login();
  ASSERT_TRUE(accounts_->Authenticate(token, "10.0.0.1").ok());
  ASSERT_TRUE(accounts_->Authenticate(token, "10.0.0.2").ok());  // from the cache
  ASSERT_TRUE(accounts_->Logout(token, accounts_->Authenticate(token, "a")->actor).ok());
  auto after = accounts_->Authenticate(token, "10.0.0.1");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(AccountsTest, CachedSessionCarriesTheCallersAddress) {
  std::string token = Login();
  ASSERT_EQ(accounts_->Authenticate(token, "10.0.0.1")->actor.address, "10.0.0.1");
  EXPECT_EQ(accounts_->Authenticate(token, "10.0.0.9")->actor.address, "10.0.0.9");
}

TEST_P(AccountsTest, CachedSessionStillExpires) {
  std::string token = Login();
  ASSERT_TRUE(accounts_->Authenticate(token, "a").ok());
  clock_.Advance(accounts_->options().idle_timeout + std::chrono::seconds(1));
  EXPECT_FALSE(accounts_->Authenticate(token, "a").ok());  // idle, although cached a moment ago

  std::string second = Login();
  for (int i = 0; i < 12 * 6; ++i) {  // used every 10 minutes: never idle
    ASSERT_TRUE(accounts_->Authenticate(second, "a").ok()) << i;
    clock_.Advance(std::chrono::minutes(10));
  }
  EXPECT_FALSE(accounts_->Authenticate(second, "a").ok());  // past the absolute limit
}

TEST_P(AccountsTest, RefreshedIdleExpiryIsStored) {
  std::string token = Login();
  clock_.Advance(std::chrono::minutes(20));
  ASSERT_TRUE(accounts_->Authenticate(token, "a").ok());  // writes last_seen
  // Another process (a second Accounts, no shared cache) sees the refreshed expiry.
  Accounts other(*store_, clock_);
  clock_.Advance(std::chrono::minutes(20));
  EXPECT_TRUE(other.Authenticate(token, "a").ok());
}

TEST_P(AccountsTest, LogoutInAnotherProcessEndsTheSessionWithinTheCacheDelay) {
  AccountOptions options;
  options.session_cache_ttl = std::chrono::milliseconds(50);
  Accounts here(*store_, clock_, options);
  Accounts there(*store_, clock_, options);
  std::string token = Login();
  ASSERT_TRUE(here.Authenticate(token, "a").ok());
  ASSERT_TRUE(there.Logout(token, Actor::System()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_FALSE(here.Authenticate(token, "a").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

}  // namespace
}  // namespace muster::app
