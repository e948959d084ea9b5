#pragma once

// The workbook-level parts of an XLSX package: which worksheets there are and where, the shared
// string table and the number formats of the cell styles. Internal to tabular/.

#include <string>
#include <vector>

#include "base/result.h"
#include "tabular/number_text.h"
#include "tabular/zip_reader.h"

namespace muster::tabular {

struct XlsxWorksheetRef {
  std::string name;  // as the workbook shows it
  std::string part;  // zip path of the worksheet XML, e.g. "xl/worksheets/sheet1.xml"
};

struct XlsxPackage {
  std::vector<XlsxWorksheetRef> worksheets;  // in workbook order; chart sheets left out
  std::vector<std::string> shared_strings;   // by index, rich text flattened
  std::vector<NumberKind> style_kinds;       // by cell style index (the "s" attribute)
  bool date1904 = false;                     // serials count from 1904-01-01
};

// Reads the package parts of `zip`, following the relationship parts rather than assuming file
// names. Returns BadRequest on field "file" when the archive is not a workbook or a part is
// missing or malformed.
Result<XlsxPackage> ReadXlsxPackage(ZipReader& zip);

}  // namespace muster::tabular
