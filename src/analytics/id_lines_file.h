#pragma once
// The text of the small durable lists of analytics (REPORTS, ANNOTATIONS; docs/reports_format.md):
// a version line, "next_id N", then one JSON object per line. The file itself is a checked file
// (core/checked_file.h); this is only its body.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "core/status.h"

namespace mltrack::analytics {

// The body for `items`, each written as one JSON line by `write(JsonWriter&, const T&)`.
template <typename T, typename Write>
std::string FormatIdLines(std::string_view first_line, int64_t next_id, const std::vector<T>& items, Write write) {
  std::string body;
  body.append(first_line).append("\nnext_id ").append(std::to_string(next_id)).append("\n");
  for (const T& item : items) {
    JsonWriter json;
    write(json, item);
    body.append(json.str()).append("\n");
  }
  return body;
}

struct IdLines {
  int64_t next_id = 1;
  std::vector<std::string> lines;  // the JSON lines, not yet parsed
};

// Splits a body FormatIdLines wrote. Corruption naming what is wrong ("unknown version",
// "no next_id line", "bad next_id") when it is not one with `first_line`.
Result<IdLines> SplitIdLines(std::string_view first_line, const std::string& body);

}  // namespace mltrack::analytics
