#include "tabular/sheet.h"

namespace muster::tabular {

std::string_view Sheet::Cell(size_t row, size_t column) const {
  if (row >= rows.size() || column >= rows[row].size()) return {};
  return rows[row][column];
}

}  // namespace muster::tabular
