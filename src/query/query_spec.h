#pragma once
// The QuerySpec of DESIGN.md §7 after parsing and validation (query_parser.h makes one from
// JSON; docs/query.md is the reference). A plain value type.

#include <cstdint>
#include <optional>
#include <string>
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
};

enum class AggregateKind : uint8_t { kCount, kSum, kAvg, kMin, kMax, kPercentile, kUniq, kRate };

struct MetricSpec {
  std::string name;  // exactly as written in the request: "p99:ttft_ms"; the output column name
  AggregateKind kind = AggregateKind::kCount;
  FieldRef field;           // unused for count
  double percentile = 0;    // 0..100 for kPercentile
  // For kRate: the boolean being measured: "error" (status == error), "cache_hit", "streaming".
  std::string rate_of;
};

struct OrderBy {
  std::string column;  // a metric name, a group-by field name, or "t"
  bool descending = false;
};

struct QuerySpec {
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive
  std::vector<Filter> filters;
  std::vector<FieldRef> group_by;
  int64_t bucket_ms = 0;  // 0 = no time bucketing; "auto" is resolved at parse time
  // Calendar-month buckets ("1M", "3M"): months per bucket, UTC; bucket_ms is 0 then.
  int32_t bucket_months = 0;
  std::vector<MetricSpec> metrics;
  std::vector<OrderBy> order_by;
  int64_t limit = 1000;  // rows; max 100,000
};

inline bool HasBucket(const QuerySpec& spec) { return spec.bucket_ms > 0 || spec.bucket_months > 0; }

inline constexpr int64_t kDefaultQueryLimit = 1000;
inline constexpr int64_t kMaxQueryLimit = 100'000;

}  // namespace mltrack::query
