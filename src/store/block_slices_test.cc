#include "store/block_slices.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace mltrack::store {
namespace {

BlockValues::Column MakeColumn(FieldId field, BlockValues::Kind kind) {
  BlockValues::Column column;
  column.field = field;
  column.kind = kind;
  return column;
}

// A block of 3,000 rows: model ids 4, 7 and absent in turn (every 3rd row), provider id 2 on
// every row (one code: not sliced), a latency per row, input tokens on even rows, tag key 1 on
// every 5th row.
struct Fixture {
  BlockValues values;
  BlockSummary summary;

  Fixture() {
    constexpr size_t kRows = 3000;
    BlockValues::Column model = MakeColumn(FieldId::kModel, BlockValues::Kind::kIds);
    BlockValues::Column provider = MakeColumn(FieldId::kProvider, BlockValues::Kind::kIds);
    BlockValues::Column latency = MakeColumn(FieldId::kLatencyMs, BlockValues::Kind::kDoubles);
    BlockValues::Column tokens = MakeColumn(FieldId::kInputTokens, BlockValues::Kind::kInts);
    std::vector<int64_t> tag(kRows, kNullInt);
    for (size_t row = 0; row < kRows; ++row) {
      values.ts.push_back(1'000'000 + static_cast<int64_t>(row) * 10);
      model.ints.push_back(row % 3 == 0 ? 4 : row % 3 == 1 ? 7 : kNullInt);
      provider.ints.push_back(2);
      latency.doubles.push_back(static_cast<double>(row % 97) + 0.5);
      tokens.ints.push_back(row % 2 == 0 ? static_cast<int64_t>(row) : kNullInt);
      if (row % 5 == 0) tag[row] = static_cast<int64_t>(1 + row % 2);
    }
    summary.rows = kRows;
    summary.fields[static_cast<size_t>(FieldId::kModel)] = SummarizeIds(model.ints);
    summary.fields[static_cast<size_t>(FieldId::kProvider)] = SummarizeIds(provider.ints);
    summary.fields[static_cast<size_t>(FieldId::kLatencyMs)] = SummarizeDoubles(latency.doubles);
    summary.fields[static_cast<size_t>(FieldId::kInputTokens)] = SummarizeInts(tokens.ints);
    summary.tags.emplace_back(1, SummarizeIds(tag));
    values.fields = {model, provider, latency, tokens};
    values.tags.emplace_back(1, tag);
  }
};

TEST(BlockSlicesTest, EachCodeOfASlicedFieldGetsTheSummaryOfItsRows) {
  const Fixture fixture;
  const std::vector<ValueSlice> slices = SliceBlock(fixture.values, fixture.summary);
  ASSERT_EQ(slices.size(), 3u);  // model: absent (0), 4, 7; provider has one code
  const uint32_t codes[] = {0, 4, 7};
  const size_t phase[] = {2, 0, 1};  // row % 3 of each code
  for (size_t idx = 0; idx < 3; ++idx) {
    const ValueSlice& slice = slices[idx];
    EXPECT_EQ(slice.field, FieldId::kModel);
    EXPECT_EQ(slice.code, codes[idx]);
    EXPECT_EQ(slice.summary.rows, 1000u);
    EXPECT_EQ(slice.min_ts, 1'000'000 + static_cast<int64_t>(phase[idx]) * 10);
    EXPECT_EQ(slice.max_ts, 1'000'000 + static_cast<int64_t>(2997 + phase[idx]) * 10);
    uint32_t single = 99;
    EXPECT_TRUE(slice.summary.field(FieldId::kModel).SingleCode(1000, &single));
    EXPECT_EQ(single, codes[idx]);
    double latency_sum = 0;
    int64_t token_sum = 0;
    uint32_t token_rows = 0;
    uint32_t tag_rows = 0;
    for (size_t row = phase[idx]; row < 3000; row += 3) {
      latency_sum += fixture.values.fields[2].doubles[row];
      if (row % 2 == 0) {
        token_sum += static_cast<int64_t>(row);
        ++token_rows;
      }
      tag_rows += row % 5 == 0;
    }
    EXPECT_EQ(slice.summary.field(FieldId::kLatencyMs).double_sum, latency_sum);
    EXPECT_EQ(slice.summary.field(FieldId::kLatencyMs).present, 1000u);
    EXPECT_EQ(slice.summary.field(FieldId::kInputTokens).int_sum, token_sum);
    EXPECT_EQ(slice.summary.field(FieldId::kInputTokens).present, token_rows);
    EXPECT_EQ(slice.summary.tag(1).present, tag_rows);
    EXPECT_EQ(slice.summary.field(FieldId::kLatencyMs).sketch, nullptr);  // 1,000 values: kept exactly
  }
}

// The rows SliceBlock hands out (for the slices' moments and speed sketches) are each slice's
// rows, ascending, in the order of the slices.
TEST(BlockSlicesTest, SliceRowsListEachSlicesRows) {
  const Fixture fixture;
  std::vector<std::vector<uint32_t>> slice_rows = {{42}};  // replaced, not appended to
  const std::vector<ValueSlice> slices = SliceBlock(fixture.values, fixture.summary, &slice_rows);
  ASSERT_EQ(slice_rows.size(), slices.size());
  const uint32_t phase[] = {2, 0, 1};  // row % 3 of codes 0, 4, 7
  for (size_t idx = 0; idx < slices.size(); ++idx) {
    std::vector<uint32_t> expected;
    for (uint32_t row = phase[idx]; row < 3000; row += 3) expected.push_back(row);
    EXPECT_EQ(slice_rows[idx], expected) << "slice " << idx;
  }
}

TEST(BlockSlicesTest, EncodedSlicesDecodeToTheSame) {
  Fixture fixture;
  const std::vector<ValueSlice> slices = SliceBlock(fixture.values, fixture.summary);
  std::string bytes;
  EncodeSlices(slices, &bytes);
  segment::FooterReader reader(bytes);
  BlockSummary parent = fixture.summary;
  ASSERT_TRUE(DecodeSlices(reader, 2, 1'000'000, 1'029'990, &parent));
  EXPECT_TRUE(reader.at_end());
  ASSERT_EQ(parent.slices.size(), slices.size());
  for (size_t idx = 0; idx < slices.size(); ++idx) {
    std::string again;
    EncodeBlockSummary(parent.slices[idx].summary, &again);
    std::string original;
    EncodeBlockSummary(slices[idx].summary, &original);
    EXPECT_EQ(again, original);
    EXPECT_EQ(parent.slices[idx].min_ts, slices[idx].min_ts);
    EXPECT_EQ(parent.slices[idx].max_ts, slices[idx].max_ts);
  }
  EXPECT_EQ(SlicesOf(parent, FieldId::kModel).size(), 3u);
  EXPECT_TRUE(SlicesOf(parent, FieldId::kProvider).empty());
  EXPECT_TRUE(SlicesOf(parent, FieldId::kTeam).empty());
}

// Slices that do not fit the block they are attached to are damage.
TEST(BlockSlicesTest, SlicesThatDoNotMatchTheBlockAreRejected) {
  Fixture fixture;
  const std::vector<ValueSlice> slices = SliceBlock(fixture.values, fixture.summary);
  auto decodes = [&](const std::vector<ValueSlice>& candidate, int64_t block_min_ts, int64_t block_max_ts) {
    std::string bytes;
    EncodeSlices(candidate, &bytes);
    segment::FooterReader reader(bytes);
    BlockSummary parent = fixture.summary;
    return DecodeSlices(reader, 2, block_min_ts, block_max_ts, &parent);
  };
  EXPECT_TRUE(decodes(slices, 1'000'000, 1'029'990));
  EXPECT_FALSE(decodes(slices, 1'000'010, 1'029'990));  // a slice starts before the block
  EXPECT_FALSE(decodes({slices[0], slices[1]}, 1'000'000, 1'029'990));  // a code without its slice
  EXPECT_FALSE(decodes({slices[1], slices[0], slices[2]}, 1'000'000, 1'029'990));  // out of order
  std::vector<ValueSlice> unknown_code = slices;
  unknown_code[2].code = 8;
  EXPECT_FALSE(decodes(unknown_code, 1'000'000, 1'029'990));
  std::vector<ValueSlice> other_column = slices;
  other_column[0].summary.fields[static_cast<size_t>(FieldId::kCostUsd)] = SummarizeInts({1, 2});
  EXPECT_FALSE(decodes(other_column, 1'000'000, 1'029'990));  // a column the block does not store
  std::string truncated;
  EncodeSlices(slices, &truncated);
  truncated.pop_back();
  segment::FooterReader reader(truncated);
  BlockSummary parent = fixture.summary;
  EXPECT_FALSE(DecodeSlices(reader, 2, 1'000'000, 1'029'990, &parent) && reader.at_end());
}

}  // namespace
}  // namespace mltrack::store
