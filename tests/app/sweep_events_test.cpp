// The sweep prunes live events older than about a day, over both backends, and never the newest:
// an id the event tails have passed is never handed out again.
#include <gtest/gtest.h>

#include "app/workflow.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Timestamp At(const char* rfc3339) { return *ParseRfc3339(rfc3339, "t"); }

class SweepEventsTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    workflow_ = std::make_unique<Workflow>(*store_, keys_, clock_);
  }

  // Adds an event made now; returns its id.
  std::int64_t AddEvent() {
    return *store_->Write([&](store::Transaction& tx) {
      return tx.InsertReturningId(
          "INSERT INTO events (kind, payload, created_at) VALUES ('signup', '{}', ?) RETURNING id",
          {UnixSeconds(clock_.Now())});
    });
  }

  std::vector<std::int64_t> Ids() {
    std::vector<std::int64_t> out;
    EXPECT_TRUE(store_
                    ->Read([&](store::Transaction& tx) -> Status {
                      return tx.Query("SELECT id FROM events ORDER BY id", {},
                                      [&](const store::Row& r) {
                                        out.push_back(r.Int(0));
                                        return Ok();
                                      });
                    })
                    .ok());
    return out;
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{At("2022-01-12T08:00:00+08:00")};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Workflow> workflow_;
};

TEST_P(SweepEventsTest, OldLiveEventsGoTheNewestStays) {
  std::vector<std::int64_t> old;
  for (int i = 0; i < 5; ++i) old.push_back(AddEvent());
  clock_.Set(At("2022-01-13T07:00:00+08:00"));  // 23 hours on: nothing is old enough
  auto none = workflow_->Sweep();
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_EQ(none->pruned_events, 0);
  clock_.Set(At("2022-01-13T09:00:00+08:00"));  // 25 hours on
  const std::int64_t young = AddEvent();
  auto swept = workflow_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.error().ToString();
  EXPECT_EQ(swept->pruned_events, 5);
  EXPECT_EQ(Ids(), std::vector<std::int64_t>({young}));

  // A quiet day later every event is old: all but the newest go, and the next id is still new.
  const std::int64_t last = AddEvent();
  clock_.Set(At("2022-01-15T09:00:00+08:00"));
  auto quiet = workflow_->Sweep();
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(quiet->pruned_events, 1);
  EXPECT_EQ(Ids(), std::vector<std::int64_t>({last}));
  EXPECT_GT(AddEvent(), last);
  auto again = workflow_->Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pruned_events, 1);  // the previous newest, now that a newer one exists
}

INSTANTIATE_TEST_SUITE_P(Backends, SweepEventsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) {
                           return muster::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace muster::app
