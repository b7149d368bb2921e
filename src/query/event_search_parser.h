#pragma once
// EventSearch from the JSON body of POST /api/v1/events/search (docs/events_search.md).

#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "query/event_search.h"

namespace mltrack::query {

// Parses and validates a search: {from, to, filters, q, sort, cursor, limit}, every key
// optional (from/to default to the last 7 days, sort to {"by": "ts", "dir": "desc"}, limit to
// 100). On any problem InvalidArgument whose details name each field ("limit",
// "filters[1].op", "sort.by", "cursor") with the reason; unknown keys are errors.
Result<EventSearch> ParseEventSearch(std::string_view json, int64_t now_ms);

}  // namespace mltrack::query
