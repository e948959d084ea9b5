#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace muster::cli {

// Runs `muster dispatch`: reads an instance (shared/spec/DISPATCH.md), solves it and writes the
// plan. `args` are the words after "dispatch": --in FILE and --out FILE ("-" for stdin / stdout,
// the default), --help. Writes the plan to the file or to `out`; errors, and a progress line when a
// solve runs past 2 seconds, go to `err`. Returns 0 on success, 2 on a usage error or a malformed
// instance (the message names the item and field), 1 when a file cannot be read or written.
int RunDispatchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace muster::cli
