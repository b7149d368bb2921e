#pragma once
// mltrack.toml for `mltrack serve` (docs/operations.md, "Configuration"): every key of the file is
// one serve flag, grouped in tables ([http] max-body = "16MiB" is --max-body 16MiB). The file is
// --config PATH, else <data>/mltrack.toml when it exists; flags given on the command line override
// the file (a repeatable flag such as --allow-origin replaces the file's whole list).

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "core/status.h"

namespace mltrack::cli {

// The flags `serve` takes: those with a value and the switches (serve_command.cc).
const std::set<std::string>& ServeValuedFlags();
const std::set<std::string>& ServeSwitches();

struct ServeConfig {
  Flags flags;  // what the file sets, as if given on the command line
  // For each flag the file sets: "[http] max-body (line 12 of /etc/mltrack.toml)", so that a value
  // refused later is traced back to the file.
  std::map<std::string, std::string> origins;
};

// Reads and checks the file. InvalidArgument naming the file, the line, the key and the reason for
// unreadable text, a syntax error, an unknown table or key, or a value of the wrong type.
// `from_data_dir`: the file is <data>/mltrack.toml, where `data` itself may not be set.
Result<ServeConfig> LoadServeConfig(const std::filesystem::path& path, bool from_data_dir);

// Which file applies to `command_line`: --config, else <--data>/mltrack.toml when that exists,
// else none (empty path). Sets `from_data_dir` accordingly.
std::filesystem::path ServeConfigPath(const Flags& command_line, bool& from_data_dir);

}  // namespace mltrack::cli
