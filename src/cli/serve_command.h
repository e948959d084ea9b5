#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace muster::cli {

// `muster serve`: serves the API and the web interface until SIGTERM or SIGINT.
int RunServe(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// `muster user add`: adds an account (the first city administrator, typically).
int RunUser(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace muster::cli
