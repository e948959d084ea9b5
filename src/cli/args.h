#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace muster::cli {

// The options of one subcommand: `--name VALUE` (or `--name=VALUE`) options, `--flag` switches
// and positional arguments. Parse refuses options the command does not know.
class Args {
 public:
  // Declares an option taking a value / a switch.
  Args& Option(std::string name);
  Args& Flag(std::string name);

  // Parses `argv` (the words after the subcommand). Errors name the offending word.
  Status Parse(const std::vector<std::string>& argv);

  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  bool Has(const std::string& flag) const { return flags_set_.count(flag) > 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::set<std::string> options_, flags_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace muster::cli
