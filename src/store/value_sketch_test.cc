// Block value sketches: counts per bucket of the values, kept through the summary's encoding,
// and damaged counts refused.
#include "store/value_sketch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "store/block_summary.h"

namespace mltrack::store {
namespace {

TEST(ValueSketchTest, CountsEveryValueInItsBucketAndRoundTrips) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> latency(5.0, 1.5);
  std::vector<double> values;
  for (int row = 0; row < 5000; ++row) {
    switch (row % 7) {
      case 0: values.push_back(std::nan("")); break;
      case 1: values.push_back(0.0); break;
      case 2: values.push_back(-latency(rng)); break;
      default: values.push_back(latency(rng)); break;
    }
  }
  const ValueSketch sketch = ValueSketch::Of(values);
  uint64_t positive = 0, negative = 0;
  for (double value : values) {
    if (value > 0) {
      ++positive;
      const size_t offset = static_cast<size_t>(ValueSketch::BucketOf(value) - sketch.positive.lowest);
      ASSERT_LT(offset, sketch.positive.size());
      EXPECT_GT(sketch.positive.count(offset), 0u);
    } else if (value < 0) {
      ++negative;
    }
  }
  uint64_t counted_positive = 0, counted_negative = 0;
  for (uint32_t count : sketch.positive.Counts()) counted_positive += count;
  for (uint32_t count : sketch.negative.Counts()) counted_negative += count;
  EXPECT_EQ(counted_positive, positive);
  EXPECT_EQ(counted_negative, negative);
  EXPECT_EQ(sketch.zeros, 5000u / 7 + 1);

  // Through a block summary: a sketch only past ValueSketch::kMinValues present values.
  BlockSummary summary;
  summary.rows = static_cast<uint32_t>(values.size());
  summary.fields[static_cast<size_t>(FieldId::kLatencyMs)] = SummarizeDoubles(values);
  summary.fields[static_cast<size_t>(FieldId::kTtftMs)] = SummarizeDoubles(std::vector<double>(1024, 3.5));
  std::string bytes;
  EncodeBlockSummary(summary, &bytes);
  std::vector<BlockSummary> decoded;
  ASSERT_TRUE(DecodeBlockSummaries(bytes, {summary.rows}, 0, &decoded));
  const ColumnSummary& latency_summary = decoded[0].field(FieldId::kLatencyMs);
  ASSERT_NE(latency_summary.sketch, nullptr);
  EXPECT_EQ(latency_summary.sketch->zeros, sketch.zeros);
  EXPECT_EQ(latency_summary.sketch->positive.lowest, sketch.positive.lowest);
  EXPECT_EQ(latency_summary.sketch->positive.Counts(), sketch.positive.Counts());
  EXPECT_EQ(latency_summary.sketch->negative.lowest, sketch.negative.lowest);
  EXPECT_EQ(latency_summary.sketch->negative.Counts(), sketch.negative.Counts());
  EXPECT_EQ(decoded[0].field(FieldId::kTtftMs).sketch, nullptr);

  // Counts that do not add up to the present values are refused.
  std::string out;
  sketch.Encode(&out);
  segment::FooterReader good(out);
  ValueSketch read;
  EXPECT_TRUE(ValueSketch::Decode(good, latency_summary.present, &read));
  segment::FooterReader short_by_one(out);
  EXPECT_FALSE(ValueSketch::Decode(short_by_one, latency_summary.present + 1, &read));
  segment::FooterReader truncated(std::string_view(out).substr(0, out.size() - 1));
  EXPECT_FALSE(ValueSketch::Decode(truncated, latency_summary.present, &read));
}

// Counts of 255 or more leave the byte form for the `large` list; every count reads back as the
// number of values in its bucket, before and after the footer encoding.
TEST(ValueSketchTest, CountsOf255AndMoreAreKeptExactly) {
  std::vector<double> values;
  const std::vector<std::pair<double, int>> runs = {{7.0, 70000}, {100.0, 255}, {50.0, 254}, {3.25, 256}, {9000, 1}};
  for (const auto& [value, copies] : runs) values.insert(values.end(), copies, value);
  const ValueSketch sketch = ValueSketch::Of(values);
  EXPECT_EQ(sketch.positive.large.size(), 3u);  // 70000, 255 and 256
  std::map<int32_t, uint32_t> expected;
  for (const auto& [value, copies] : runs) expected[ValueSketch::BucketOf(value)] += copies;
  const std::vector<uint32_t> counts = sketch.positive.Counts();
  ASSERT_EQ(counts.size(), sketch.positive.size());
  for (size_t offset = 0; offset < counts.size(); ++offset) {
    const int32_t bucket = sketch.positive.lowest + static_cast<int32_t>(offset);
    const uint32_t want = expected.count(bucket) ? expected[bucket] : 0;
    EXPECT_EQ(counts[offset], want) << offset;
    EXPECT_EQ(sketch.positive.count(offset), want) << offset;
  }
  std::string out;
  sketch.Encode(&out);
  segment::FooterReader reader(out);
  ValueSketch read;
  ASSERT_TRUE(ValueSketch::Decode(reader, static_cast<uint32_t>(values.size()), &read));
  EXPECT_EQ(read.positive.lowest, sketch.positive.lowest);
  EXPECT_EQ(read.positive.small, sketch.positive.small);
  EXPECT_EQ(read.positive.large, sketch.positive.large);
  EXPECT_TRUE(read.negative.empty());
  EXPECT_LT(read.MemoryBytes(), sizeof(ValueSketch) + counts.size() + 3 * 8 + 1);
}

}  // namespace
}  // namespace mltrack::store
