#include "tabular/csv.h"

namespace muster::tabular {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Returns `cell` with a leading full-width = @ + - folded to its ASCII form, since spreadsheets
// in East Asian locales accept the full-width signs as formula starts too.
std::string_view FoldFullWidthSign(std::string_view cell, std::string& buffer) {
  static constexpr std::pair<std::string_view, char> kFullWidth[] = {
      {"\xEF\xBC\x9D", '='}, {"\xEF\xBC\xA0", '@'}, {"\xEF\xBC\x8B", '+'}, {"\xEF\xBC\x8D", '-'}};
  for (const auto& [wide, ascii] : kFullWidth) {
    if (cell.starts_with(wide)) {
      buffer = ascii;
      buffer.append(cell.substr(wide.size()));
      return buffer;
    }
  }
  return cell;
}

// Digits with signs, spaces and separators cannot name a function, a reference or a DDE target,
// so a spreadsheet evaluating them does no harm (and "-5" or "+86 138..." are data).
bool IsNumericLike(std::string_view text) {
  return text.find_first_not_of("0123456789 .,()+-%") == std::string_view::npos;
}

bool NeedsQuotes(std::string_view cell) {
  return cell.find_first_of(",\"\t\r\n") != std::string_view::npos;
}

void AppendField(std::string& out, std::string_view cell, bool force_quotes) {
  if (!force_quotes && !NeedsQuotes(cell)) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

bool NeedsFormulaGuard(std::string_view cell) {
  std::string buffer;
  std::string_view folded = FoldFullWidthSign(cell, buffer);
  if (folded.empty()) return false;
  switch (folded.front()) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      return !IsNumericLike(folded.substr(1));
    default:
      return false;
  }
}

std::string WriteCsv(const Sheet& sheet) {
  std::string out(kUtf8Bom);
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out.push_back(',');
      const std::string& cell = row[c];
      // A lone empty cell would read back as a blank line, and an unquoted "sep=" first cell as
      // Excel's delimiter hint.
      bool force_quotes =
          (row.size() == 1 && cell.empty()) || (r == 0 && c == 0 && cell.starts_with("sep="));
      if (NeedsFormulaGuard(cell)) {
        AppendField(out, "'" + cell, force_quotes);
      } else {
        AppendField(out, cell, force_quotes);
      }
    }
    out.append("\r\n");
  }
  return out;
}

}  // namespace muster::tabular
