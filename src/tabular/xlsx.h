#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tabular/sheet.h"

namespace muster::tabular {

// Reads every worksheet of the XLSX workbook in `bytes`, in workbook order (hidden sheets
// included, chart sheets left out, so the result is empty for a workbook of charts only),
// entirely in memory.
//
// Cells are placed by their reference ("B7"), so gaps become empty strings; trailing empty cells
// of a row and trailing empty rows are dropped. Shared, inline and rich-text strings give their
// text (phonetic guides left out); booleans give "TRUE"/"FALSE"; error cells their code
// ("#N/A"); formula cells their cached value (nothing is recalculated). Numbers give the
// shortest text that reads back as the same value, integers as plain digits (13812345678);
// numbers styled with a date or time format give "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
// "HH:MM:SS". Other formats (percent, currency, thousands separators) are not applied: the
// value is given. Merged ranges keep their value in the top-left cell only.
//
// Limits: `limits` bounds what is unpacked and produced; parsing takes memory of several times
// the size of the largest unpacked worksheet XML.
// Errors: BadRequest on field "file" - reason "not_xlsx" (not a zip, an old .xls or an encrypted
// workbook, no workbook part), "syntax" (damaged zip or XML, bad cell reference or string index)
// or "too_large". Never throws for bad input.
Result<std::vector<Sheet>> ReadXlsx(std::string_view bytes, const Limits& limits = {});

// Writes `sheets` as an XLSX workbook, one worksheet each, and returns its bytes.
//
// Row 0 is bold and frozen as the header; column widths follow the widest cell (CJK characters
// counting double, capped). A cell is stored as a number only when reading the number back gives
// exactly the same text (canonical decimal, at most 15 significant digits) and it is not an
// integer of more than 10 digits; everything else - phone and ID numbers, "007", "1.50", dates -
// is stored as text, so Excel neither rounds nor reformats it. Text cells are never formulas, so
// no injection guard is needed here. Sheet names are made valid for Excel: []:*?/\ become '_',
// leading and trailing apostrophes go, at most 31 characters, "Sheet<n>" for an empty name, and
// a " (2)" suffix where names would clash (Excel compares them without case).
// ReadXlsx(WriteXlsx(s)) gives back the cells of s, except trailing empty cells and rows.
//
// Errors: BadRequest on field "sheets" for no sheets, invalid UTF-8, more than 1,048,576 rows,
// 16,384 columns or 32,767 characters in a cell (Excel's limits); Unavailable when the temporary
// file cannot be written (libxlsxwriter 1.1.4 writes only to files: the workbook goes through a
// private mkstemp file in $TMPDIR, removed before returning).
Result<std::string> WriteXlsx(const std::vector<Sheet>& sheets);

}  // namespace muster::tabular
