#include "cli/serve_config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "server/config/toml.h"

namespace mltrack::cli {
namespace {

using server::config::TomlEntry;
using server::config::TomlValue;

enum class Kind {
  kValue,   // a string, or a number written as one (workers = 4 is --workers 4)
  kList,    // a repeatable flag: an array of strings (or one string)
  kSwitch,  // true gives the switch, false leaves it off
};

struct ConfigKey {
  const char* table;  // "" = before any [table]
  const char* key;
  const char* flag;
  Kind kind;
};

// The whole file format; docs/operations.md "Configuration" lists the same keys.
constexpr ConfigKey kKeys[] = {
    {"", "data", "data", Kind::kValue},
    {"", "listen", "listen", Kind::kValue},
    {"", "prices", "prices", Kind::kValue},
    {"", "web-dir", "web-dir", Kind::kValue},
    {"", "workers", "workers", Kind::kValue},
    {"", "demo", "demo", Kind::kSwitch},
    {"", "demo-events", "demo-events", Kind::kValue},
    {"log", "level", "log-level", Kind::kValue},
    {"log", "format", "log-format", Kind::kValue},
    {"http", "allow-host", "allow-host", Kind::kList},
    {"http", "allow-origin", "allow-origin", Kind::kList},
    {"http", "max-body", "max-body", Kind::kValue},
    {"http", "max-inflight", "max-inflight", Kind::kValue},
    {"http", "max-inflight-wait-ms", "max-inflight-wait-ms", Kind::kValue},
    {"http", "max-connections", "max-connections", Kind::kValue},
    {"http", "read-timeout", "read-timeout", Kind::kValue},
    {"tls", "cert", "tls-cert", Kind::kValue},
    {"tls", "key", "tls-key", Kind::kValue},
    {"auth", "rate-limit", "rate-limit", Kind::kValue},
    {"auth", "rate-burst", "rate-burst", Kind::kValue},
    {"auth", "anonymous-rate-limit", "anonymous-rate-limit", Kind::kValue},
    {"auth", "anonymous-rate-burst", "anonymous-rate-burst", Kind::kValue},
    {"query", "timeout", "query-timeout", Kind::kValue},
    {"query", "memory", "query-memory", Kind::kValue},
    {"query", "cache", "query-cache", Kind::kValue},
    {"store", "url", "store", Kind::kValue},
    {"store", "retention", "retention", Kind::kValue},
    {"store", "max-tag-keys", "max-tag-keys", Kind::kValue},
    {"store", "clickhouse-queue", "clickhouse-queue", Kind::kValue},
    {"proxy", "upstream", "upstream", Kind::kList},
    {"proxy", "upstream-ca", "upstream-ca", Kind::kValue},
    {"proxy", "upstream-timeout", "upstream-timeout", Kind::kValue},
    {"proxy", "cache", "proxy-cache", Kind::kValue},
    {"proxy", "cache-ttl", "proxy-cache-ttl", Kind::kValue},
    {"webhooks", "retry-min", "webhook-retry-min", Kind::kValue},
    {"webhooks", "retry-max", "webhook-retry-max", Kind::kValue},
    {"webhooks", "ca", "webhook-ca", Kind::kValue},
};

std::string Where(const std::string& table, const std::string& key) {
  return table.empty() ? key : "[" + table + "] " + key;
}

// "; did you mean [log] level?" when `key` is another table's key or a flag's name.
std::string Suggestion(const std::string& key) {
  for (const ConfigKey& known : kKeys) {
    if (key == known.key || key == known.flag) return "; did you mean " + Where(known.table, known.key) + "?";
  }
  return "";
}

// The text a flag takes for a number: 4 → "4", 2.5 → "2.5".
std::string NumberText(const TomlValue& value) {
  if (const int64_t* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, std::get<double>(value));
  return std::string(buffer, end);
}

// The command-line words for one entry; InvalidArgument (without the file's name) when its value
// has the wrong type.
Result<std::vector<std::string>> ArgsFor(const ConfigKey& known, const TomlEntry& entry) {
  const std::string flag = std::string("--") + known.flag;
  const std::string wrong = "line " + std::to_string(entry.line) + ": " + Where(entry.table, entry.key);
  switch (known.kind) {
    case Kind::kSwitch:
      if (!std::holds_alternative<bool>(entry.value)) {
        return Status::InvalidArgument(wrong + " must be true or false, not a " +
                                       server::config::TomlTypeName(entry.value));
      }
      return std::get<bool>(entry.value) ? std::vector<std::string>{flag} : std::vector<std::string>{};
    case Kind::kList: {
      std::vector<std::string> items;
      if (const std::string* one = std::get_if<std::string>(&entry.value)) {
        items.push_back(*one);
      } else if (const auto* many = std::get_if<std::vector<std::string>>(&entry.value)) {
        items = *many;
      } else {
        return Status::InvalidArgument(wrong + " must be an array of strings, not a " +
                                       server::config::TomlTypeName(entry.value));
      }
      std::vector<std::string> args;
      for (std::string& item : items) {
        args.push_back(flag);
        args.push_back(std::move(item));
      }
      return args;
    }
    case Kind::kValue:
      if (const std::string* text = std::get_if<std::string>(&entry.value)) return std::vector<std::string>{flag, *text};
      if (std::holds_alternative<int64_t>(entry.value) || std::holds_alternative<double>(entry.value)) {
        return std::vector<std::string>{flag, NumberText(entry.value)};
      }
      return Status::InvalidArgument(wrong + " must be a string or a number, not " +
                                     (std::holds_alternative<bool>(entry.value) ? std::string("a boolean")
                                                                                : std::string("an array")));
  }
  return Status::Internal("unknown config key kind");
}

}  // namespace

const std::set<std::string>& ServeValuedFlags() {
  static const std::set<std::string> kValued = [] {
    std::set<std::string> flags{"config"};
    for (const ConfigKey& known : kKeys) {
      if (known.kind != Kind::kSwitch) flags.insert(known.flag);
    }
    return flags;
  }();
  return kValued;
}

const std::set<std::string>& ServeSwitches() {
  static const std::set<std::string> kSwitches = [] {
    std::set<std::string> flags;
    for (const ConfigKey& known : kKeys) {
      if (known.kind == Kind::kSwitch) flags.insert(known.flag);
    }
    return flags;
  }();
  return kSwitches;
}

Result<ServeConfig> LoadServeConfig(const std::filesystem::path& path, bool from_data_dir) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read the config file " + file);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::InvalidArgument("cannot read the config file " + file);
  Result<std::vector<TomlEntry>> entries = server::config::ParseToml(text.str());
  if (!entries.ok()) return Status::InvalidArgument(file + ": " + entries.status().message());

