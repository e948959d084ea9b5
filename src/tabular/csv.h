#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "tabular/sheet.h"

namespace muster::tabular {

// Reads one CSV file into a Sheet named `name`.
//
// Syntax: RFC 4180 - quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF,
// LF or CR line ends, a last line with or without a line end. Lenient where Excel is: a quote
// inside an unquoted field is literal, and text after a closing quote is appended. A first line
// "sep=X" (Excel's hint) sets the delimiter; otherwise a first line with tabs and no commas outside
// quotes makes the file tab-separated (Excel's "Unicode text"), else the delimiter is a comma.
// Encoding: see DecodeText - UTF-8 with or without BOM, UTF-16 with BOM, else GB18030/GBK.
// Result: a blank line is a row with no cells; other rows keep their own width (ragged rows are
// not padded); trailing rows with no non-empty cell are dropped. Cells are returned exactly as
// written: the apostrophe WriteCsv puts before formula-like cells is NOT removed, because a reader
// cannot tell it from an apostrophe the author typed.
// Errors: BadRequest on field "file" naming the line ("line 17: unterminated quoted field"),
// with reason "syntax", "encoding" or "too_large" (a limit of `limits` exceeded).
Result<Sheet> ReadCsv(std::string_view bytes, std::string name, const Limits& limits = {});

// Writes `sheet` (its name is not stored) as CSV that Excel on Chinese Windows opens correctly:
// UTF-8 with BOM, CRLF after every row, fields quoted when they hold a comma, quote, tab, CR or
// LF (and a lone empty cell, so that its row is not read back as a blank line).
// Formula injection (OWASP "CSV Injection"): a cell that starts with =, @, TAB or CR, or that
// starts with + or - and holds anything besides digits, spaces and . , ( ) + - %, gets a leading
// apostrophe so that spreadsheets show it as text; the full-width forms of = @ + - count too.
// Numbers and phone numbers ("-12.5", "+86 138-1234-5678") are data and stay as they are.
// REQUIRES: cells are valid UTF-8 without NUL characters (ReadCsv refuses NUL).
std::string WriteCsv(const Sheet& sheet);

// Returns whether WriteCsv puts an apostrophe before `cell` (the rule above).
bool NeedsFormulaGuard(std::string_view cell);

}  // namespace muster::tabular
