#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "tabular/encoding.h"
#include "tabular/number_text.h"
#include "tabular/xlsx.h"
#include "tabular/xlsx_xml.h"

namespace muster::tabular {
namespace {

constexpr size_t kExcelMaxRows = 1'048'576;
constexpr size_t kExcelMaxColumns = 16'384;
constexpr size_t kExcelMaxCellUnits = 32'767;
constexpr size_t kExcelMaxSheetNameUnits = 31;
constexpr double kMinColumnWidth = 8;
constexpr double kMaxColumnWidth = 60;

Error SheetsError(std::string message) { return BadRequest(std::move(message), "sheets"); }

std::string Where(const Sheet& sheet, size_t row, size_t column) {
  return "sheet '" + sheet.name + "' row " + std::to_string(row + 1) + " column " +
         std::to_string(column + 1);
}

// Checks everything libxlsxwriter would refuse or silently damage (a NUL ends a C string),
// before any file is created.
Status ValidateSheet(const Sheet& sheet) {
  if (!IsValidUtf8(sheet.name)) return SheetsError("a sheet name is not valid UTF-8");
  if (sheet.rows.size() > kExcelMaxRows) {
    return SheetsError("sheet '" + sheet.name + "' has more rows than Excel's 1,048,576");
  }
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    if (row.size() > kExcelMaxColumns) {
      return SheetsError(Where(sheet, r, kExcelMaxColumns) + ": more columns than Excel's 16,384");
    }
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& cell = row[c];
      if (!IsValidUtf8(cell) || cell.find('\0') != std::string::npos) {
        return SheetsError(Where(sheet, r, c) + ": not valid UTF-8 text");
      }
      if (cell.size() > kExcelMaxCellUnits && Utf16Length(cell) > kExcelMaxCellUnits) {
        return SheetsError(Where(sheet, r, c) + ": longer than Excel's 32,767 characters");
      }
    }
  }
  return Ok();
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Returns `name` within Excel's rules for sheet names, not yet made unique.
std::string CleanSheetName(std::string_view name, size_t index) {
  std::string clean;
  for (char c : name) {
    bool bad = std::strchr("[]:*?/\\", c) != nullptr || static_cast<unsigned char>(c) < 0x20;
    clean.push_back(bad ? '_' : c);
  }
  clean = std::string(TruncateUtf16(clean, kExcelMaxSheetNameUnits));
  size_t first = clean.find_first_not_of('\'');
  clean = first == std::string::npos
              ? ""
              : clean.substr(first, clean.find_last_not_of('\'') - first + 1);
  if (clean.empty()) clean = "Sheet" + std::to_string(index + 1);
  if (AsciiLower(clean) == "history") clean += "_";  // reserved by Excel
  return clean;
}

std::vector<std::string> ExcelSheetNames(const std::vector<Sheet>& sheets) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (size_t i = 0; i < sheets.size(); ++i) {
    std::string base = CleanSheetName(sheets[i].name, i);
    std::string name = base;
    for (int n = 2; used.contains(AsciiLower(name)); ++n) {
      std::string suffix = " (" + std::to_string(n) + ")";
      name = std::string(TruncateUtf16(base, kExcelMaxSheetNameUnits - suffix.size())) + suffix;
    }
    used.insert(AsciiLower(name));
    names.push_back(std::move(name));
  }
  return names;
}

// A private file for libxlsxwriter to write into, removed when this goes out of scope.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }

  Status Create() {
    const char* dir = std::getenv("TMPDIR");
    std::string path =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/muster-xlsx-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) {
      return Unavailable("cannot create a temporary file: " +
                         std::system_category().message(errno));
    }
    close(fd);
    path_ = std::move(path);
    return Ok();
  }

  const std::string& path() const { return path_; }
  std::string Folder() const { return path_.substr(0, path_.rfind('/')); }

 private:
  std::string path_;
};

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Unavailable("cannot read back the XLSX file");
  return bytes;
}

void SetColumnWidths(lxw_worksheet* worksheet, const Sheet& sheet) {
  std::vector<size_t> widths;
  for (const auto& row : sheet.rows) {
    if (widths.size() < row.size()) widths.resize(row.size());
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  for (size_t c = 0; c < widths.size(); ++c) {
    double width =
        std::clamp(static_cast<double>(widths[c]) * 1.1 + 2, kMinColumnWidth, kMaxColumnWidth);
    worksheet_set_column(worksheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                         nullptr);
  }
}

lxw_error WriteCells(lxw_worksheet* worksheet, const Sheet& sheet, lxw_format* header) {
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    lxw_format* format = r == 0 ? header : nullptr;
    const auto& row = sheet.rows[r];
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].empty()) continue;
      auto row_index = static_cast<lxw_row_t>(r);
      auto column = static_cast<lxw_col_t>(c);
      std::optional<double> number = ParseStorableNumber(row[c]);
      lxw_error error = LXW_NO_ERROR;
      if (number) {
        error = worksheet_write_number(worksheet, row_index, column, *number, format);
      } else if (row[c].find("_x") == std::string::npos) {
        error = worksheet_write_string(worksheet, row_index, column, row[c].c_str(), format);
      } else {
        // libxlsxwriter escapes control characters but not text that looks like an escape.
        std::string escaped = EscapeXstring(row[c]);
        error = worksheet_write_string(worksheet, row_index, column, escaped.c_str(), format);
      }
      if (error != LXW_NO_ERROR) return error;
    }
  }
  return LXW_NO_ERROR;
}

// Fills `workbook`; returns the first libxlsxwriter error. The caller closes the workbook.
Status FillWorkbook(lxw_workbook* workbook, const std::vector<Sheet>& sheets) {
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  std::vector<std::string> names = ExcelSheetNames(sheets);
  for (size_t i = 0; i < sheets.size(); ++i) {
    lxw_worksheet* worksheet = workbook_add_worksheet(workbook, names[i].c_str());
    if (worksheet == nullptr) return Internal("libxlsxwriter refused sheet name " + names[i]);
    if (sheets[i].rows.size() > 1) worksheet_freeze_panes(worksheet, 1, 0);
    SetColumnWidths(worksheet, sheets[i]);
    lxw_error error = WriteCells(worksheet, sheets[i], header);
    if (error == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
      // Only possible when escaping "_xHHHH_" lookalikes pushed a cell past the limit.
      return SheetsError("sheet '" + sheets[i].name + "': a cell is too long for Excel");
    }
    if (error != LXW_NO_ERROR) {
      return Internal("cannot write sheet " + names[i] + ": " + lxw_strerror(error));
    }
  }
  return Ok();
}

}  // namespace

Result<std::string> WriteXlsx(const std::vector<Sheet>& sheets) {
  if (sheets.empty()) return SheetsError("a workbook needs at least one sheet");
  for (const Sheet& sheet : sheets) MUSTER_TRY(ValidateSheet(sheet));
  TempFile file;
  MUSTER_TRY(file.Create());
  std::string folder = file.Folder();
  lxw_workbook_options options = {};
  options.tmpdir = folder.data();
  lxw_workbook* workbook = workbook_new_opt(file.path().c_str(), &options);
  if (workbook == nullptr) return Unavailable("cannot start an XLSX workbook");
  Status filled = FillWorkbook(workbook, sheets);
  // workbook_close also frees the workbook, so it runs on the failure path too.
  lxw_error closed = workbook_close(workbook);
  MUSTER_TRY(filled);
  if (closed != LXW_NO_ERROR) {
    return Unavailable("cannot write the XLSX file: " + std::string(lxw_strerror(closed)));
  }
  return ReadWholeFile(file.path());
}

}  // namespace muster::tabular
