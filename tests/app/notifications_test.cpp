// The notification use cases without HTTP, over both backends: whose notification is whose,
// webhook rules, and the URL checks.
#include "app/notifications.h"

#include <gtest/gtest.h>

#include "app/outbox.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class NotificationsTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    auto ids = store_->Write([&](store::Transaction& tx) -> Result<std::vector<std::int64_t>> {
      MUSTER_ASSIGN(auto unit, tx.InsertReturningId(
          "INSERT INTO units (name, kind) VALUES ('单位', 'agency') RETURNING id", {}));
      std::vector<std::int64_t> out;
      for (const char* phone : {"13812345670", "13812345671"}) {
        MUSTER_ASSIGN(auto m, tx.InsertReturningId(
            "INSERT INTO members (name, phone, unit_id, party_member, created_at) "
            "VALUES ('成员', ?, ?, 0, 0) RETURNING id", {std::string(phone), unit}));
        out.push_back(m);
      }
      for (const char* name : {"vol0", "coordinator"}) {
        MUSTER_ASSIGN(auto u, tx.InsertReturningId(
            "INSERT INTO users (username, password_hash, role, scope_id, created_at) "
            "VALUES (?, 'x', 'volunteer', NULL, 0) RETURNING id", {std::string(name)}));
        out.push_back(u);
      }
      return out;
    });
    ASSERT_TRUE(ids.ok()) << ids.error().ToString();
    member0_ = MemberId((*ids)[0]);
    member1_ = MemberId((*ids)[1]);
    vol0_ = Actor{UserId((*ids)[2]), "vol0", Role::kVolunteer, member0_.value, "test"};
    coordinator_ = Actor{UserId((*ids)[3]), "coordinator", Role::kStreetCoordinator, 1, "test"};
  }

  NotificationId Notify(std::optional<MemberId> member, std::optional<UserId> user) {
    auto id = store_->Write([&](store::Transaction& tx) -> Result<std::int64_t> {
      MUSTER_TRY(app::Notify(tx, clock_.Now(), {member, user, "call", "召集令", "正文", "{}"}));
      MUSTER_ASSIGN(auto last, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
      return last.value_or(0);
    });
    EXPECT_TRUE(id.ok());
    return NotificationId(id.ok() ? *id : 0);
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{FromUnixSeconds(1641945600)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Notifications> notes_;
  MemberId member0_, member1_;
  Actor vol0_, coordinator_;
  Notifications& notes() {
    if (!notes_) notes_ = std::make_unique<Notifications>(*store_, keys_, clock_);
    return *notes_;
  }
};

TEST_P(NotificationsTest, AVolunteerOwnsHisMembersNotificationsAndAnAccountItsOwn) {
  NotificationId mine = Notify(member0_, std::nullopt);
  NotificationId other = Notify(member1_, std::nullopt);
  NotificationId coord = Notify(std::nullopt, coordinator_.user_id);
  auto list = notes().ListMine(vol0_, {0, 100}, false);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, mine);
  EXPECT_EQ(notes().MarkRead(vol0_, other).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(notes().MarkRead(vol0_, coord).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*notes().UnreadCount(coordinator_), 1);
  // A coordinator whose scope id happens to equal a member id owns nothing of that member.
  Actor same_number = coordinator_;
  same_number.scope_id = member0_.value;
  EXPECT_EQ(*notes().UnreadCount(same_number), 1);
  EXPECT_EQ(*notes().MarkAllRead(vol0_), 1);
  EXPECT_EQ(*notes().UnreadCount(vol0_), 0);
  EXPECT_EQ(*notes().UnreadCount(Actor::System()), 0);
}

TEST_P(NotificationsTest, WebhooksNeedTheCityAdministratorAndStartAfterExistingNotifications) {
  NewWebhook in{"机器人", "https://hooks.example.cn/x", {"call", "call"}, WebhookFormat::kMuster,
                false, std::nullopt};
  EXPECT_EQ(notes().CreateWebhook(coordinator_, in).error().code, ErrorCode::kForbidden);
  NotificationId before = Notify(member0_, std::nullopt);
  auto created = notes().CreateWebhook(Actor::System(), in);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_EQ(created->webhook.after, before);
  EXPECT_EQ(created->webhook.kinds, std::vector<std::string>({"call"})) << "duplicates dropped";
  EXPECT_EQ(created->secret.size(), 43u);
  EXPECT_TRUE(created->webhook.Accepts("call"));
  EXPECT_FALSE(created->webhook.Accepts("promoted"));
  std::string sealed = *store_->Read([](store::Transaction& tx) -> Result<std::string> {
    std::string s;
    MUSTER_TRY(tx.Query("SELECT secret_sealed FROM webhooks", [&](const store::Row& r) {
      s = r.String(0);
      return Ok();
    }));
    return s;
  });
  EXPECT_EQ(sealed.find(created->secret), std::string::npos) << "the secret rests sealed";
  EXPECT_EQ(*keys_.Open(sealed), created->secret);
  auto disabled = notes().DisableWebhook(Actor::System(), created->webhook.id);
  ASSERT_TRUE(disabled.ok());
  clock_.Advance(std::chrono::seconds(60));
  auto again = notes().DisableWebhook(Actor::System(), created->webhook.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->disabled_at, disabled->disabled_at) << "idempotent";
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) {
                           return muster::testing::BackendName(param_info.param);
                         });

TEST(ValidateWebhookUrl, AcceptsHttpAndHttpsUrls) {
  for (const char* url : {"https://example.cn", "http://127.0.0.1:8080/in", "HTTPS://Example.CN/a?b=c",
                          "https://[::1]:9000/x", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1-2",
                          "http://sms-gw.internal:65535/"}) {
    EXPECT_TRUE(ValidateWebhookUrl(url).ok()) << url;
  }
}

TEST(ValidateWebhookUrl, RefusesWhatIsNotAPlainHttpUrl) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "url_missing"},
      {"ftp://example.cn/", "url_scheme"},
      {"example.cn/hook", "url_scheme"},
      {"https://", "url_host"},
      {"https:///path", "url_host"},
      {"https://a b.cn/", "url_characters"},
      {"https://例子.中国/", "url_characters"},
      {"https://example.cn/\n", "url_characters"},
      {"https://user:pass@example.cn/", "url_credentials"},
      {"https://example.cn/#frag", "url_fragment"},
      {"https://example.cn:/", "url_port"},
      {"https://example.cn:0/", "url_port"},
      {"https://example.cn:65536/", "url_port"},
      {"https://example.cn:80a/", "url_port"},
      {"https://[::1/", "url_host"},
      {"https://[]/", "url_host"},
      {"https://[::1]x/", "url_host"},
      {"https://exa_mple.cn/", "url_host"},
  };
  for (const auto& [url, reason] : cases) {
    Status s = ValidateWebhookUrl(url, "url");
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.error().field, "url") << url;
    EXPECT_EQ(s.error().reason, reason) << url;
  }
  EXPECT_FALSE(ValidateWebhookUrl("https://example.cn/" + std::string(2048, 'a')).ok());
}

TEST(ParseKinds, ReadsAStoredFilter) {
  EXPECT_EQ(ParseKinds(R"(["call","promoted"])"), std::vector<std::string>({"call", "promoted"}));
  EXPECT_TRUE(ParseKinds("[]").empty());
  EXPECT_TRUE(ParseKinds("not json").empty());
}

}  // namespace
}  // namespace muster::app
