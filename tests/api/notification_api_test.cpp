// The notification routes over real HTTP: each person's inbox and nobody else's, the city
// administrator's webhooks and their delivery records, and the live event stream.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api_fixture.h"
#include "app/outbox.h"
#include "notify/deliverer.h"
#include "notify/event_tail.h"

namespace muster::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A transport that answers every POST with one status, without a network.
class FixedTransport final : public notify::Transport {
 public:
  explicit FixedTransport(int status) : status_(status) {}
  std::vector<notify::PostResult> PostAll(const std::vector<notify::PostRequest>& r) override {
    posts += static_cast<int>(r.size());
    return std::vector<notify::PostResult>(r.size(), {status_, "answered HTTP 500", {}});
  }
  int posts = 0;

 private:
  int status_;
};

class NotificationApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    AddUser("vol1", app::Role::kVolunteer, member_[1]);
    AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    vol0_ = Login("vol0");
    vol1_ = Login("vol1");
    street0_ = Login("street0");
    unit0_ = Login("unit0");
  }

  std::int64_t AccountId(const std::string& username) {
    return store_->Read([&](store::Transaction& tx) {
      return tx.QueryInt("SELECT id FROM users WHERE username = ?", {username});
    })->value_or(0);
  }

  // Writes a notification as a use case would; returns its id.
  std::int64_t Notify(std::optional<std::int64_t> member, std::optional<std::int64_t> user,
                      const std::string& title = "通知") {
    auto id = store_->Write([&](store::Transaction& tx) -> Result<std::int64_t> {
      app::Notification n;
      if (member) n.member = MemberId(*member);
      if (user) n.user = UserId(*user);
      n.kind = "call";
      n.title = title;
      n.body = "正文";
      n.payload = R"({"request_id": 1})";
      MUSTER_TRY(app::Notify(tx, clock_.Now(), n));
      MUSTER_ASSIGN(auto last, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
      return last.value_or(0);
    });
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }

  std::vector<std::int64_t> Ids(const Reply& r) {
    std::vector<std::int64_t> ids;
    for (const json& item : r.body["items"]) ids.push_back(item["id"].get<std::int64_t>());
    return ids;
  }

  std::int64_t Unread(const std::string& token) {
    Reply r = Call("GET", "/api/v1/notifications/unread-count", token);
    EXPECT_EQ(r.status, 200);
    return r.body.value("unread", std::int64_t{-1});
  }

  std::string vol0_, vol1_, street0_, unit0_;
};

TEST_F(NotificationApiTest, EachPersonReadsOnlyHisOwnNotifications) {
  std::int64_t a = Notify(member_[0], std::nullopt);
  std::int64_t b = Notify(member_[1], std::nullopt);
  std::int64_t c = Notify(member_[0], std::nullopt);
  std::int64_t d = Notify(std::nullopt, AccountId("street0"));

  Reply mine = Call("GET", "/api/v1/notifications", vol0_);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(Ids(mine), std::vector<std::int64_t>({c, a})) << "newest first";
  EXPECT_EQ(mine.body["items"][0]["payload"]["request_id"], 1);
  EXPECT_EQ(mine.body["items"][0]["read_at"], nullptr);
  EXPECT_EQ(mine.body["items"][0]["created_at"], "2022-01-12T08:00:00+08:00");
  EXPECT_EQ(Ids(Call("GET", "/api/v1/notifications", vol1_)), std::vector<std::int64_t>({b}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/notifications", street0_)), std::vector<std::int64_t>({d}));
  EXPECT_TRUE(Ids(Call("GET", "/api/v1/notifications", admin_)).empty());
  EXPECT_TRUE(Ids(Call("GET", "/api/v1/notifications", unit0_)).empty())
      << "a unit administrator does not read his members' notifications";
  EXPECT_EQ(Unread(vol0_), 2);
  EXPECT_EQ(Unread(street0_), 1);

  auto counts = TableCounts();
  EXPECT_EQ(Call("POST", "/api/v1/notifications/" + std::to_string(b) + "/read", vol0_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/notifications/" + std::to_string(d) + "/read", vol0_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/notifications/99999/read", vol0_).status, 404);
  EXPECT_EQ(Unread(vol1_), 1) << "another's notification stays unread";
  EXPECT_EQ(TableCounts(), counts);

  Reply read = Call("POST", "/api/v1/notifications/" + std::to_string(a) + "/read", vol0_);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["read_at"], "2022-01-12T08:00:00+08:00");
  clock_.Advance(60s);
  Reply again = Call("POST", "/api/v1/notifications/" + std::to_string(a) + "/read", vol0_);
  EXPECT_EQ(again.body["read_at"], read.body["read_at"]) << "the first reading counts";
  EXPECT_EQ(Unread(vol0_), 1);
  EXPECT_EQ(Ids(Call("GET", "/api/v1/notifications?unread=true", vol0_)),
            std::vector<std::int64_t>({c}));
  EXPECT_EQ(Call("GET", "/api/v1/notifications?unread=maybe", vol0_).status, 400);

  Reply all = Call("POST", "/api/v1/notifications/read-all", vol0_);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["marked"], 1);
  EXPECT_EQ(Unread(vol0_), 0);
  EXPECT_EQ(Unread(vol1_), 1);
  EXPECT_EQ(Unread(street0_), 1);
}

