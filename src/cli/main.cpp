// muster: the composition root. Picks the subcommand; each subcommand picks its store and clock.
#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "cli/demo_command.h"
#include "cli/dispatch_command.h"
#include "cli/registry_commands.h"
#include "cli/report_command.h"
#include "cli/serve_command.h"

namespace {

using Command = std::function<int(const std::vector<std::string>&, std::ostream&, std::ostream&)>;

struct Subcommand {
  const char* name;
  const char* summary;
  Command run;
};

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> kCommands = {
      {"init", "create or migrate the database and the data key", muster::cli::RunInit},
      {"import", "import registry tables from CSV or XLSX files", muster::cli::RunImport},
      {"export", "export the registry as XLSX or CSV", muster::cli::RunExport},
      {"serve", "serve the API and the web interface", muster::cli::RunServe},
      {"user", "add an account: muster user add ...", muster::cli::RunUser},
      {"demo", "build the synthetic demo city", muster::cli::RunDemo},
      {"dispatch", "solve one dispatch instance (DISPATCH.md)", muster::cli::RunDispatchCommand},
      {"report", "the statistics of a period: muster report summary ...", muster::cli::RunReport},
  };
  return kCommands;
}

void Usage(std::ostream& out) {
  out << "usage: muster COMMAND [options]   (muster COMMAND --help for its options)\n\n";
  for (const auto& c : Subcommands()) {
    out << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    Usage(std::cout);
    return args.empty() ? 2 : 0;
  }
  for (const auto& c : Subcommands()) {
    if (args[0] != c.name) continue;
    try {
      return c.run(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "muster " << c.name << ": internal error: " << e.what() << "\n";
      return 70;
    }
  }
  std::cerr << "muster: unknown command " << args[0] << " (see muster --help)\n";
  return 2;
}
