// Webhook delivery against a real HTTP receiver on 127.0.0.1, over SQLite and PostgreSQL, with a
// fake clock: retries with backoff while the receiver is down, exactly one delivery once it is
// up, signatures, the kinds filter, restarts, late commits and two processes sharing a database.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "app/notifications.h"
#include "app/outbox.h"
#include "notify/deliverer.h"
#include "notify/receiver.h"
#include "notify/signature.h"
#include "support/test_store.h"

namespace muster::notify {
namespace {

using nlohmann::json;
using testing::Received;
using testing::Receiver;
using namespace std::chrono_literals;

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kSecret = "a shared secret of the receiver";

CurlTransport::Options Hermetic() {
  CurlTransport::Options o;
  o.connect_timeout = 2000ms;
  o.total_timeout = 5000ms;
  o.proxy = "";
  return o;
}

class DelivererTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    notifications_ = std::make_unique<app::Notifications>(*store_, keys_, clock_);
    auto ids = store_->Write([&](store::Transaction& tx) -> Result<std::pair<std::int64_t, std::int64_t>> {
      MUSTER_ASSIGN(auto unit, tx.InsertReturningId(
          "INSERT INTO units (name, kind) VALUES ('单位', 'agency') RETURNING id", {}));
      MUSTER_ASSIGN(auto member, tx.InsertReturningId(
          "INSERT INTO members (name, phone, unit_id, party_member, created_at) "
          "VALUES ('张三', '13812345678', ?, 1, 0) RETURNING id", {unit}));
      MUSTER_ASSIGN(auto user, tx.InsertReturningId(
          "INSERT INTO users (username, password_hash, role, scope_id, created_at) "
          "VALUES ('street0', 'x', 'street_coordinator', NULL, 0) RETURNING id", {}));
      return std::make_pair(member, user);
    });
    ASSERT_TRUE(ids.ok()) << ids.error().ToString();
    member_ = MemberId(ids->first);
    user_ = UserId(ids->second);
  }

  app::WebhookId AddWebhook(const std::string& url, std::vector<std::string> kinds = {},
                            bool personal = false,
                            app::WebhookFormat format = app::WebhookFormat::kMuster) {
    app::NewWebhook in{"接收端", url, std::move(kinds), format, personal, std::string(kSecret)};
    auto created = notifications_->CreateWebhook(app::Actor::System(), in);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    return created.ok() ? created->webhook.id : app::WebhookId();
  }

