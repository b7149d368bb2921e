#include "query/event_search_parser.h"

#include <optional>
#include <string>

#include "core/time.h"
#include "query/filter_parser.h"
#include "query/parse_support.h"

namespace mltrack::query {
namespace {

using namespace parse;  // NOLINT: .cc file

constexpr int64_t kDefaultRangeMs = 7LL * 24 * 3600 * 1000;
constexpr size_t kMaxQueryBytes = 256;


void ParseSort(element value, EventSearch& search, Errors& errors) {
  if (value.type() != element_type::OBJECT) {
    errors.Add(-1, "sort", std::string("expected an object {\"by\": \"ts\", \"dir\": \"desc\"}, got ") +
                               TypeName(value.type()));
    return;
  }
  for (auto [key, item] : simdjson::dom::object(value)) {
    const bool is_string = item.type() == element_type::STRING;
    std::string_view text = is_string ? std::string_view(item) : std::string_view();
    if (key == "by") {
      if (text == "ts") search.sort = SearchSort::kTs;
      else if (text == "cost") search.sort = SearchSort::kCost;
      else if (text == "latency") search.sort = SearchSort::kLatency;
      else errors.Add(-1, "sort.by", "expected \"ts\", \"cost\" or \"latency\"");
    } else if (key == "dir") {
      if (text == "asc" || text == "desc") search.descending = text == "desc";
      else errors.Add(-1, "sort.dir", "expected \"asc\" or \"desc\"");
    } else {
      errors.Add(-1, "sort." + std::string(key), "unknown field (expected by, dir)");
    }
  }
}

void ParseLimit(element value, EventSearch& search, Errors& errors) {
  if (value.type() != element_type::INT64 && value.type() != element_type::UINT64) {
    errors.Add(-1, "limit", std::string("expected an integer 1..1000, got ") + TypeName(value.type()));
    return;
  }
  const bool negative = value.type() == element_type::INT64 && int64_t(value) < 1;
  const uint64_t limit = negative ? 0 : uint64_t(value);
  if (negative || limit < 1 || limit > kMaxSearchLimit) {
    errors.Add(-1, "limit", "must be 1..1000 (a page; follow next_cursor for more), got " +
                                (negative ? std::to_string(int64_t(value)) : std::to_string(limit)));
    return;
  }
  search.limit = static_cast<size_t>(limit);
}

}  // namespace

Result<EventSearch> ParseEventSearch(std::string_view json, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json.empty() ? std::string_view("{}") : json);
  element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("invalid search: not JSON: ") + simdjson::error_message(error),
                                   {{-1, "", std::string("not JSON: ") + simdjson::error_message(error)}});
  }
  if (root.type() != element_type::OBJECT) {
    return Status::InvalidArgument("invalid search: expected a JSON object", {{-1, "", "expected a JSON object"}});
  }
  Errors errors;
  EventSearch search;
  std::optional<element> from_json, to_json, cursor_json;
  for (auto [key, value] : simdjson::dom::object(root)) {
    if (key == "from") {
      from_json = value;
    } else if (key == "to") {
      to_json = value;
    } else if (key == "cursor") {
      if (value.type() != element_type::NULL_VALUE) cursor_json = value;
    } else if (key == "filters") {
      if (value.type() != element_type::ARRAY) {
        errors.Add(-1, "filters", std::string("expected an array, got ") + TypeName(value.type()));
        continue;
      }
      size_t index = 0;
      for (element item : simdjson::dom::array(value)) ParseFilter(item, index++, errors, search.filters);
    } else if (key == "q") {
      if (value.type() != element_type::STRING) {
        errors.Add(-1, "q", std::string("expected a string, got ") + TypeName(value.type()));
      } else if (std::string_view(value).size() > kMaxQueryBytes) {
        errors.Add(-1, "q", "longer than 256 bytes");
      } else {
        search.q = std::string(std::string_view(value));
      }
    } else if (key == "sort") {
      ParseSort(value, search, errors);
    } else if (key == "limit") {
      ParseLimit(value, search, errors);
    } else {
      errors.Add(-1, std::string(key), "unknown field (expected from, to, filters, q, sort, cursor, limit)");
    }
  }
  for (size_t idx = 0; idx < search.filters.size(); ++idx) {
    if (IsKeyedBound(search.filters[idx])) {
      errors.Add(static_cast<int64_t>(idx), "filters", "per-key bounds (\"by\") are not available in a search");
    }
  }
  search.to_ms = now_ms;
  search.from_ms = now_ms - kDefaultRangeMs;
  bool times_ok = true;
  if (to_json) {
    std::optional<int64_t> to = ParseTime(*to_json, "to", now_ms, errors);
    times_ok &= to.has_value();
    if (to) search.to_ms = *to;
  }
  if (from_json) {
    std::optional<int64_t> from = ParseTime(*from_json, "from", now_ms, errors);
    times_ok &= from.has_value();
    if (from) search.from_ms = *from;
  } else if (to_json) {
    search.from_ms = search.to_ms - kDefaultRangeMs;
  }
  if (times_ok && search.from_ms > search.to_ms) errors.Add(-1, "from", "is after \"to\"");
  if (cursor_json) {
    if (cursor_json->type() != element_type::STRING) {
      errors.Add(-1, "cursor", std::string("expected a string (next_cursor of a previous page), got ") +
                                   TypeName(cursor_json->type()));
    } else {
      Result<SearchCursor> cursor = DecodeCursor(std::string_view(*cursor_json), search.sort, search.descending);
      if (cursor.ok()) search.cursor = *cursor;
      else errors.Add(cursor.status());
    }
  }
  if (!errors.empty()) {
    Status status = errors.ToStatus();
    std::string message(status.message());
    if (message.starts_with("invalid query")) message.replace(0, 13, "invalid search");
    return Status::InvalidArgument(std::move(message), status.details());
  }
  return search;
}

}  // namespace mltrack::query
