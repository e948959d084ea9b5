// libFuzzer target for ReadXlsx on whole files: the zip layer and everything behind it.
// See xlsx_round_trip.h for what is checked.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xlsx_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  muster::tabular::fuzz::CheckXlsxRoundTrip(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
