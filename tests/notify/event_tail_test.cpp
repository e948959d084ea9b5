// The tail that feeds live pages: every committed event and notification, once, in id order,
// including those whose transaction committed after a later one.
#include "notify/event_tail.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/outbox.h"
#include "support/test_store.h"

namespace muster::notify {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class EventTailTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override { store_ = muster::testing::NewStore(GetParam()); }

  void Publish(const std::string& kind, const std::string& payload = "{}") {
    auto s = store_->Write([&](store::Transaction& tx) {
      return app::PublishEvent(tx, clock_.Now(), kind, payload);
    });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  void PublishWithId(std::int64_t id, const std::string& kind) {
    auto s = store_->Write([&](store::Transaction& tx) -> Status {
      MUSTER_TRY(tx.Exec("INSERT INTO events (id, kind, payload, created_at) VALUES (?, ?, '{}', 0)",
                         {id, kind}));
      return Ok();
    });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  std::int64_t LastEventId() {
    return store_->Read([](store::Transaction& tx) {
      return tx.QueryInt("SELECT MAX(id) FROM events", {});
    })->value_or(0);
  }

  std::vector<LiveEvent> Poll(EventTail& tail) {
    seen_.clear();
    auto n = tail.PollOnce();
    EXPECT_TRUE(n.ok()) << n.error().ToString();
    return seen_;
  }

  std::vector<std::string> Kinds(const std::vector<LiveEvent>& events) {
    std::vector<std::string> out;
    for (const LiveEvent& e : events) out.push_back(e.kind);
    return out;
  }

  FakeClock clock_{FromUnixSeconds(1641945600)};
  std::unique_ptr<store::Store> store_;
  std::vector<LiveEvent> seen_;
  EventTail::Options options_{.poll_interval = 10min, .batch = 500, .gap_grace = 60s};
};

TEST_P(EventTailTest, HandsOnWhatCommitsAfterItStarts) {
  Publish("signup");
  EventTail tail(*store_, clock_, [&](const LiveEvent& e) { seen_.push_back(e); }, options_);
  EXPECT_TRUE(Poll(tail).empty()) << "history is not replayed";
  Publish("checkin", R"({"shift_id":3})");
  Publish("stats_changed");
  std::vector<LiveEvent> got = Poll(tail);
  EXPECT_EQ(Kinds(got), std::vector<std::string>({"checkin", "stats_changed"}));
  EXPECT_EQ(got[0].payload, R"({"shift_id":3})");
  EXPECT_EQ(got[0].topic, "");
  EXPECT_TRUE(Poll(tail).empty());
}

TEST_P(EventTailTest, NotificationsGoToTheirRecipientOnly) {
  auto ids = store_->Write([&](store::Transaction& tx) -> Result<std::int64_t> {
    MUSTER_ASSIGN(auto user, tx.InsertReturningId(
        "INSERT INTO users (username, password_hash, role, scope_id, created_at) "
        "VALUES ('admin', 'x', 'city_admin', NULL, 0) RETURNING id", {}));
    return user;
  });
  ASSERT_TRUE(ids.ok());
  EventTail tail(*store_, clock_, [&](const LiveEvent& e) { seen_.push_back(e); }, options_);
  Poll(tail);
  auto s = store_->Write([&](store::Transaction& tx) {
    app::Notification n;
    n.user = UserId(*ids);
    n.kind = "escalated";
    n.title = "请求已升级";
    return app::Notify(tx, clock_.Now(), n);
  });
  ASSERT_TRUE(s.ok());
  std::vector<LiveEvent> got = Poll(tail);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, "notification");
  EXPECT_EQ(got[0].topic, "user:" + std::to_string(*ids));
  json payload = json::parse(got[0].payload);
  EXPECT_EQ(payload["kind"], "escalated");
  EXPECT_EQ(payload["title"], "请求已升级");
}

TEST_P(EventTailTest, LateCommitsArriveLateButArrive) {
  Publish("signup");
  std::int64_t base = LastEventId();
  EventTail tail(*store_, clock_, [&](const LiveEvent& e) { seen_.push_back(e); }, options_);
  Poll(tail);
  PublishWithId(base + 2, "checkin");
  EXPECT_EQ(Kinds(Poll(tail)), std::vector<std::string>({"checkin"}));
  PublishWithId(base + 1, "signup_cancelled");
  EXPECT_EQ(Kinds(Poll(tail)), std::vector<std::string>({"signup_cancelled"}));
  EXPECT_TRUE(Poll(tail).empty());
}

TEST_P(EventTailTest, BackgroundThreadFollowsTheTable) {
  std::mutex mu;
  std::vector<std::string> kinds;
  EventTail::Options fast = options_;
  fast.poll_interval = 20ms;
  EventTail tail(*store_, clock_, [&](const LiveEvent& e) {
    std::lock_guard lock(mu);
    kinds.push_back(e.kind);
  }, fast);
  tail.Start();
  // The tail starts after what its first pass finds, and that pass may come late on a loaded
  // machine: publish every 100 ms until something arrives.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto next_publish = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mu);
      if (!kinds.empty()) break;
    }
    if (std::chrono::steady_clock::now() >= next_publish) {
      Publish("mode_changed");
      next_publish += 100ms;
    }
    std::this_thread::sleep_for(10ms);
  }
  tail.Stop();
  std::lock_guard lock(mu);
  ASSERT_FALSE(kinds.empty()) << "the background thread handed on nothing";
  for (const std::string& kind : kinds) EXPECT_EQ(kind, "mode_changed");
}

INSTANTIATE_TEST_SUITE_P(Backends, EventTailTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

}  // namespace
}  // namespace muster::notify
