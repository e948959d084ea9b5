#include "notify/id_follower.h"

#include <gtest/gtest.h>

namespace muster::notify {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = FromUnixSeconds(1641945600);

TEST(IdFollower, ContiguousIdsSettleAtOnce) {
  IdFollower f(10, {});
  f.Advance({11, 12, 13}, kT0);
  EXPECT_EQ(f.scanned(), 13);
  EXPECT_EQ(f.settled(), 13);
  EXPECT_TRUE(f.gaps().empty());
}

TEST(IdFollower, SkippedIdsAreWaitedForAndFillSplitsTheGap) {
  IdFollower f(0, {});
  f.Advance({1, 5, 6, 9}, kT0);
  ASSERT_EQ(f.gaps().size(), 2u);
  EXPECT_EQ(f.gaps()[0].first, 2);
  EXPECT_EQ(f.gaps()[0].last, 4);
  EXPECT_EQ(f.gaps()[1].first, 7);
  EXPECT_EQ(f.gaps()[1].last, 8);
  EXPECT_EQ(f.settled(), 1);
  f.Fill(3);
  ASSERT_EQ(f.gaps().size(), 3u);
  EXPECT_EQ(f.settled(), 1);
  f.Fill(2);
  EXPECT_EQ(f.settled(), 3);
  f.Fill(4);
  EXPECT_EQ(f.settled(), 6);
  f.Fill(100);  // not in a gap: ignored
  EXPECT_EQ(f.gaps().size(), 1u);
}

TEST(IdFollower, GapsAreGivenUpAfterTheGrace) {
  IdFollower f(0, {.gap_grace = 60s});
  f.Advance({2}, kT0);
  f.Advance({4}, kT0 + 30s);
  EXPECT_EQ(f.Expire(kT0 + 60s), 0);
  EXPECT_EQ(f.Expire(kT0 + 61s), 1);
  EXPECT_EQ(f.settled(), 2);
  EXPECT_EQ(f.Expire(kT0 + 91s), 1);
  EXPECT_EQ(f.settled(), 4);
}

TEST(IdFollower, RemembersABoundedNumberOfGaps) {
  IdFollower f(0, {.gap_grace = 60s, .max_gaps = 2});
  f.Advance({2, 4, 6, 8}, kT0);
  ASSERT_EQ(f.gaps().size(), 2u);
  EXPECT_EQ(f.gaps()[0].first, 5);
  EXPECT_EQ(f.settled(), 4);
}

TEST(IdFollower, ResetForgetsGapsAndNeverMovesBack) {
  IdFollower f(0, {});
  f.Advance({3}, kT0);
  f.Reset(2);
  EXPECT_EQ(f.scanned(), 3);
  EXPECT_EQ(f.settled(), 3);
  f.Reset(10);
  EXPECT_EQ(f.settled(), 10);
}

}  // namespace
}  // namespace muster::notify
