#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace muster::cli {

// `muster report summary|by-unit|...|check --from DATE --to DATE`: the statistics of a period
// (docs/statistics.md), as the city administrator sees them.
int RunReport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace muster::cli
