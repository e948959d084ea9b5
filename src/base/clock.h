#pragma once

#include <mutex>

#include "base/time.h"

namespace muster {

// The source of the current time. Every clock read in Muster goes through a Clock so that
// escalation, expiry and tests are deterministic. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current instant.
  virtual Timestamp Now() const = 0;
};

// The system's wall clock.
class RealClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that moves only when told to; for tests and for replaying the demo city's history.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override;
  // Moves the clock to `t` (which may be earlier, to test clock steps).
  void Set(Timestamp t);
  // Moves the clock forward by `d`.
  void Advance(std::chrono::seconds d);

 private:
  mutable std::mutex mu_;
  Timestamp now_;  // GUARDED_BY(mu_)
};

}  // namespace muster
