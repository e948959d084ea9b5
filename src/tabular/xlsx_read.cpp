#include <charconv>
#include <cmath>
#include <optional>

#include "tabular/encoding.h"
#include "tabular/number_text.h"
#include "tabular/xlsx.h"
#include "tabular/xlsx_package.h"
#include "tabular/xlsx_xml.h"
#include "tabular/zip_reader.h"

namespace muster::tabular {
namespace {

constexpr size_t kExcelMaxRows = 1'048'576;
constexpr size_t kExcelMaxColumns = 16'384;

struct CellRef {
  size_t row = 0;     // zero-based
  size_t column = 0;  // zero-based
};

// What all sheets of one workbook have produced so far, against Limits::max_cells and
// Limits::max_text_bytes (shared strings make small XML expand into much text).
struct Totals {
  size_t cells = 0;
  uint64_t text_bytes = 0;
};

Error FileError(std::string message, std::string reason) {
  Error e = BadRequest(std::move(message), "file");
  e.reason = std::move(reason);
  return e;
}

std::string_view Trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<size_t> ParseIndex(std::string_view text) {
  text = Trim(text);
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses an A1-style reference ("B7", "$B$7") within Excel's grid.
std::optional<CellRef> ParseCellRef(std::string_view ref) {
  size_t i = 0;
  if (i < ref.size() && ref[i] == '$') ++i;
  size_t column = 0;
  size_t letters = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && letters < 4; ++i, ++letters) {
    column = column * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
  }
  if (i < ref.size() && ref[i] == '$') ++i;
  std::optional<size_t> row = ParseIndex(ref.substr(i));
  if (letters == 0 || column > kExcelMaxColumns || !row || *row == 0 || *row > kExcelMaxRows ||
      (i < ref.size() && (ref[i] < '0' || ref[i] > '9'))) {
    return std::nullopt;
  }
  return CellRef{*row - 1, column - 1};
}

std::string CellName(CellRef ref) {
  std::string letters;
  for (size_t n = ref.column + 1; n > 0; n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return letters + std::to_string(ref.row + 1);
}

// Turns one worksheet's <sheetData> into rows of text.
class WorksheetReader {
 public:
  WorksheetReader(const XlsxPackage& package, const Limits& limits, Totals& totals)
      : package_(package), limits_(limits), totals_(totals) {}

  Result<Sheet> Read(std::string name, pugi::xml_node sheet_data) {
    sheet_.name = std::move(name);
    size_t next_row = 0;
    for (pugi::xml_node row : sheet_data.children()) {
      if (LocalName(row.name()) != "row") continue;
      size_t row_index = next_row;
      if (pugi::xml_attribute r = row.attribute("r")) {
        std::optional<size_t> number = ParseIndex(r.value());
        if (!number || *number == 0 || *number > kExcelMaxRows) {
          return SheetError("bad row number '" + std::string(r.value()) + "'", "syntax");
        }
        row_index = *number - 1;
      }
      MUSTER_TRY(ReadRow(row, row_index));
      next_row = row_index + 1;
    }
    return std::move(sheet_);
  }

 private:
  Error SheetError(std::string what, std::string reason) const {
    return FileError("sheet '" + sheet_.name + "': " + std::move(what), std::move(reason));
  }
  Error CellError(CellRef ref, std::string what, std::string reason) const {
    return SheetError("cell " + CellName(ref) + ": " + std::move(what), std::move(reason));
  }

  Status ReadRow(pugi::xml_node row, size_t row_index) {
    size_t next_column = 0;
    for (pugi::xml_node cell : row.children()) {
      if (LocalName(cell.name()) != "c") continue;
      CellRef ref{row_index, next_column};
      std::string_view r = cell.attribute("r").value();
      if (!r.empty()) {
        std::optional<CellRef> parsed = ParseCellRef(r);
        if (!parsed) return SheetError("bad cell reference '" + std::string(r) + "'", "syntax");
        ref = *parsed;
      }
      MUSTER_ASSIGN(std::string text, CellText(cell, ref));
      next_column = ref.column + 1;
      if (!text.empty()) MUSTER_TRY(Place(ref, std::move(text)));
    }
    return Ok();
  }

  Result<std::string> CellText(pugi::xml_node cell, CellRef ref) const {
    std::string_view type = cell.attribute("t").value();
    if (type == "inlineStr") return RichText(Child(cell, "is"));
    std::string value = NodeText(Child(cell, "v"));
    if (value.empty()) return value;  // a styled blank, or a formula without cached value
    if (type == "s") {
      std::optional<size_t> index = ParseIndex(value);
      if (!index || *index >= package_.shared_strings.size()) {
        return CellError(ref, "shared string '" + value + "' does not exist", "syntax");
      }
      return package_.shared_strings[*index];
    }
    if (type == "b") {
      if (value == "1" || value == "true") return std::string("TRUE");
      if (value == "0" || value == "false") return std::string("FALSE");
      return value;
    }
    if (type.empty() || type == "n") return NumberText(value, cell.attribute("s").as_uint(0));
    return value;  // "str" (a formula's text), "e" (an error code), "d" (ISO 8601 text)
  }

  std::string NumberText(const std::string& raw, size_t style) const {
    std::string_view text = Trim(raw);
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        !std::isfinite(value)) {
      return raw;
    }
    NumberKind kind =
        style < package_.style_kinds.size() ? package_.style_kinds[style] : NumberKind::kPlain;
    if (std::optional<std::string> date = FormatSerial(value, kind, package_.date1904)) {
      return *date;
    }
    return FormatNumber(value);
  }

  Status Place(CellRef ref, std::string text) {
    auto too_large = [&](std::string what) { return CellError(ref, std::move(what), "too_large"); };
    if (ref.row >= limits_.max_rows) {
      return too_large("more than " + std::to_string(limits_.max_rows) + " rows");
    }
    if (ref.column >= limits_.max_columns) {
      return too_large("more than " + std::to_string(limits_.max_columns) + " columns");
    }
    if (text.size() > limits_.max_cell_bytes) {
      return too_large("longer than " + std::to_string(limits_.max_cell_bytes) + " bytes");
    }
    // pugixml passes bytes through unchecked, and XML cannot hold NUL.
    if (!IsValidUtf8(text) || text.find('\0') != std::string::npos) {
      return CellError(ref, "not valid UTF-8 text", "syntax");
    }
    totals_.text_bytes += text.size();
    if (++totals_.cells > limits_.max_cells || totals_.text_bytes > limits_.max_text_bytes) {
      return too_large("the workbook holds more cells or text than allowed");
    }
    auto& rows = sheet_.rows;
    if (rows.size() <= ref.row) rows.resize(ref.row + 1);
    auto& row = rows[ref.row];
    if (row.size() <= ref.column) row.resize(ref.column + 1);
    row[ref.column] = std::move(text);
    return Ok();
  }

  const XlsxPackage& package_;
  const Limits& limits_;
  Totals& totals_;
  Sheet sheet_;
};

Result<Sheet> ReadWorksheet(ZipReader& zip, const XlsxPackage& package, const XlsxWorksheetRef& ref,
                            const Limits& limits, Totals& totals) {
  MUSTER_ASSIGN(std::string xml, zip.Read(ref.part));
  pugi::xml_document doc;
  MUSTER_TRY(ParseXml(xml, doc, ref.part));
  pugi::xml_node worksheet = doc.document_element();
  if (LocalName(worksheet.name()) != "worksheet") {
    return FileError("damaged XLSX file: " + ref.part + " holds no worksheet", "syntax");
  }
  WorksheetReader reader(package, limits, totals);
  return reader.Read(ref.name, Child(worksheet, "sheetData"));
}

}  // namespace

Result<std::vector<Sheet>> ReadXlsx(std::string_view bytes, const Limits& limits) {
  if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return FileError(
        "this is an old .xls workbook or a password-protected one; save it as .xlsx without a "
        "password",
        "not_xlsx");
  }
  MUSTER_ASSIGN(ZipReader zip, ZipReader::Open(bytes, limits.max_uncompressed_bytes));
  MUSTER_ASSIGN(XlsxPackage package, ReadXlsxPackage(zip));
  Totals totals;
  std::vector<Sheet> sheets;
  for (const XlsxWorksheetRef& ref : package.worksheets) {
    MUSTER_ASSIGN(Sheet sheet, ReadWorksheet(zip, package, ref, limits, totals));
    sheets.push_back(std::move(sheet));
  }
  return sheets;
}

}  // namespace muster::tabular
