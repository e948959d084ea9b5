#pragma once

// The property both XLSX fuzz targets check.

#include <string_view>

namespace muster::tabular::fuzz {

// Reads `bytes` with ReadXlsx under small limits. Aborts, after naming the broken promise on
// stderr, when ReadXlsx fails with anything but BadRequest, or when what it accepts does not
// come back cell for cell through WriteXlsx and ReadXlsx.
void CheckXlsxRoundTrip(std::string_view bytes);

}  // namespace muster::tabular::fuzz
