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

// kCountPresent is "count:<field>": events where the field is present; kVar and kStddev are the
// sample variance and standard deviation.
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
  // The bin holding `value` (finite); clamped to ±2^53 for values that far out.
  int64_t BinOf(double value) const;
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
