#include "ingest/event_maps.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/event.h"

namespace mltrack::ingest {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using od::json_type;

namespace {

// What tells the two maps apart in their problems.
struct MapRule {
  std::string_view field;      // "scores" or "tags"
  std::string_view type_rule;  // the reason when the value is not an object
  std::string_view key_noun;   // "score name" or "tag key"
  size_t max_entries;
};

template <typename Value>
bool HasKey(const std::vector<std::pair<std::string, Value>>& entries, std::string_view key) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const auto& entry) { return entry.first == key; });
}

// Reads `value` as an object into `out`. Checks the keys, the entry count and duplicates, skips
// null entries, and leaves the rest of each entry to `read_entry(value, type, path, parsed)`,
// which sets `parsed` or adds a problem.
template <typename Value, typename ReadEntry>
error_code ReadMap(ValueReader& reader, od::value& value, const MapRule& rule,
                   std::vector<std::pair<std::string, Value>>& out, ReadEntry read_entry) {
  json_type type;
  bool is_null = false;
  if (error_code err = reader.TypeOrNull(value, type, is_null); err || is_null) return err;
  if (type != json_type::object) {
    reader.Problem(std::string(rule.field),
                   std::string(rule.type_rule) + ", " + ValueReader::Got(value, type));
    return SUCCESS;
  }
  od::object object;
  if (error_code err = value.get_object().get(object)) return err;
  size_t entries = 0;
  bool reported_too_many = false;
  for (auto entry_result : object) {  // an entry left unread is skipped by the iteration
    od::field entry;
    if (error_code err = std::move(entry_result).get(entry)) return err;
    const bool key_bad_utf8 = reader.HasBadUtf8Key(entry);
    std::string_view key;
    if (error_code err = ValueReader::Key(entry, key)) return err;
    const FieldPath path{rule.field, key};
    if (key_bad_utf8) {
      reader.Problem(path.str(), "the " + std::string(rule.key_noun) + " is not valid UTF-8");
      continue;
    }
    if (key.empty()) {
      reader.Problem(std::string(rule.field),
                     "an empty " + std::string(rule.key_noun) + " is not allowed");
      continue;
    }
    if (key.size() > kMaxKeyBytes) {
      reader.Problem(path.str(), "the " + std::string(rule.key_noun) + " is longer than " +
                                     std::to_string(kMaxKeyBytes) + " bytes (got " +
                                     std::to_string(key.size()) + ")");
      continue;
    }
    if (++entries > rule.max_entries) {
      if (!reported_too_many) {
        reader.Problem(std::string(rule.field),
                       "more than " + std::to_string(rule.max_entries) + " entries");
        reported_too_many = true;
      }
      continue;
    }
    od::value entry_value = entry.value();
    json_type entry_type;
    bool entry_is_null = false;
    if (error_code err = reader.TypeOrNull(entry_value, entry_type, entry_is_null)) return err;
    if (entry_is_null) continue;
    if (HasKey(out, key)) {
      reader.Problem(path.str(), "duplicate " + std::string(rule.key_noun));
      continue;
    }
    std::string owned_key(key);
    std::optional<Value> parsed;
    if (error_code err = read_entry(entry_value, entry_type, path, parsed)) return err;
    if (!parsed) continue;
    if (out.empty()) out.reserve(4);
    out.emplace_back(std::move(owned_key), std::move(*parsed));
  }
  return SUCCESS;
}

}  // namespace

error_code ReadScores(ValueReader& reader, od::value& value,
                      std::vector<std::pair<std::string, double>>& scores) {
  constexpr MapRule kRule{"scores", "must be an object of name → number", "score name",
                          kMaxScoresPerEvent};
  return ReadMap(reader, value, kRule, scores,
                 [&](od::value& score, json_type type, const FieldPath& path,
                     std::optional<double>& parsed) -> error_code {
                   if (type == json_type::number) {
                     parsed = ToFiniteDouble(TrimJson(score.raw_json_token()));
                   }
                   if (!parsed) {
                     reader.Problem(path.str(),
                                    "must be a finite number, " + ValueReader::Got(score, type));
                   }
                   return SUCCESS;
                 });
}

error_code ReadTags(ValueReader& reader, od::value& value,
                    std::vector<std::pair<std::string, std::string>>& tags) {
  constexpr MapRule kRule{"tags", "must be an object of string → string", "tag key",
                          kMaxTagsPerEvent};
  return ReadMap(
      reader, value, kRule, tags,
      [&](od::value& tag, json_type type, const FieldPath& path,
          std::optional<std::string>& parsed) -> error_code {
        std::string_view text;
        bool usable = false;
        std::string rule = "must be a string";
        if (type == json_type::number || type == json_type::boolean) {  // quote the value sent
          std::string_view raw = tag.raw_json_token();
          while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
          rule += " (tag values are strings: write \"" + std::string(raw) + "\", not " + std::string(raw) + ")";
        }
        if (error_code err = reader.ReadText(tag, type, path, kMaxStringBytes, rule, text, usable)) {
          return err;
        }
        if (usable) parsed.emplace(text);
        return SUCCESS;
      });
}

}  // namespace mltrack::ingest
