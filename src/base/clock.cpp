#include "base/clock.h"

namespace muster {

Timestamp RealClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Timestamp FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

void FakeClock::Set(Timestamp t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

void FakeClock::Advance(std::chrono::seconds d) {
  std::lock_guard lock(mu_);
  now_ += d;
}

}  // namespace muster
