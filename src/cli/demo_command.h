#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace muster::cli {

// `muster demo`: builds the synthetic demo city (the source city's shape) into its own database.
int RunDemo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace muster::cli