  // Writes a notification the way a use case does; returns its id.
  std::int64_t Notify(const std::string& kind, bool to_member = true) {
    auto id = store_->Write([&](store::Transaction& tx) -> Result<std::int64_t> {
      app::Notification n;
      if (to_member) n.member = member_; else n.user = user_;
      n.kind = kind;
      n.title = "标题 " + kind;
      n.body = "正文";
      n.payload = R"({"shift_id": 7})";
      MUSTER_TRY(app::Notify(tx, clock_.Now(), n));
      MUSTER_ASSIGN(auto last, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
      return last.value_or(0);
    });
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }

  // Writes a notification with a chosen id, as a transaction that took its id earlier and
  // commits now would.
  void NotifyWithId(std::int64_t id) {
    auto s = store_->Write([&](store::Transaction& tx) -> Status {
      MUSTER_TRY(tx.Exec("INSERT INTO notifications (id, user_id, kind, title, body, payload, "
                         "created_at) VALUES (?, ?, 'call', 't', 'b', '{}', ?)",
                         {id, user_.value, UnixSeconds(clock_.Now())}));
      return Ok();
    });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  std::vector<app::Delivery> Deliveries(app::WebhookId hook) {
    auto d = notifications_->ListDeliveries(app::Actor::System(), hook, std::nullopt, {0, 500});
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : std::vector<app::Delivery>{};
  }

  std::int64_t Cursor() {
    return store_->Read([](store::Transaction& tx) {
      return tx.QueryInt("SELECT position FROM outbox_cursors WHERE name = 'webhook_fanout'", {});
    })->value_or(-1);
  }

  DeliveryPass Pass(Deliverer& d) {
    auto p = d.RunOnce();
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? *p : DeliveryPass{};
  }

  static std::multiset<std::int64_t> DeliveredIds(const std::vector<Received>& got) {
    std::multiset<std::int64_t> ids;
    for (const Received& r : got) {
      if (r.answered / 100 == 2) ids.insert(json::parse(r.body)["notification"]["id"].get<std::int64_t>());
    }
    return ids;
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{FromUnixSeconds(1641945600)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Notifications> notifications_;
  CurlTransport transport_{Hermetic()};
  MemberId member_;
  UserId user_;
};

TEST_P(DelivererTest, DownReceiverDelaysDeliveryAndLosesNothing) {
  Receiver receiver;
  app::WebhookId hook = AddWebhook(receiver.url());
  std::set<std::int64_t> sent = {Notify("call"), Notify("promoted"), Notify("assigned", false)};
  Deliverer d(*store_, keys_, clock_, transport_);

  DeliveryPass first = Pass(d);
  EXPECT_EQ(first.fanned_out, 3);
  EXPECT_EQ(first.attempted, 3);
  EXPECT_EQ(first.retrying, 3);
  for (const app::Delivery& x : Deliveries(hook)) {
    EXPECT_EQ(x.status, app::DeliveryStatus::kPending);
    EXPECT_EQ(x.attempts, 1);
    EXPECT_FALSE(x.last_error.empty());
    EXPECT_FALSE(x.last_status.has_value());
    EXPECT_EQ(x.next_attempt_at, clock_.Now() + 10s);
  }
  EXPECT_EQ(Pass(d).attempted, 0) << "nothing is due before the backoff ends";

  clock_.Advance(10s);
  EXPECT_EQ(Pass(d).retrying, 3);
  for (const app::Delivery& x : Deliveries(hook)) {
    EXPECT_EQ(x.attempts, 2);
    EXPECT_EQ(x.next_attempt_at, clock_.Now() + 20s) << "the wait doubles";
  }
  clock_.Advance(19s);
  EXPECT_EQ(Pass(d).attempted, 0);

  receiver.Up();
  clock_.Advance(1s);
  DeliveryPass up = Pass(d);
  EXPECT_EQ(up.delivered, 3);
  clock_.Advance(24h);
  EXPECT_EQ(Pass(d).attempted, 0);

  std::vector<Received> got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  std::multiset<std::int64_t> ids = DeliveredIds(got);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()), sent);
  EXPECT_EQ(ids.size(), 3u);
  for (const Received& r : got) {
    EXPECT_EQ(r.headers.at("x-muster-attempt"), "3");
    EXPECT_EQ(json::parse(r.body)["attempt"], 3);
  }
  for (const app::Delivery& x : Deliveries(hook)) {
    EXPECT_EQ(x.status, app::DeliveryStatus::kDelivered);
    EXPECT_EQ(x.attempts, 3);
    EXPECT_EQ(x.last_status, 200);
    EXPECT_EQ(x.delivered_at, clock_.Now() - 24h);
    EXPECT_TRUE(x.last_error.empty());
  }
}

TEST_P(DelivererTest, BodyIsSignedWithTheWebhookSecret) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url());
  std::int64_t id = Notify("call");
  Deliverer d(*store_, keys_, clock_, transport_);
  EXPECT_EQ(Pass(d).delivered, 1);
  ASSERT_EQ(receiver.received().size(), 1u);
  Received r = receiver.received()[0];
  std::int64_t ts = std::stoll(r.headers.at("x-muster-timestamp"));
  EXPECT_EQ(ts, UnixSeconds(clock_.Now()));
  std::string signature = r.headers.at("x-muster-signature");
  EXPECT_TRUE(signature.starts_with("sha256="));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, ts, r.body, signature));
  EXPECT_FALSE(VerifyWebhookSignature("another secret of the kind", ts, r.body, signature));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, ts + 1, r.body, signature));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, ts, r.body + " ", signature));
  EXPECT_EQ(r.headers.at("x-muster-event"), "call");
  EXPECT_TRUE(r.headers.at("content-type").starts_with("application/json"));
  json body = json::parse(r.body);
  EXPECT_EQ(body["notification"]["id"], id);
  EXPECT_EQ(body["notification"]["title"], "标题 call");
  EXPECT_EQ(body["notification"]["payload"]["shift_id"], 7);
  EXPECT_EQ(body["recipient"]["member_id"], member_.value);
  EXPECT_FALSE(body["recipient"].contains("phone")) << "no personal data unless configured";
  EXPECT_FALSE(body["recipient"].contains("name"));
  EXPECT_EQ(r.headers.at("x-muster-delivery"), std::to_string(body["delivery_id"].get<std::int64_t>()));
}

