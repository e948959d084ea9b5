#pragma once

// Builds zip archives and minimal XLSX packages in memory, so that reader tests can feed files
// "written by another program" without shipping binary fixtures.

#include <string>
#include <utility>
#include <vector>

namespace muster::tabular::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;  // path, content

// Returns a zip archive of `entries`, deflated, made with libzip entirely in memory.
std::string BuildZip(const ZipEntries& entries);

// The variable parts of a hand-made workbook.
struct XlsxParts {
  std::vector<std::pair<std::string, std::string>> sheets;  // name, the XML inside <sheetData>
  std::vector<std::string> shared_strings;  // the XML inside each <si>; none: no sharedStrings part
  std::string styles;                       // a whole styles.xml; empty: no styles part
  bool date1904 = false;
};

// Returns the entries of a minimal but complete XLSX package for `parts`, to be changed by a test
// before BuildZip.
ZipEntries XlsxEntries(const XlsxParts& parts);

// Returns BuildZip(XlsxEntries(parts)).
std::string BuildXlsx(const XlsxParts& parts);

}  // namespace muster::tabular::testing
