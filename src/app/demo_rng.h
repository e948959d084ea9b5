#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace muster::app {

// The demo's deterministic generator (SplitMix64): the same seed gives the same city and the same
// outbreak on every platform, which std::uniform_*_distribution does not promise.
class DemoRng {
 public:
  explicit DemoRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * (Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform(0, 1) < p; }
  // True `percent` times in a hundred.
  bool Percent(int percent) { return Between(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Next() % v.size())];
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Next() % i]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace muster::app
