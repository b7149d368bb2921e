#pragma once
// What every dashboard module shares: building QuerySpecs from the dashboard parameters,
// reading single cells back, period-over-period change, time buckets that include the empty
// ones, and writing optional numbers and figures as JSON.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "analytics/dashboard_params.h"
#include "core/event.h"
#include "core/json_writer.h"
#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {

// A spec over [from_ms, to_ms) carrying the dashboard's filters and time zone; no metrics yet.
query::QuerySpec BaseSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms);

// Appends metrics by name ("count", "sum:cost_usd", "p95:latency_ms"); InvalidArgument for a
// name the query model does not know (a bug in the dashboard, or a user-chosen metric).
Status AddMetrics(query::QuerySpec& spec, std::initializer_list<std::string_view> names);
Status AddMetric(query::QuerySpec& spec, std::string_view name);

// The value of `column` in the first row of `result`; a null cell when the column or the row is
// missing (an ungrouped query always has its one row).
const query::Cell& SingleCell(const query::QueryResult& result, std::string_view column);

// (value − previous) / |previous| × 100; nullopt when either is missing or previous is 0.
std::optional<double> ChangePct(std::optional<double> value, std::optional<double> previous);

inline double Usd(NanoUsd nano) { return static_cast<double>(nano) / static_cast<double>(kNanoPerUsd); }

// The starts of `spec`'s time buckets over its [from, to), in its zone, including buckets without
// events (so a chart can draw gaps): exactly the `t` values the spec's rows can have. At most
// 100,000. InvalidArgument naming tz for an unknown zone.
Result<std::vector<int64_t>> BucketStarts(const query::QuerySpec& spec);

inline void SetBucket(query::QuerySpec& spec, const query::BucketWidth& width) {
  spec.bucket_ms = width.ms;
  spec.bucket_months = width.months;
}

// A number, or null.
void WriteOptional(JsonWriter& json, std::optional<double> value);

// Writes "name": {"value", "previous", "change_pct"} and leaves the object open for extras;
// the caller ends it.
void BeginFigure(JsonWriter& json, std::string_view name, std::optional<double> value,
                 std::optional<double> previous);

}  // namespace mltrack::analytics