  ServeConfig config;
  std::vector<std::string> args;
  for (const TomlEntry& entry : *entries) {
    const ConfigKey* known = nullptr;
    bool table_known = entry.table.empty();
    for (const ConfigKey& candidate : kKeys) {
      table_known = table_known || entry.table == candidate.table;
      if (entry.table == candidate.table && entry.key == candidate.key) known = &candidate;
    }
    const std::string at = file + ": line " + std::to_string(entry.line) + ": ";
    if (!table_known) {
      return Status::InvalidArgument(at + "unknown table [" + entry.table +
                                     "] (tables: log, http, tls, auth, query, store, proxy, webhooks)");
    }
    if (known == nullptr) {
      return Status::InvalidArgument(at + "unknown key " + Where(entry.table, entry.key) + Suggestion(entry.key) +
                                     " (docs/operations.md lists every key)");
    }
    if (from_data_dir && std::string_view(known->flag) == "data") {
      return Status::InvalidArgument(at + "data may not be set in <data>/mltrack.toml: the file's directory is the data directory");
    }
    Result<std::vector<std::string>> words = ArgsFor(*known, entry);
    if (!words.ok()) return Status::InvalidArgument(file + ": " + words.status().message());
    args.insert(args.end(), words->begin(), words->end());
    config.origins[known->flag] =
        Where(entry.table, entry.key) + " (line " + std::to_string(entry.line) + " of " + file + ")";
  }
  Result<Flags> flags = Flags::Parse(args, ServeValuedFlags(), ServeSwitches());
  if (!flags.ok()) return Status::InvalidArgument(file + ": " + flags.status().message());
  config.flags = std::move(*flags);
  return config;
}

std::filesystem::path ServeConfigPath(const Flags& command_line, bool& from_data_dir) {
  from_data_dir = false;
  if (command_line.Has("config")) return *command_line.Get("config");
  if (!command_line.Has("data")) return {};
  std::error_code ec;
  std::filesystem::path in_data = std::filesystem::path(*command_line.Get("data")) / "mltrack.toml";
  if (!std::filesystem::is_regular_file(in_data, ec)) return {};
  from_data_dir = true;
  return in_data;
}

}  // namespace mltrack::cli
