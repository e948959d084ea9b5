#pragma once

// The file format of registry imports and exports: which sheets, which columns (with the Chinese
// headers offices use), and how cells are read. Internal to app/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/registry_import.h"
#include "base/result.h"
#include "domain/registry.h"
#include "tabular/sheet.h"

namespace muster::app {

struct ColumnSpec {
  std::string_view key;                   // canonical header, as exports write it
  std::vector<std::string_view> aliases;  // other accepted headers (Chinese)
  bool required = false;
};

struct TableSpec {
  RegistryTable table;
  std::string_view name;                  // canonical sheet or file name
  std::vector<std::string_view> aliases;  // other accepted sheet names
  std::vector<ColumnSpec> columns;
};

// Returns the specs of all tables in import order.
const std::vector<TableSpec>& RegistryTableSpecs();
const TableSpec& SpecOf(RegistryTable t);

// A sheet matched to its table, with the column index of each spec column (-1: absent).
struct BoundSheet {
  const TableSpec* spec = nullptr;
  const tabular::Sheet* sheet = nullptr;
  std::vector<int> column_index;
};

// Matches sheets to tables and headers to columns, in import order. Fails naming the sheet when
// its name is no table, a header is unknown or repeated, or a required column is missing.
Result<std::vector<BoundSheet>> BindSheets(const std::vector<tabular::Sheet>& sheets);

// One data row of a bound sheet.
struct RowView {
  const BoundSheet* bound = nullptr;
  std::size_t index = 0;  // 0-based row in the sheet (0 is the header)

  // Returns the trimmed cell of column `key` ("" when absent or empty).
  std::string_view Get(std::string_view key) const;
  // Returns the spreadsheet row number (the header is row 1).
  int Number() const { return static_cast<int>(index) + 1; }
  bool Blank() const;
};

enum class Outcome { kCreated, kUpdated, kUnchanged, kDeferred, kPlanned };

// Cell readers: an empty cell gives the default; errors name the column.
Result<bool> ParseBoolCell(const RowView& r, std::string_view key);
Result<std::optional<double>> ParseNumberCell(const RowView& r, std::string_view key);
Result<std::optional<Date>> ParseDateCell(const RowView& r, std::string_view key);
Result<domain::StreetKind> ParseStreetKindCell(const RowView& r);
Result<domain::CommunityKind> ParseCommunityKindCell(const RowView& r);
Result<domain::UnitKind> ParseUnitKindCell(const RowView& r);
Result<domain::Risk> ParseRiskCell(const RowView& r);
// Splits a list cell on ; , / 、，； and spaces.
std::vector<std::string> SplitList(std::string_view cell);

// Compares the stored fields of two members (not ids, not ID numbers).
bool SameMember(const domain::Member& a, const domain::Member& b);

}  // namespace muster::app