TEST_P(DelivererTest, PersonalDataOnlyForWebhooksConfiguredForIt) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url("/sms"), {}, /*personal=*/true);
  AddWebhook(receiver.url("/chat"), {}, false, app::WebhookFormat::kChatText);
  Notify("call");
  Deliverer d(*store_, keys_, clock_, transport_);
  EXPECT_EQ(Pass(d).delivered, 2);
  for (const Received& r : receiver.received()) {
    json body = json::parse(r.body);
    if (r.target == "/sms") {
      EXPECT_EQ(body["recipient"]["phone"], "13812345678");
      EXPECT_EQ(body["recipient"]["name"], "张三");
    } else {
      EXPECT_EQ(body, json({{"msgtype", "text"}, {"text", {{"content", "标题 call\n正文"}}}}));
    }
  }
}

TEST_P(DelivererTest, KindsFilterChoosesWhatEachWebhookGets) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url("/calls"), {"call"});
  AddWebhook(receiver.url("/all"));
  std::int64_t call = Notify("call");
  std::int64_t promoted = Notify("promoted");
  Deliverer d(*store_, keys_, clock_, transport_);
  EXPECT_EQ(Pass(d).delivered, 3);
  std::map<std::string, std::set<std::int64_t>> by_target;
  for (const Received& r : receiver.received()) {
    by_target[r.target].insert(json::parse(r.body)["notification"]["id"].get<std::int64_t>());
  }
  EXPECT_EQ(by_target["/calls"], std::set<std::int64_t>({call}));
  EXPECT_EQ(by_target["/all"], std::set<std::int64_t>({call, promoted}));
}

TEST_P(DelivererTest, GivesUpAfterTheLastAttemptAndRecordsIt) {
  Receiver receiver;
  receiver.Up();
  receiver.Answer(503, 120);
  app::WebhookId hook = AddWebhook(receiver.url());
  Notify("call");
  DelivererOptions o;
  o.max_attempts = 3;
  Deliverer d(*store_, keys_, clock_, transport_, o);
  EXPECT_EQ(Pass(d).retrying, 1);
  std::vector<app::Delivery> rec = Deliveries(hook);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].last_status, 503);
  EXPECT_EQ(rec[0].next_attempt_at, clock_.Now() + 120s) << "Retry-After lengthens the wait";
  clock_.Advance(120s);
  EXPECT_EQ(Pass(d).retrying, 1);
  clock_.Advance(120s);
  EXPECT_EQ(Pass(d).failed, 1);
  clock_.Advance(24h);
  EXPECT_EQ(Pass(d).attempted, 0);
  rec = Deliveries(hook);
  EXPECT_EQ(rec[0].status, app::DeliveryStatus::kFailed);
  EXPECT_EQ(rec[0].attempts, 3);
  EXPECT_EQ(receiver.received().size(), 3u);
  auto failed = notifications_->ListDeliveries(app::Actor::System(), hook,
                                               app::DeliveryStatus::kFailed, {0, 10});
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->size(), 1u);
}

