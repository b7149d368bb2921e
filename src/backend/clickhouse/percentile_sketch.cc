#include "backend/clickhouse/percentile_sketch.h"

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

}  // namespace mltrack::backend::clickhouse