TEST_F(NotificationApiTest, ListsPageNewestFirst) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Notify(member_[0], std::nullopt));
  Reply first = Call("GET", "/api/v1/notifications?limit=2", vol0_);
  EXPECT_EQ(Ids(first), std::vector<std::int64_t>({ids[4], ids[3]}));
  ASSERT_TRUE(first.body["next"].is_string());
  Reply second = Call("GET", "/api/v1/notifications?limit=2&cursor=" +
                                 first.body["next"].get<std::string>(), vol0_);
  EXPECT_EQ(Ids(second), std::vector<std::int64_t>({ids[2], ids[1]}));
  Reply last = Call("GET", "/api/v1/notifications?limit=2&cursor=" +
                               second.body["next"].get<std::string>(), vol0_);
  EXPECT_EQ(Ids(last), std::vector<std::int64_t>({ids[0]}));
  EXPECT_EQ(last.body["next"], nullptr);
}

TEST_F(NotificationApiTest, WebhooksBelongToTheCityAdministrator) {
  json hook = {{"name", "短信网关"}, {"url", "https://sms.example.cn/muster"}, {"kinds", {"call", "promoted"}},
               {"include_personal_data", true}};
  auto counts = TableCounts();
  for (const std::string& token : {unit0_, street0_, vol0_}) {
    EXPECT_EQ(Call("POST", "/api/v1/webhooks", token, hook).status, 403);
    EXPECT_EQ(Call("GET", "/api/v1/webhooks", token).status, 403);
  }
  EXPECT_EQ(TableCounts(), counts);

  Reply created = Call("POST", "/api/v1/webhooks", admin_, hook);
  ASSERT_EQ(created.status, 201) << created.raw.body;
  EXPECT_EQ(created.body["kinds"], json({"call", "promoted"}));
  EXPECT_EQ(created.body["format"], "muster");
  EXPECT_EQ(created.body["include_personal_data"], true);
  EXPECT_EQ(created.body["active"], true);
  ASSERT_TRUE(created.body["secret"].is_string());
  EXPECT_GE(created.body["secret"].get<std::string>().size(), 40u) << "generated when not given";
  std::string id = std::to_string(created.body["id"].get<std::int64_t>());

  Reply list = Call("GET", "/api/v1/webhooks", admin_);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_FALSE(list.body["items"][0].contains("secret")) << "the secret is shown once";

  EXPECT_EQ(Call("POST", "/api/v1/webhooks/" + id + "/disable", unit0_).status, 403);
  Reply disabled = Call("POST", "/api/v1/webhooks/" + id + "/disable", admin_);
  ASSERT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.body["active"], false);
  EXPECT_EQ(Call("POST", "/api/v1/webhooks/9999/disable", admin_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/webhooks/" + id + "/deliveries", vol0_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/webhooks/9999/deliveries", admin_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/webhooks/" + id + "/deliveries?status=lost", admin_).status, 400);
}

TEST_F(NotificationApiTest, WebhookInputIsValidatedNamingTheField) {
  auto refused = [&](json body, const std::string& field) {
    if (!body.contains("name")) body["name"] = "机器人";
    Reply r = Call("POST", "/api/v1/webhooks", admin_, body);
    EXPECT_EQ(r.status, 422) << body.dump();
    EXPECT_EQ(r.body["error"]["field"], field) << r.raw.body;
  };
  auto counts = TableCounts();
  refused({{"url", "ftp://example.cn/x"}}, "url");
  refused({{"url", "https://"}}, "url");
  refused({{"url", "https://user:pw@example.cn/"}}, "url");
  refused({{"url", "https://example.cn:70000/"}}, "url");
  refused({{"url", "https://exa mple.cn/"}}, "url");
  refused({{"url", "http://sms.example.cn/"}, {"include_personal_data", true}}, "include_personal_data");
  refused({{"url", "https://example.cn/"}, {"kinds", {"Call!"}}}, "kinds[0]");
  refused({{"url", "https://example.cn/"}, {"format", "xml"}}, "format");
  refused({{"url", "https://example.cn/"}, {"secret", "short"}}, "secret");
  refused({{"url", "https://example.cn/"}, {"colour", "red"}}, "colour");
  refused({{"url", "https://example.cn/"}, {"name", ""}}, "name");
  EXPECT_EQ(TableCounts(), counts);
  Reply chat = Call("POST", "/api/v1/webhooks", admin_,
                    json{{"name", "企业微信群"},
                     {"url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"},
                     {"format", "chat_text"},
                     {"secret", "0123456789abcdef"}});
  EXPECT_EQ(chat.status, 201) << chat.raw.body;
  EXPECT_EQ(chat.body["secret"], "0123456789abcdef");
  EXPECT_EQ(chat.body["kinds"], json::array());
  Reply local = Call("POST", "/api/v1/webhooks", admin_,
                     json{{"name", "本机短信网关"}, {"url", "http://127.0.0.1:9000/sms"},
                      {"include_personal_data", true}});
  EXPECT_EQ(local.status, 201) << "personal data may go to this machine over http";
}

TEST_F(NotificationApiTest, DeliveryRecordsShowEachAttempt) {
  Reply created = Call("POST", "/api/v1/webhooks", admin_,
                       json{{"name", "接收端"}, {"url", "https://hooks.example.cn/in"}});
  ASSERT_EQ(created.status, 201);
  std::string id = std::to_string(created.body["id"].get<std::int64_t>());
  std::int64_t n = Notify(member_[0], std::nullopt);
  FixedTransport transport(500);
  notify::Deliverer deliverer(*store_, keys_, clock_, transport);
  ASSERT_TRUE(deliverer.RunOnce().ok());
  EXPECT_EQ(transport.posts, 1);

  Reply list = Call("GET", "/api/v1/webhooks/" + id + "/deliveries", admin_);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  const json& d = list.body["items"][0];
  EXPECT_EQ(d["notification_id"], n);
  EXPECT_EQ(d["kind"], "call");
  EXPECT_EQ(d["status"], "pending");
  EXPECT_EQ(d["attempts"], 1);
  EXPECT_EQ(d["last_status"], 500);
  EXPECT_EQ(d["last_error"], "answered HTTP 500");
  EXPECT_EQ(d["next_attempt_at"], "2022-01-12T08:00:10+08:00");
  EXPECT_EQ(Call("GET", "/api/v1/webhooks/" + id + "/deliveries?status=delivered", admin_)
                .body["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/webhooks/" + id + "/deliveries?status=pending", admin_)
                .body["items"].size(), 1u);

  ASSERT_EQ(Call("POST", "/api/v1/webhooks/" + id + "/disable", admin_).status, 200);
  Reply after = Call("GET", "/api/v1/webhooks/" + id + "/deliveries", admin_);
  EXPECT_EQ(after.body["items"][0]["status"], "failed");
  EXPECT_EQ(after.body["items"][0]["next_attempt_at"], nullptr);
}

TEST_F(NotificationApiTest, EventStreamCarriesLiveEventsAndOnlyTheReadersNotifications) {
  notify::EventTail tail(*store_, clock_, [&](const notify::LiveEvent& e) {
    events_.Publish({e.kind, e.payload, e.topic});
  });
  ASSERT_TRUE(tail.PollOnce().ok());  // starts after what exists

  EXPECT_EQ(Call("GET", "/api/v1/events", "").status, 401);
  http::testing::TestClient client(server_->port());
  auto head = client.Call("GET", "/api/v1/events", "", {{"Authorization", "Bearer " + vol0_}});
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->Header("Content-Type")->starts_with("text/event-stream"));

  ASSERT_TRUE(store_->Write([&](store::Transaction& tx) {
    return app::PublishEvent(tx, clock_.Now(), "signup", R"({"shift_id":1})");
  }).ok());
  Notify(member_[1], std::nullopt, "给成员一");
  Notify(member_[0], std::nullopt, "给成员零");
  Notify(std::nullopt, AccountId("street0"), "给街道");
  ASSERT_TRUE(tail.PollOnce().ok());
  ASSERT_TRUE(store_->Write([&](store::Transaction& tx) {
    return app::PublishEvent(tx, clock_.Now(), "stats_changed");
  }).ok());
  ASSERT_TRUE(tail.PollOnce().ok());

  auto text = client.ReadUntil("event: stats_changed");
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("给成员零"), std::string::npos) << *text;
  EXPECT_NE(text->find("event: signup\ndata: {\"shift_id\":1}"), std::string::npos) << *text;
  EXPECT_NE(text->find("event: notification"), std::string::npos);
  EXPECT_EQ(text->find("给成员一"), std::string::npos) << "another volunteer's notification";
  EXPECT_EQ(text->find("给街道"), std::string::npos);
}

