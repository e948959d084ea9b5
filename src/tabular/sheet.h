#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace muster::tabular {

// One table as offices hand it around: a name and rows of UTF-8 cells. Row 0 is usually the
// header. Rows may be ragged (CSV keeps each line's own width; XLSX drops trailing empty cells),
// so read cells through Cell() rather than indexing blindly.
struct Sheet {
  std::string name;
  std::vector<std::vector<std::string>> rows;

  // Returns the cell at (row, column), or "" when the row or the column does not exist.
  // The view lives as long as this Sheet's cell is not changed.
  std::string_view Cell(size_t row, size_t column) const;

  bool operator==(const Sheet&) const = default;
};

// Bounds that keep hostile or accidental inputs (a zip bomb, a million-column line) from taking
// the process down. Exceeding one is an expected failure (BadRequest, reason "too_large"), never a
// crash. The defaults suit the registry import; callers may lower them, tests do.
struct Limits {
  size_t max_rows = 1'000'000;        // rows per sheet, counting empty rows in the middle
  size_t max_columns = 1'000;         // cells per row (XLSX: up to the last non-empty one)
  size_t max_cell_bytes = 64 * 1024;  // UTF-8 bytes in one cell
  size_t max_cells = 10'000'000;      // cells in all sheets together (~32 bytes each)
  // XLSX only (CSV text is bounded by the input): shared strings let little XML name much text.
  uint64_t max_text_bytes = uint64_t{512} << 20;          // cell text in all sheets together
  uint64_t max_uncompressed_bytes = uint64_t{200} << 20;  // all zip parts read, unpacked
};

}  // namespace muster::tabular
