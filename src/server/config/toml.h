#pragma once
// A small subset of TOML (https://toml.io/en/v1.0.0) for mltrack.toml (docs/operations.md,
// "Configuration"): `key = value` lines under optional `[table]` headers, `#` comments, and values
// that are basic "strings" (with \" \\ \n \t \r \uXXXX escapes) or 'literal strings', integers
// (with optional sign and _ separators), floats, true/false, and arrays of strings (which may span
// lines). Not supported, and refused with the line's number: dotted or quoted keys, inline tables,
// arrays of tables, multi-line strings, dates, arrays of non-strings.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace mltrack::server::config {

using TomlValue = std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;

// One `key = value`; `table` is empty for keys before the first [table] header.
struct TomlEntry {
  std::string table;
  std::string key;
  TomlValue value;
  int line = 0;  // 1-based, where the key is
};

// The entries in file order. InvalidArgument "line N: <reason>" for the first line that is not in
// the subset, a key given twice in one table, or a table header given twice.
Result<std::vector<TomlEntry>> ParseToml(std::string_view text);

// "string", "integer", "float", "boolean" or "array of strings", for error messages.
const char* TomlTypeName(const TomlValue& value);

}  // namespace mltrack::server::config
