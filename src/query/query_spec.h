#pragma once
// The QuerySpec of DESIGN.md §7 after parsing and validation (query_parser.h makes one from
// JSON; docs/query.md is the reference). A plain value type.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/field.h"
#include "core/status.h"

namespace mltrack::query {

enum class FilterOp : uint8_t { kEq, kNe, kIn, kNotIn, kGt, kGte, kLt, kLte, kContains, kExists };

// A literal in a filter: strings for dimensions, numbers for measures, bools for booleans.
using FilterValue = std::variant<std::string, double, bool>;

struct Filter {
  FieldRef field;
  FilterOp op = FilterOp::kEq;
  std::vector<FilterValue> values;  // one for eq/ne/gt/.../contains, many for in/not_in, none for exists
  bool exists = true;               // for kExists: true = field present, false = absent
  // A bound per key, on `ts` only (field kTs, op gt/gte/lt/lte, no values): a row passes when
  // ts <op> bounds[its value of `by`], and fails when that value has no bound — e.g. "each user's
  // events after their first search". `by` is a string dimension (a string field or a tag).
  std::optional<FieldRef> by;
  std::vector<std::pair<std::string, int64_t>> bounds;  // value of `by` → epoch ms
};

inline bool IsKeyedBound(const Filter& filter) { return filter.by.has_value(); }

// kCountPresent is "count:<field>": events where the field is present; kVar and kStddev are the
// sample variance and standard deviation; kDays is "days:ts", the days with events, a list
// (aggregate/days.h).
enum class AggregateKind : uint8_t {
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kPercentile,
  kUniq,
  kRate,
  kCountPresent,
  kVar,
  kStddev,
  kDays,
};

struct MetricSpec {
  std::string name;  // exactly as written in the request: "p99:ttft_ms"; the output column name
  AggregateKind kind = AggregateKind::kCount;
  FieldRef field;           // unused for count and rate
  double percentile = 0;    // 0..100 for kPercentile
  // For kRate: the boolean being measured: "error" (status == error), "cache_hit", "streaming".
  std::string rate_of;
};

struct OrderBy {
  std::string column;  // a metric name, a group-by field name, or "t"
  bool descending = false;
};

// A group_by item "bin:<width>:<measure>" (docs/query.md): the measure's value falls in bin k
// when Lower(k) ≤ value < Lower(k + 1), Lower(k) = k · width computed as the decimal
// (k · width_units) / 10^width_decimals, so the bounds print as written ("0.15", not
// "0.15000000000000002"). The output column holds Lower(k); absent values are null.
struct GroupBin {
  std::string name;          // as written: "bin:0.05:scores.helpfulness"; the column name
  int64_t width_units = 1;   // width = width_units / 10^width_decimals, > 0
  int32_t width_decimals = 0;
  double width() const;
  double Lower(int64_t bin) const;
  // The bin holding `value` (finite), or kBinOutOfRange when its number would be past ±2^53
  // (where bins cannot be told apart exactly): the query is then refused.
  int64_t BinOf(double value) const;
  static constexpr int64_t kBinOutOfRange = INT64_MAX;
};

// How long and how much memory one execution may take (the server's --query-timeout and
// --query-memory; ClickHouse calls them max_execution_time and max_memory_usage). Not part of
// what a query asks: answers and the partial-result cache ignore it; passing a limit is an
// error (kDeadlineExceeded, kResourceExhausted), never a partial answer.
struct QueryLimits {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int64_t timeout_ms = 0;   // where `deadline` came from, for the message; 0: no deadline
  size_t memory_bytes = 0;  // the execution's working memory (filters, groups, states, rows); 0: unlimited

  // Limits of `timeout_ms` from now (0: none) and `memory_bytes` (0: none).
  static QueryLimits FromNow(int64_t timeout_ms, size_t memory_bytes) {
    QueryLimits limits;
    limits.timeout_ms = timeout_ms;
    limits.memory_bytes = memory_bytes;
    if (timeout_ms > 0) limits.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    return limits;
  }
};

struct QuerySpec {
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive
  std::vector<Filter> filters;
  std::vector<FieldRef> group_by;
  // Parallel to group_by, or shorter (missing = a plain dimension): set for "bin:" items, whose
  // group_by entry is then the measure.
  std::vector<std::optional<GroupBin>> group_bins;
  int64_t bucket_ms = 0;  // 0 = no time bucketing; "auto" is resolved at parse time
  // Calendar-month buckets ("1M", "3M"): months per bucket, UTC; bucket_ms is 0 then.
  int32_t bucket_months = 0;
  std::vector<MetricSpec> metrics;
  std::vector<OrderBy> order_by;
  int64_t limit = 1000;  // rows; max 100,000
  // IANA zone whose local time aligns the buckets (docs/query.md, "Time zones"); "" or "UTC" =
  // UTC. Validated by the parser; an unknown zone set otherwise fails at execution (naming tz).
  std::string tz;
  QueryLimits limits;  // set by the server per request; none by default
  // Not part of the JSON API: callers that fold the rows themselves (dashboards) may take them
  // in any order when they all fit `limit`, which saves sorting many string keys.
  bool any_order = false;
};

inline bool HasBucket(const QuerySpec& spec) { return spec.bucket_ms > 0 || spec.bucket_months > 0; }

// The bin of group_by item `index`, or nullptr for a plain dimension.
inline const GroupBin* GroupBinOf(const QuerySpec& spec, size_t index) {
  return index < spec.group_bins.size() && spec.group_bins[index] ? &*spec.group_bins[index] : nullptr;
}

// The output column name of group_by item `index`: the field name, or the bin item as written.
inline std::string GroupColumnName(const QuerySpec& spec, size_t index) {
  const GroupBin* bin = GroupBinOf(spec, index);
  return bin ? bin->name : spec.group_by[index].Name();
}

inline constexpr int64_t kDefaultQueryLimit = 1000;
inline constexpr int64_t kMaxQueryLimit = 100'000;

}  // namespace mltrack::query
