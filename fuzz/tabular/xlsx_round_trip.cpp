#include "xlsx_round_trip.h"

#include <cstdio>
#include <cstdlib>

#include "tabular/xlsx.h"

namespace muster::tabular::fuzz {
namespace {

constexpr Limits kLimits{.max_rows = 10'000,
                         .max_columns = 200,
                         .max_cell_bytes = 4'096,
                         .max_cells = 100'000,
                         .max_text_bytes = 16 << 20,
                         .max_uncompressed_bytes = 16 << 20};

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "xlsx fuzz target: %s\n", what);
  std::abort();
}

}  // namespace

void CheckXlsxRoundTrip(std::string_view bytes) {
  auto sheets = ReadXlsx(bytes, kLimits);
  if (!sheets.ok()) {
    if (sheets.error().code != ErrorCode::kBadRequest) Fail("error other than BadRequest");
    return;
  }
  if (sheets->empty()) return;
  auto written = WriteXlsx(*sheets);
  if (!written.ok()) Fail("WriteXlsx refused what ReadXlsx gave");
  auto again = ReadXlsx(*written, kLimits);
  if (!again.ok() || again->size() != sheets->size()) Fail("WriteXlsx output not readable");
  for (size_t i = 0; i < sheets->size(); ++i) {
    if ((*again)[i].rows != (*sheets)[i].rows) Fail("round trip changed the cells");
  }
}

}  // namespace muster::tabular::fuzz
