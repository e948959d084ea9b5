#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace muster::http {
namespace {

Timestamp T0() { return FromUnixSeconds(1'650'000'000); }

TEST(RateLimiter, AllowsABurstThenSaysWhenToRetry) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 3, .refill_every = std::chrono::seconds(60)});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Acquire("alice").allowed);
  auto refused = limiter.Acquire("alice");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, std::chrono::seconds(60));
  clock.Advance(std::chrono::seconds(45));
  EXPECT_EQ(limiter.Acquire("alice").retry_after, std::chrono::seconds(15));
  clock.Advance(std::chrono::seconds(15));
  EXPECT_TRUE(limiter.Acquire("alice").allowed);
  EXPECT_FALSE(limiter.Acquire("alice").allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 1, .refill_every = std::chrono::seconds(10)});
  EXPECT_TRUE(limiter.Acquire("alice").allowed);
  EXPECT_FALSE(limiter.Acquire("alice").allowed);
  EXPECT_TRUE(limiter.Acquire("bob").allowed);
}

TEST(RateLimiter, ResetForgetsEarlierAttempts) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 1, .refill_every = std::chrono::seconds(10)});
  EXPECT_TRUE(limiter.Acquire("alice").allowed);
  limiter.Reset("alice");
  EXPECT_TRUE(limiter.Acquire("alice").allowed);
}

TEST(RateLimiter, RefillNeverExceedsTheBurst) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 2, .refill_every = std::chrono::seconds(1)});
  clock.Advance(std::chrono::seconds(3600));
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
}

TEST(RateLimiter, AClockSteppedBackDoesNotRefill) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 1, .refill_every = std::chrono::seconds(10)});
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  clock.Set(T0() - std::chrono::seconds(100));
  EXPECT_FALSE(limiter.Acquire("k").allowed);
}

TEST(RateLimiter, ForgetsFullBucketsWhenHoldingTooManyKeys) {
  FakeClock clock(T0());
  RateLimiter limiter(clock, {.burst = 1, .refill_every = std::chrono::seconds(10), .max_keys = 2});
  EXPECT_TRUE(limiter.Acquire("a").allowed);
  EXPECT_TRUE(limiter.Acquire("b").allowed);
  clock.Advance(std::chrono::seconds(10));
  EXPECT_TRUE(limiter.Acquire("c").allowed);
  EXPECT_EQ(limiter.key_count(), 1u);
}

}  // namespace
}  // namespace muster::http