TEST_P(DelivererTest, ARestartedProcessResumesFromTheDatabase) {
  Receiver receiver;
  app::WebhookId hook = AddWebhook(receiver.url());
  std::int64_t a = Notify("call");
  {
    Deliverer first(*store_, keys_, clock_, transport_);
    EXPECT_EQ(Pass(first).retrying, 1);
  }
  std::int64_t b = Notify("call");
  auto reopened = muster::testing::ReopenLastStore(GetParam());
  Deliverer second(*reopened, keys_, clock_, transport_);
  receiver.Up();
  DeliveryPass p = Pass(second);
  EXPECT_EQ(p.fanned_out, 1) << "the first notification was fanned out before the restart";
  EXPECT_EQ(p.delivered, 1) << "the retry waits for its backoff";
  clock_.Advance(10s);
  EXPECT_EQ(Pass(second).delivered, 1);
  EXPECT_EQ(DeliveredIds(receiver.received()), std::multiset<std::int64_t>({a, b}));
  EXPECT_EQ(Deliveries(hook).size(), 2u);
  EXPECT_EQ(Cursor(), b);
}

TEST_P(DelivererTest, OnlyNewNotificationsReachANewWebhookAndNoneADisabledOne) {
  Receiver receiver;
  receiver.Up();
  Notify("call");
  Deliverer d(*store_, keys_, clock_, transport_);
  EXPECT_EQ(Pass(d).fanned_out, 0);
  app::WebhookId hook = AddWebhook(receiver.url());
  std::int64_t after = Notify("call");
  EXPECT_EQ(Pass(d).delivered, 1);
  EXPECT_EQ(DeliveredIds(receiver.received()), std::multiset<std::int64_t>({after}));

  receiver.Down();
  Notify("call");
  EXPECT_EQ(Pass(d).retrying, 1);
  ASSERT_TRUE(notifications_->DisableWebhook(app::Actor::System(), hook).ok());
  Notify("call");
  clock_.Advance(1h);
  DeliveryPass p = Pass(d);
  EXPECT_EQ(p.fanned_out, 0);
  EXPECT_EQ(p.attempted, 0);
  std::vector<app::Delivery> rec = Deliveries(hook);
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].status, app::DeliveryStatus::kFailed);
  EXPECT_EQ(rec[0].last_error, "webhook disabled");
}

// A transaction that took an id earlier but commits after a later one must still be delivered.
TEST_P(DelivererTest, LateCommitsAreNotSkipped) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url());
  std::int64_t base = Notify("call");
  DelivererOptions o;
  o.gap_grace = 60s;
  Deliverer d(*store_, keys_, clock_, transport_, o);
  EXPECT_EQ(Pass(d).delivered, 1);
  NotifyWithId(base + 3);  // base+1 and base+2 are still "in flight"
  EXPECT_EQ(Pass(d).delivered, 1);
  EXPECT_EQ(Cursor(), base) << "the cursor waits below the gap";
  NotifyWithId(base + 1);
  EXPECT_EQ(Pass(d).delivered, 1);
  EXPECT_EQ(Cursor(), base + 1);
  clock_.Advance(61s);  // base+2 rolled back: given up after the grace
  EXPECT_EQ(Pass(d).attempted, 0);
  EXPECT_EQ(Cursor(), base + 3);
  EXPECT_EQ(DeliveredIds(receiver.received()),
            std::multiset<std::int64_t>({base, base + 1, base + 3}));
}

