#include "cli/args.h"

namespace muster::cli {

Args& Args::Option(std::string name) {
  options_.insert(std::move(name));
  return *this;
}

Args& Args::Flag(std::string name) {
  flags_.insert(std::move(name));
  return *this;
}

Status Args::Parse(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word.size() < 3 || word.rfind("--", 0) != 0) {
      positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    if (flags_.count(name) && !inline_value) {
      flags_set_.insert(name);
    } else if (options_.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) return BadRequest("--" + name + " needs a value", name);
        value = argv[++i];
      }
      values_[name] = value;
    } else {
      return BadRequest("unknown option --" + name + " (see --help)", name);
    }
  }
  return Ok();
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::GetOr(const std::string& name, const std::string& fallback) const {
  return Get(name).value_or(fallback);
}

}  // namespace muster::cli
