#include "base/money.h"

#include <cstdio>

namespace muster {

std::string FormatYuan(Fen f) {
  bool negative = f.value < 0;
  // Work in unsigned to format INT64_MIN correctly.
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(f.value)
                               : static_cast<std::uint64_t>(f.value);
  std::string whole = std::to_string(abs / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(abs % 100));
  return (negative ? "-" : "") + grouped + "." + cents;
}

}  // namespace muster
