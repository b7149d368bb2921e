// A block sketch's counts in their byte form (store/value_sketch.h) combine into a percentile
// state exactly as its values added one by one do.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "query/aggregate/quantile.h"
#include "store/value_sketch.h"

namespace mltrack::query::aggregate {
namespace {

Quantile::ByteCounts Bytes(const store::ValueSketch::Buckets& buckets) {
  return {buckets.lowest, buckets.small.data(), buckets.size(), buckets.large.data(), buckets.large.size()};
}

TEST(ByteCountsTest, CombineEqualsAddingEveryValue) {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency(4.0, 0.6);
  std::vector<double> values;
  for (int row = 0; row < 40000; ++row) {
    const double value = row % 5 == 0 ? 120.0 : latency(rng);  // one bucket far above 255
    values.push_back(row % 97 == 0 ? -value : (row % 89 == 0 ? 0.0 : value));
  }
  const store::ValueSketch sketch = store::ValueSketch::Of(values);
  ASSERT_FALSE(sketch.positive.large.empty());
  double min = values[0], max = values[0];
  for (double value : values) {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  // A state that already holds other values, so the counts land inside a wider range.
  Quantile::State by_values, by_counts;
  for (double value : {0.5, 2e6, 33.0}) {
    for (int copy = 0; copy < 400; ++copy) {
      Quantile::Update(by_values, value);
      Quantile::Update(by_counts, value);
    }
  }
  for (double value : values) Quantile::Update(by_values, value);
  Quantile::CombineByteCounts(by_counts, values.size(), min, max, sketch.zeros, Bytes(sketch.positive),
                              Bytes(sketch.negative));
  EXPECT_EQ(by_counts.count, by_values.count);
  EXPECT_EQ(by_counts.zeros, by_values.zeros);
  EXPECT_EQ(by_counts.min, by_values.min);
  EXPECT_EQ(by_counts.max, by_values.max);
  EXPECT_EQ(by_counts.positive.lowest(), by_values.positive.lowest());
  EXPECT_EQ(by_counts.positive.counts(), by_values.positive.counts());
  EXPECT_EQ(by_counts.negative.lowest(), by_values.negative.lowest());
  EXPECT_EQ(by_counts.negative.counts(), by_values.negative.counts());
  for (double percentile : {1.0, 50.0, 95.0, 99.9}) {
    EXPECT_EQ(Quantile::Finalize(by_counts, percentile), Quantile::Finalize(by_values, percentile)) << percentile;
  }
}

}  // namespace
}  // namespace mltrack::query::aggregate
