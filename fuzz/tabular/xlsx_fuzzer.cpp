// libFuzzer target for ReadXlsx. Besides "no crash, no sanitizer report, only BadRequest", it
// checks the round trip: whatever ReadXlsx accepts, WriteXlsx then ReadXlsx gives back cell for
// cell (sheet names may change to fit Excel's rules).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tabular/xlsx.h"

namespace {

using muster::tabular::Limits;

constexpr Limits kLimits{.max_rows = 10'000,
                         .max_columns = 200,
                         .max_cell_bytes = 4'096,
                         .max_cells = 100'000,
                         .max_text_bytes = 16 << 20,
                         .max_uncompressed_bytes = 16 << 20};

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "xlsx_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto sheets = muster::tabular::ReadXlsx(bytes, kLimits);
  if (!sheets.ok()) {
    if (sheets.error().code != muster::ErrorCode::kBadRequest) Fail("error other than BadRequest");
    return 0;
  }
  if (sheets->empty()) return 0;
  auto written = muster::tabular::WriteXlsx(*sheets);
  if (!written.ok()) Fail("WriteXlsx refused what ReadXlsx gave");
  auto again = muster::tabular::ReadXlsx(*written, kLimits);
  if (!again.ok() || again->size() != sheets->size()) Fail("WriteXlsx output not readable");
  for (size_t i = 0; i < sheets->size(); ++i) {
    if ((*again)[i].rows != (*sheets)[i].rows) Fail("round trip changed the cells");
  }
  return 0;
}
