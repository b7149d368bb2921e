#pragma once
// QuerySpec from the JSON body of POST /api/v1/query (DESIGN.md §7; docs/query.md).

#include <cstdint>
#include <string_view>
#include <utility>

#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::query {

// Parses and validates a QuerySpec. `now_ms` resolves relative times ("now-7d") and defaults
// (from = now − 7 days, to = now). On any problem returns InvalidArgument whose details list
// every problem found, each with index -1 (or the item index inside filters/metrics/group_by/
// order_by), a field path ("metrics[2]", "filters[0].op", "limit") and a reason. Unknown keys
// (top level, in filters, in order_by) are errors. Not an error: an empty time range, a tag key
// or score name that no event carries (it simply matches nothing / groups as null).
Result<QuerySpec> ParseQuerySpec(std::string_view json, int64_t now_ms);

// Checks a "tz" value: "UTC" or a zone TimeZone::Load finds (reading it on first use).
// InvalidArgument with one detail naming field `tz` otherwise (unknown, malformed, "../etc").
Status ValidateTimeZone(std::string_view tz);

// Parses one metric as written in a request ("count", "sum:cost_usd", "p99.9:latency_ms",
// "uniq:user", "rate:error"). On error returns InvalidArgument with one detail whose field is
// `path`.
Result<MetricSpec> ParseMetric(std::string_view text, std::string_view path = "metric", int64_t index = -1);

// Parses a group_by item "bin:<width>:<measure>" ("bin:250:latency_ms", "bin:0.05:scores.x"):
// width a positive decimal (digits, at most one '.', ≤ 15 decimals), measure a numeric field.
// Returns the measure and the bin; InvalidArgument with one detail at `path` whose reason
// quotes the item otherwise.
Result<std::pair<FieldRef, GroupBin>> ParseGroupBin(std::string_view text, std::string_view path = "group_by",
                                                    int64_t index = -1);

}  // namespace mltrack::query
