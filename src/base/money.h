#pragma once

#include <cstdint>
#include <string>

namespace muster {

// An amount of money in fen (1 yuan = 100 fen). Always integer: no floating point touches money.
struct Fen {
  std::int64_t value = 0;
  constexpr auto operator<=>(const Fen&) const = default;
  constexpr Fen operator+(Fen o) const { return Fen{value + o.value}; }
  constexpr Fen operator-(Fen o) const { return Fen{value - o.value}; }
};

// Formats `f` as yuan with two decimals and thousands separators: Fen{459000000} -> "4,590,000.00".
std::string FormatYuan(Fen f);

}  // namespace muster
