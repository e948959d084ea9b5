#pragma once

#include <cstddef>
#include <thread>

namespace muster::dispatch {

// Calls fn(i) for i in [0, n) on two threads, i alternating between them (the machines this runs
// on have two cores). Callers write only to slot i of their outputs, so results never depend on
// scheduling. `fn` must be safe to call concurrently for different i.
template <typename Fn>
void ForEachInParallel(std::size_t n, Fn fn) {
  if (n < 2) {
    if (n == 1) fn(std::size_t{0});
    return;
  }
  std::thread other([&] {
    for (std::size_t i = 1; i < n; i += 2) fn(i);
  });
  for (std::size_t i = 0; i < n; i += 2) fn(i);
  other.join();
}

}  // namespace muster::dispatch
