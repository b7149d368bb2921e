#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace mltrack::cli {

// The options of one subcommand: `--name value`, `--name=value`, or a bare `--name` for
// switches. Unknown options and missing values are errors that name the option.
class Flags {
 public:
  // `valued` lists options that take a value, `switches` those that do not.
  static Result<Flags> Parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
                             const std::set<std::string>& switches);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value of `name` (an option given twice takes its last value).
  std::optional<std::string> Get(const std::string& name) const;
  // Every value of `name`, in order (repeatable options such as --allow-host, --upstream).
  std::vector<std::string> GetAll(const std::string& name) const;
  std::string GetOr(const std::string& name, std::string fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // These flags with every option that `over` has replaced by its values there (all of them, for a
  // repeatable option): the command line `over` a config file (serve_config.h).
  Flags OverriddenBy(const Flags& over) const;

 private:
  std::map<std::string, std::string> values_;  // the last value of each option
  std::map<std::string, std::vector<std::string>> all_values_;
  std::vector<std::string> positional_;
};

// "16MiB", "512k", "1048576" → bytes.
Result<size_t> ParseByteSize(const std::string& text);
// "400000" → 400000: a whole number of things (events, days, milliseconds), no unit, no sign.
Result<size_t> ParseCount(const std::string& text);

}  // namespace mltrack::cli