TEST_P(DelivererTest, ABacklogDoesNotStarveOtherWebhooks) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url("/busy"), {"call"});
  AddWebhook(receiver.url("/quiet"), {"promoted"});
  for (int i = 0; i < 5; ++i) Notify("call");
  Notify("promoted");
  DelivererOptions o;
  o.claim_batch = 3;
  o.per_webhook_batch = 2;
  Deliverer d(*store_, keys_, clock_, transport_, o);
  DeliveryPass first = Pass(d);
  EXPECT_EQ(first.attempted, 3);
  EXPECT_TRUE(first.more_due);
  int quiet = 0;
  for (const Received& r : receiver.received()) quiet += r.target == "/quiet";
  EXPECT_EQ(quiet, 1) << "the quiet webhook is served in the first pass";
  EXPECT_EQ(Pass(d).attempted, 2);
  DeliveryPass last = Pass(d);
  EXPECT_EQ(last.attempted, 1);
  EXPECT_FALSE(last.more_due);
  EXPECT_EQ(receiver.received().size(), 6u);
}

// Two server processes on one database: each attempt is claimed by one of them.
TEST_P(DelivererTest, TwoProcessesDeliverEachNotificationOnce) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url());
  std::set<std::int64_t> sent;
  for (int i = 0; i < 60; ++i) sent.insert(Notify(i % 2 ? "call" : "promoted"));
  auto other_store = muster::testing::ReopenLastStore(GetParam());
  CurlTransport other_transport(Hermetic());
  DelivererOptions o;
  o.claim_batch = 8;
  Deliverer a(*store_, keys_, clock_, transport_, o);
  Deliverer b(*other_store, keys_, clock_, other_transport, o);
  std::atomic<int> attempted{0};
  auto run = [&](Deliverer& d) {
    for (int idle = 0; idle < 3;) {
      auto p = d.RunOnce();
      ASSERT_TRUE(p.ok()) << p.error().ToString();
      attempted += p->attempted;
      idle = p->attempted == 0 && p->fanned_out == 0 ? idle + 1 : 0;
    }
  };
  std::thread ta([&] { run(a); });
  std::thread tb([&] { run(b); });
  ta.join();
  tb.join();
  std::multiset<std::int64_t> ids = DeliveredIds(receiver.received());
  EXPECT_EQ(ids.size(), 60u);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()), sent);
  EXPECT_EQ(attempted.load(), 60);
}

TEST_P(DelivererTest, BackgroundThreadDeliversOnWake) {
  Receiver receiver;
  receiver.Up();
  AddWebhook(receiver.url());
  DelivererOptions o;
  o.poll_interval = 10min;
  Deliverer d(*store_, keys_, clock_, transport_, o);
  d.Start();
  std::this_thread::sleep_for(50ms);
  Notify("call");
  d.Wake();
  EXPECT_TRUE(receiver.WaitFor(1));
  d.Stop();
  d.Stop();
  EXPECT_EQ(receiver.received().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DelivererTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

TEST(Backoff, DoublesUpToTheCap) {
  DelivererOptions o;
  o.first_retry = 10s;
  o.max_backoff = 60s;
  EXPECT_EQ(Backoff(1, o), 10s);
  EXPECT_EQ(Backoff(2, o), 20s);
  EXPECT_EQ(Backoff(3, o), 40s);
  EXPECT_EQ(Backoff(4, o), 60s);
  EXPECT_EQ(Backoff(1000, o), 60s);
}

TEST(Signature, IsHmacSha256OfTimestampDotBody) {
  // Python: hmac.new(b"Jefe", b"12.what do ya want for nothing?", hashlib.sha256).hexdigest()
  std::string s = SignWebhook("Jefe", 12, "what do ya want for nothing?");
  EXPECT_EQ(s, "sha256=884f387af4fab053210fff358c2ae1ceb946a70c677f05c2b731ca65c7769498");
  EXPECT_TRUE(VerifyWebhookSignature("Jefe", 12, "what do ya want for nothing?", s));
  EXPECT_FALSE(VerifyWebhookSignature("Jefe", 1, "2.what do ya want for nothing?", s));
  EXPECT_FALSE(VerifyWebhookSignature("Jefe", 12, "what do ya want for nothing?", s.substr(1)));
}

}  // namespace
}  // namespace muster::notify
