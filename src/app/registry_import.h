#pragma once

#include <string>
#include <vector>

#include "app/registry.h"
#include "base/result.h"
#include "store/store.h"
#include "tabular/sheet.h"

namespace muster::app {

// The registry tables that files carry, in the order an import applies them.
enum class RegistryTable { kRegions, kUnits, kDepartments, kBranches, kSites, kMembers, kPairings };

// Returns the table a sheet or file name stands for ("units", "units.csv", "单位"...), if any.
std::optional<RegistryTable> TableForName(std::string_view sheet_name);
std::string_view TableName(RegistryTable t);

// One refused row: `row` is the spreadsheet row number (the header is row 1), `field` the column.
struct RejectedRow {
  std::string sheet;
  int row = 0;
  std::string field;
  std::string message;
  std::string reason;  // Error::reason, when the refusal has one
};

struct TableCounts {
  std::string table;
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

struct ImportReport {
  std::vector<TableCounts> tables;  // one per table present, in import order
  std::vector<RejectedRow> rejected;
  bool committed = false;  // false: nothing was written (errors, and valid rows were not asked for)

  // Returns the number of rows created or updated.
  int Imported() const;
};

struct ImportOptions {
  // Import the valid rows even when others are refused (by default a file with errors imports
  // nothing).
  bool valid_rows_only = false;
  // When set, only member rows of this unit are accepted (a unit administrator's import); other
  // tables are refused.
  std::optional<UnitId> only_unit = std::nullopt;
};

// Imports the registry from sheets (CSV files or XLSX worksheets named by their table; see
// docs/import.md for the columns). All sheets are applied in one transaction: natural keys find
// what exists (a unit by name, a street by name, a community by street and name, a member by
// phone), so importing the same files twice changes nothing the second time. Every refused row
// is reported with its row, field and reason. Fails (kBadRequest) only when a sheet cannot be
// read at all: an unknown table name or a missing required column.
Result<ImportReport> ImportRegistry(store::Store& store, const RegistryRules& rules,
                                    const std::vector<tabular::Sheet>& sheets,
                                    const ImportOptions& options);

// Exports the registry as sheets in the import's format (so an export imports back). Phones and
// ID numbers are masked unless `with_personal_data`; the pairings are those in force today.
Result<std::vector<tabular::Sheet>> ExportRegistry(store::Store& store, const RegistryRules& rules,
                                                   bool with_personal_data);

}  // namespace muster::app
