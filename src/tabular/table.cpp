#include "tabular/table.h"

#include "tabular/csv.h"
#include "tabular/xlsx.h"

namespace muster::tabular {

Result<std::vector<Sheet>> ReadTable(std::string_view bytes, std::string csv_name,
                                     const Limits& limits) {
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return ReadXlsx(bytes, limits);
  }
  MUSTER_ASSIGN(Sheet sheet, ReadCsv(bytes, std::move(csv_name), limits));
  std::vector<Sheet> sheets;
  sheets.push_back(std::move(sheet));
  return sheets;
}

}  // namespace muster::tabular
