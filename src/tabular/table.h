#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tabular/sheet.h"

namespace muster::tabular {

// Reads an upload that may be either kind of table, judged by its content rather than by a file
// name the user may have changed: a zip archive (or an old .xls, to explain the refusal) goes to
// ReadXlsx, anything else to ReadCsv, whose single sheet is named `csv_name`. Errors as theirs.
Result<std::vector<Sheet>> ReadTable(std::string_view bytes, std::string csv_name,
                                     const Limits& limits = {});

}  // namespace muster::tabular
