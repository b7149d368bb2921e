#include "backend/clickhouse/percentile_sketch.h"

#include <cmath>
#include <limits>

#include "backend/clickhouse/sql_literal.h"
#include "query/aggregate/quantile.h"

namespace mltrack::backend::clickhouse {
namespace {

using query::aggregate::LogBuckets;
using query::aggregate::Quantile;

// The bit of the sketch SELECT's bucket number that is the value's sign.
constexpr int64_t kSignBucket = int64_t{1} << (63 - LogBuckets::kShift);

// Dense counts from `lowest` on, as Quantile::CombineCounts takes them.
struct Dense {
  int32_t lowest = 0;
  std::vector<uint32_t> counts;
  void Add(int32_t index, uint64_t count) {
    if (counts.empty()) lowest = index;
    if (index < lowest) {
      counts.insert(counts.begin(), static_cast<size_t>(lowest - index), 0);
      lowest = index;
    }
    const auto offset = static_cast<size_t>(index - lowest);
    if (offset >= counts.size()) counts.resize(offset + 1, 0);
    counts[offset] += static_cast<uint32_t>(count);
  }
};

}  // namespace

bool NeedsSketch(const GroupValues& group) {
  return group.count > static_cast<int64_t>(Quantile::kExactLimit);
}

std::optional<double> GroupPercentile(const GroupValues& group, const std::map<int64_t, uint64_t>* buckets,
                                      double percentile) {
  if (group.count <= 0) return std::nullopt;
  if (!NeedsSketch(group)) {
    std::vector<double> values = group.values;
    return query::aggregate::LinearPercentile(values, percentile);
  }
  // The count is the sketch's own (zeros plus its buckets): events stored between the two
  // SELECTs then move the answer by those events only, and ranks stay within the counts.
  Dense positive, negative;
  uint64_t total = static_cast<uint64_t>(group.zeros);
  if (buckets) {
    for (const auto& [bucket, count] : *buckets) {
      total += count;
      if (bucket >= kSignBucket) {
        negative.Add(static_cast<int32_t>(bucket - kSignBucket), count);
      } else {
        positive.Add(static_cast<int32_t>(bucket), count);
      }
    }
  }
  Quantile::State state;
  Quantile::CombineCounts(state, total, group.min, group.max,
                          static_cast<uint64_t>(group.zeros), positive.lowest, positive.counts, negative.lowest,
                          negative.counts);
  return Quantile::Finalize(state, percentile);
}

std::string SketchBucketSql(const std::string& value) {
  using query::aggregate::LogBuckets;
  constexpr int kMantissa = 52 - LogBuckets::kShift;  // mantissa bits kept
  const std::string x = "ifNull(" + value + ", 0.)";
  const std::string a = "abs(" + x + ")";
  const std::string e0 = "floor(log2(" + a + "))";
  const std::string e = "(" + e0 + " - (" + a + " < pow(2., " + e0 + ")) + (" + a + " >= pow(2., " + e0 + " + 1)))";
  const std::string sign = "if(" + x + " < 0, " + SqlDouble(std::ldexp(1.0, 11 + kMantissa)) + ", 0.)";
  const std::string infinite = SqlDouble(2047.0 * std::ldexp(1.0, kMantissa));
  const std::string subnormal = "floor(" + a + " * " + SqlDouble(std::ldexp(1.0, 1000)) + " * " +
                                SqlDouble(std::ldexp(1.0, 1074 - LogBuckets::kShift - 1000)) + ")";
  const std::string normal = "(" + e + " + 1023) * " + SqlDouble(std::ldexp(1.0, kMantissa)) + " + floor((" + a +
                             " / pow(2., " + e + ") - 1) * " + SqlDouble(std::ldexp(1.0, kMantissa)) + ")";
  return "toInt64(" + sign + " + multiIf(isInfinite(" + a + "), " + infinite + ", " + a + " < " +
         SqlDouble(std::numeric_limits<double>::min()) + ", " + subnormal + ", " + normal + "))";
}

}  // namespace mltrack::backend::clickhouse
