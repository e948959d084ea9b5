#include "cli/dispatch_command.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "dispatch/engine.h"
#include "dispatch/instance.h"
#include "dispatch/plan.h"

namespace muster::cli {
namespace {

constexpr char kUsage[] =
    "usage: muster dispatch [--in INSTANCE.json] [--out PLAN.json]\n"
    "\n"
    "Assigns volunteers to shifts: maximal coverage (sum of shift priorities), then minimal cost\n"
    "(distance in metres plus unit penalties). See shared/spec/DISPATCH.md for the formats.\n"
    "The plan's \"method\" says which guarantee applies: flow_exact and exact_small are optimal;\n"
    "bounded is within 0.5% of the proven \"bound\"; heuristic_bounded reports its proven bound.\n"
    "\n"
    "  --in FILE    the instance to solve; \"-\" (the default) reads standard input\n"
    "  --out FILE   where to write the plan; \"-\" (the default) writes standard output\n"
    "  --help       print this text\n"
    "\n"
    "Exit status: 0 solved, 2 usage error or malformed instance, 1 file not readable/writable.\n";

struct Options {
  std::string in = "-";
  std::string out = "-";
  bool help = false;
};

std::optional<Options> ParseArgs(const std::vector<std::string>& args, std::ostream& err) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      options.help = true;
    } else if ((a == "--in" || a == "--out") && i + 1 < args.size()) {
      (a == "--in" ? options.in : options.out) = args[++i];
    } else if (a.rfind("--in=", 0) == 0) {
      options.in = a.substr(5);
    } else if (a.rfind("--out=", 0) == 0) {
      options.out = a.substr(6);
    } else {
      err << "muster dispatch: "
          << (a == "--in" || a == "--out" ? "missing file after " : "unknown argument ") << a
          << "\n"
          << kUsage;
      return std::nullopt;
    }
  }
  return options;
}

std::optional<std::string> ReadAll(const std::string& path, std::ostream& err) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << "muster dispatch: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  return std::move(text).str();
}

bool WriteAll(const std::string& path, const std::string& text, std::ostream& out,
              std::ostream& err) {
  if (path == "-") {
    out << text;
    return static_cast<bool>(out.flush());
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!(file << text) || !file.flush()) {
    err << "muster dispatch: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int RunDispatchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::optional<Options> options = ParseArgs(args, err);
  if (!options) return 2;
  if (options->help) {
    out << kUsage;
    return 0;
  }
  std::optional<std::string> text = ReadAll(options->in, err);
  if (!text) return 1;
  Result<dispatch::Instance> instance = dispatch::ParseInstance(*text);
  if (!instance.ok()) {
    err << "muster dispatch: malformed instance: " << instance.error().ToString() << "\n";
    return 2;
  }
  text.reset();  // the JSON text is no longer needed; big instances are tens of megabytes

  auto started = std::chrono::steady_clock::now();
  dispatch::SolveOptions solve;
  solve.progress = [&](std::string_view line) {
    // Quick solves stay silent; a long one tells the coordinator it is still working.
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (seconds > 2.0) err << "muster dispatch: " << line << " (" << int(seconds) << " s)\n";
  };
  dispatch::Plan plan = dispatch::Solve(*instance, solve);
  return WriteAll(options->out, dispatch::PlanToJson(plan), out, err) ? 0 : 1;
}

}  // namespace muster::cli
