#include "cli/flags.h"

#include <cctype>
#include <charconv>

namespace mltrack::cli {

Result<Flags> Flags::Parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
                           const std::set<std::string>& switches) {
  Flags flags;
  for (size_t arg_idx = 0; arg_idx < args.size(); ++arg_idx) {
    const std::string& arg = args[arg_idx];
    if (!arg.starts_with("--")) {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (switches.count(name)) {
      if (inline_value) return Status::InvalidArgument("option --" + name + " takes no value");
      flags.values_[name] = "true";
    } else if (valued.count(name)) {
      if (inline_value) {
        flags.values_[name] = *inline_value;
      } else if (arg_idx + 1 < args.size()) {
        flags.values_[name] = args[++arg_idx];
      } else {
        return Status::InvalidArgument("option --" + name + " needs a value");
      }
      flags.all_values_[name].push_back(flags.values_[name]);
    } else {
      return Status::InvalidArgument("unknown option --" + name);
    }
  }
  return flags;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  auto it = all_values_.find(name);
  return it == all_values_.end() ? std::vector<std::string>{} : it->second;
}

Flags Flags::OverriddenBy(const Flags& over) const {
  Flags merged = *this;
  for (const auto& [name, value] : over.values_) {
    merged.values_[name] = value;
    merged.all_values_.erase(name);
  }
  for (const auto& [name, values] : over.all_values_) merged.all_values_[name] = values;
  merged.positional_.insert(merged.positional_.end(), over.positional_.begin(), over.positional_.end());
  return merged;
}

std::string Flags::GetOr(const std::string& name, std::string fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

Result<size_t> ParseCount(const std::string& text) {
  size_t number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status::InvalidArgument("\"" + text + "\" is not a whole number");
  }
  return number;
}

Result<size_t> ParseByteSize(const std::string& text) {
  size_t number = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc() || ptr == text.data()) {
    return Status::InvalidArgument("\"" + text + "\" is not a size (e.g. 16MiB, 512k, 1048576)");
  }
  std::string unit(ptr, end);
  for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  size_t multiplier = 1;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    multiplier = size_t{1} << 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    multiplier = size_t{1} << 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    multiplier = size_t{1} << 30;
  } else {
    return Status::InvalidArgument("\"" + text + "\" has an unknown unit (use k, MiB, GiB)");
  }
  return number * multiplier;
}

}  // namespace mltrack::cli