// A logout ends the live pages of its session, at once in the process that served it and, through
// the outbox, in every other; the streams of other sessions stay open, and the ending itself is
// never sent to a page.
TEST_F(NotificationApiTest, LogoutEndsTheSessionsEventStreams) {
  notify::EventTail tail(*store_, clock_, [&](const notify::LiveEvent& e) {
    DeliverLiveEvent(events_, e.kind, e.payload, e.topic);
  });
  ASSERT_TRUE(tail.PollOnce().ok());
  auto open = [&](const std::string& token) {
    auto client = std::make_unique<http::testing::TestClient>(server_->port());
    auto head = client->Call("GET", "/api/v1/events", "", {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(head.has_value() && head->status == 200);
    return client;
  };
  auto mine = open(vol0_);
  auto also_mine = open(vol0_);
  auto others = open(vol1_);
  auto street = open(street0_);
  EXPECT_EQ(events_.subscriber_count(), 4u);

  // Through the route: this process closes the session's streams at once.
  EXPECT_EQ(Call("DELETE", "/api/v1/session", vol0_).status, 200);
  EXPECT_TRUE(mine->WaitClosed(std::chrono::seconds(3)));
  EXPECT_TRUE(also_mine->WaitClosed(std::chrono::seconds(3)));

  // As another process would: the logout's outbox event reaches this process's tail.
  auto session = accounts_->Authenticate(vol1_, "127.0.0.1");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(accounts_->Logout(vol1_, session->actor).ok());
  ASSERT_TRUE(tail.PollOnce().ok());
  EXPECT_TRUE(others->WaitClosed(std::chrono::seconds(3)));

  ASSERT_TRUE(store_->Write([&](store::Transaction& tx) {
    return app::PublishEvent(tx, clock_.Now(), "stats_changed");
  }).ok());
  ASSERT_TRUE(tail.PollOnce().ok());
  auto text = street->ReadUntil("event: stats_changed");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->find("session_ended"), std::string::npos) << *text;
  EXPECT_EQ(events_.subscriber_count(), 1u);
}

}  // namespace
}  // namespace muster::api
