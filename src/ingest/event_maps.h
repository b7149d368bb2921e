#pragma once
// Internal to the ingest module: the readers of an event's two maps, `scores` (name → number)
// and `tags` (string → string), by the rules of docs/event_schema.md: at most 64 entries, keys
// of 1..128 bytes of UTF-8, no duplicate keys, a null entry is absent.

#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

#include "ingest/value_reader.h"

namespace mltrack::ingest {

// Appends the valid entries of `value` (an object, or null for none) to `scores`, and adds a
// problem under "scores" or "scores.<name>" for each broken rule; the other entries are still
// read. Returns a simdjson error only when the JSON is malformed.
simdjson::error_code ReadScores(ValueReader& reader, simdjson::ondemand::value& value,
                                std::vector<std::pair<std::string, double>>& scores);

// As ReadScores, for `tags`: values are strings of at most kMaxStringBytes.
simdjson::error_code ReadTags(ValueReader& reader, simdjson::ondemand::value& value,
                              std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace mltrack::ingest
