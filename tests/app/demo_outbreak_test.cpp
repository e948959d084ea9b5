// The demo outbreak: played through the use cases, its records hold together and its report
// counts what the records say.
#include "app/demo_outbreak.h"

#include <gtest/gtest.h>

#include "app/demo_city.h"
#include "app/registry_import.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class DemoOutbreakTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    auto facts = ParseCityFacts(DefaultCityFacts());
    ASSERT_TRUE(facts.ok());
    CityShape shape;
    shape.members = 2000;
    RegistryRules rules(keys_, clock_);
    auto imported = ImportRegistry(*store_, rules, SynthesizeCity(*facts, shape), {});
    ASSERT_TRUE(imported.ok()) << imported.error().ToString();
    ASSERT_TRUE(imported->rejected.empty()) << imported->rejected[0].message;
    options_.last = Date{std::chrono::year{2022}, std::chrono::month{1}, std::chrono::day{4}};
    options_.streets_per_night = 5;
  }

  std::int64_t Count(const std::string& sql) {
    auto n = store_->Read([&](store::Transaction& tx) { return tx.QueryInt(sql, {}); });
    EXPECT_TRUE(n.ok()) << sql;
    return n.ok() ? n->value_or(-1) : -1;
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{ShanghaiMidnight(Date{std::chrono::year{2021}, std::chrono::month{12},
                                         std::chrono::day{1}})};
  std::unique_ptr<store::Store> store_;
  OutbreakOptions options_;
};

TEST_P(DemoOutbreakTest, RecordsHoldTogetherAndTheReportCountsThem) {
  auto played = PlayOutbreak(*store_, keys_, clock_, options_);
  ASSERT_TRUE(played.ok()) << played.error().ToString();
  const OutbreakReport& r = *played;
  EXPECT_EQ(r.requests, 4 * 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM requests"), r.requests);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM shifts"), r.shifts);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM calls"), r.calls);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), r.batches);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM signups WHERE status = 'cancelled'"), r.cancellations);
  // Every person-time is a check-in by code or one a coordinator recorded.
  EXPECT_GT(r.checkins, 100);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance"), r.checkins + r.corrections);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance WHERE flagged = 1"), r.walk_ins);
  // Nothing over headcount, and the stored counters agree with the sign-ups.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM shifts WHERE confirmed > headcount"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM shifts s WHERE confirmed <> (SELECT COUNT(*) FROM signups "
                  "u WHERE u.shift_id = s.id AND u.status = 'confirmed')"),
            0);
  // Every turn is closed at the end, by the volunteer or the sweep, within the shift's window.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance WHERE checked_out_at IS NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance a JOIN shifts s ON s.id = a.shift_id WHERE "
                  "a.checked_out_at < a.checked_in_at OR a.checked_in_at < s.starts_at - 1800"),
            0);
  // A check-in without a flag belongs to a confirmed sign-up of that member for that shift.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance a WHERE a.flagged = 0 AND a.source = 'code' "
                  "AND NOT EXISTS (SELECT 1 FROM signups u WHERE u.shift_id = a.shift_id AND "
                  "u.member_id = a.member_id AND u.status = 'confirmed')"),
            0);
  // Unfilled requests escalated on the clock; the escalation is recorded.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM requests WHERE escalated_at IS NOT NULL"), r.escalations);
  // The city's 4.59 million yuan, every unit's spending within its allocation.
  EXPECT_EQ(Count("SELECT SUM(amount_fen) FROM fund_allocations"), 459'000'000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units u WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM "
                  "fund_expenses e WHERE e.unit_id = u.id) > (SELECT COALESCE(SUM(amount_fen), 0) "
                  "FROM fund_allocations a WHERE a.unit_id = u.id)"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supplies"), r.supplies);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mode_changes WHERE mode = 'emergency'"), 1);
  // Every unit paired with a street that asked sent people.
  EXPECT_GT(Count("SELECT COUNT(DISTINCT m.unit_id) FROM attendance a JOIN members m ON m.id = "
                  "a.member_id"),
            5);
}

TEST_P(DemoOutbreakTest, TheSameSeedPlaysTheSameOutbreak) {
  auto first = PlayOutbreak(*store_, keys_, clock_, options_);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  const std::int64_t attendance = Count("SELECT COUNT(*) FROM attendance");
  const std::int64_t members = Count("SELECT COUNT(DISTINCT member_id) FROM attendance");
  // A second store with the same registry and seed.
  SetUp();
  auto second = PlayOutbreak(*store_, keys_, clock_, options_);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->checkins, first->checkins);
  EXPECT_EQ(second->signups, first->signups);
  EXPECT_EQ(second->dispatched, first->dispatched);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attendance"), attendance);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT member_id) FROM attendance"), members);
}

TEST_P(DemoOutbreakTest, TomorrowsRequestsAreOpenToTheirPairedUnits) {
  ASSERT_TRUE(PlayOutbreak(*store_, keys_, clock_, options_).ok());
  clock_.Set(*ParseRfc3339("2026-11-29T10:00:00+08:00", "now"));
  auto posted = PostTomorrowsRequests(*store_, keys_, clock_, 3, options_.seed);
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  EXPECT_EQ(*posted, 3);
  const std::int64_t tomorrow = UnixSeconds(*ParseRfc3339("2026-11-30T00:00:00+08:00", "t"));
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT request_id) FROM shifts WHERE starts_at >= " +
                  std::to_string(tomorrow)),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM calls c JOIN requests r ON r.id = c.request_id WHERE "
                  "r.posted_at >= " + std::to_string(tomorrow - 86400)),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM shifts WHERE starts_at >= " + std::to_string(tomorrow) +
                  " AND confirmed > 0"),
            0);
}

TEST_P(DemoOutbreakTest, APeriodEndingBeforeItStartsIsRefused) {
  options_.last = Date{std::chrono::year{2021}, std::chrono::month{12}, std::chrono::day{31}};
  auto played = PlayOutbreak(*store_, keys_, clock_, options_);
  ASSERT_FALSE(played.ok());
  EXPECT_EQ(played.error().field, "last");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM requests"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoOutbreakTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) {
                           return muster::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace muster::app
