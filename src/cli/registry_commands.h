#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace muster::cli {

// `muster init`: creates or migrates the database and creates the data key file if missing.
int RunInit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `muster import FILE...`: imports registry tables from CSV/XLSX files.
int RunImport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `muster export --out PATH`: exports the registry as one XLSX workbook or a folder of CSV files.
int RunExport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace muster::cli
