#pragma once
// Percentiles on ClickHouse with the embedded store's answers (docs/deploy/clickhouse.md, "How a
// QuerySpec runs"). The embedded Quantile keeps a group's values while it has at most
// kExactLimit of them (exact numpy-linear percentile) and past that counts them per bucket of
// its log-linear sketch, with the exact count, min, max and zeros. The compiled SELECT returns
// exactly those parts per group and field — the values only for small groups, never sorted by
// ClickHouse — and a second SELECT (CompiledQuery::sketch_sql) counts a field's values per group
// and bucket, run only when some group is large. Both are finished here by
// query::aggregate::Quantile itself, so the two stores agree bit for bit.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mltrack::backend::clickhouse {

// One group's parts for the percentiles of one field, as the compiled SELECT returns them.
struct GroupValues {
  int64_t count = 0;           // present values
  std::vector<double> values;  // all of them when count <= kExactLimit, else empty
  double min = 0;
  double max = 0;
  int64_t zeros = 0;
};

// Per group (the RowBinary bytes of its key columns): its bucket counts of one field, keyed by
// the pattern's top bits (LogBuckets::IndexOf, sign bit above them) as the sketch SELECT gives.
using SketchCounts = std::map<std::string, std::map<int64_t, uint64_t>, std::less<>>;

// Whether a group's percentiles need the sketch counts.
bool NeedsSketch(const GroupValues& group);

// The percentile (in stored units: nano-USD for money) of a group; `buckets` is the group's
// entry of the sketch counts (needed when NeedsSketch). nullopt when the group has no value.
std::optional<double> GroupPercentile(const GroupValues& group, const std::map<int64_t, uint64_t>* buckets,
                                      double percentile);

}  // namespace mltrack::backend::clickhouse
