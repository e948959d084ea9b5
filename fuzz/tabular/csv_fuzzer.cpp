// libFuzzer target for ReadCsv. Besides "no crash, no sanitizer report, only BadRequest", it
// checks the round trip: whatever ReadCsv accepts, WriteCsv then ReadCsv gives back, with the
// documented apostrophe before formula-like cells.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "tabular/csv.h"

namespace {

using muster::tabular::Limits;
using muster::tabular::Sheet;

constexpr Limits kLimits{.max_rows = 10'000,
                         .max_columns = 200,
                         .max_cell_bytes = 4'096,
                         .max_cells = 100'000,
                         .max_text_bytes = 16 << 20,
                         .max_uncompressed_bytes = 16 << 20};

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "csv_fuzzer: %s\n", what);
  std::abort();
}

Sheet Guarded(Sheet sheet) {
  for (auto& row : sheet.rows) {
    for (auto& cell : row) {
      if (!muster::tabular::NeedsFormulaGuard(cell)) continue;
      std::string guarded = "'";
      guarded += cell;
      cell = std::move(guarded);
    }
  }
  return sheet;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto sheet = muster::tabular::ReadCsv(bytes, "fuzz", kLimits);
  if (!sheet.ok()) {
    if (sheet.error().code != muster::ErrorCode::kBadRequest) Fail("error other than BadRequest");
    return 0;
  }
  Limits reread_limits = kLimits;
  reread_limits.max_cell_bytes += 1;  // room for the apostrophe
  auto again = muster::tabular::ReadCsv(muster::tabular::WriteCsv(*sheet), "fuzz", reread_limits);
  if (!again.ok()) Fail("WriteCsv output not readable");
  if (*again != Guarded(*sheet)) Fail("round trip changed the cells");
  return 0;
}
