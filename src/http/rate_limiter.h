#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace muster::http {

// A token bucket per key (a username, an address): `burst` attempts at once, then one more every
// `refill_every`. Used for logins and sign-ups; time comes from the injected Clock, so tests step
// it with a FakeClock. Thread-safe.
class RateLimiter {
 public:
  struct Options {
    int burst = 5;
    std::chrono::seconds refill_every{60};
    // Keys kept at most before full buckets (which hold no information) are forgotten.
    std::size_t max_keys = 100000;
  };

  struct Decision {
    bool allowed = true;
    // When refused: how long until one attempt is allowed again (at least one second).
    std::chrono::seconds retry_after{0};
  };

  // `clock` must outlive the limiter. REQUIRES: burst >= 1, refill_every >= 1s.
  RateLimiter(const Clock& clock, Options options);

  // Takes one attempt for `key`, or says how long to wait when none is left.
  Decision Acquire(std::string_view key);
  // Forgets `key` (e.g. after a successful login, so earlier failures stop counting).
  void Reset(std::string_view key);
  // Returns the number of keys held (for tests).
  std::size_t key_count() const;

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp updated;
  };

  // Brings `bucket` up to `now`.
  void Refill(Bucket& bucket, Timestamp now) const;
  // Forgets buckets that are full again. REQUIRES: mu_ held.
  void PruneLocked(Timestamp now);

  const Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace muster::http
