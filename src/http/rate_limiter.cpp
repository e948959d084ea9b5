#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace muster::http {

RateLimiter::RateLimiter(const Clock& clock, Options options) : clock_(clock), options_(options) {}

void RateLimiter::Refill(Bucket& bucket, Timestamp now) const {
  // A clock stepped backwards refills nothing; it does not take attempts away either.
  const auto elapsed = std::max<std::int64_t>(0, (now - bucket.updated).count());
  const double gained =
      static_cast<double>(elapsed) / static_cast<double>(options_.refill_every.count());
  bucket.tokens = std::min<double>(options_.burst, bucket.tokens + gained);
  bucket.updated = now;
}

RateLimiter::Decision RateLimiter::Acquire(std::string_view key) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys) PruneLocked(now);
    it = buckets_.emplace(std::string(key), Bucket{static_cast<double>(options_.burst), now}).first;
  }
  Bucket& bucket = it->second;
  Refill(bucket, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return Decision{true, std::chrono::seconds(0)};
  }
  const double wait = (1.0 - bucket.tokens) * static_cast<double>(options_.refill_every.count());
  const auto seconds = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait - 1e-9)));
  return Decision{false, std::chrono::seconds(seconds)};
}

void RateLimiter::Reset(std::string_view key) {
  std::lock_guard lock(mu_);
  buckets_.erase(std::string(key));
}

std::size_t RateLimiter::key_count() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

void RateLimiter::PruneLocked(Timestamp now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    if (it->second.tokens >= options_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace muster::http
