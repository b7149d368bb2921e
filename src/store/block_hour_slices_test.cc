#include "store/block_hour_slices.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/event.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01 00:00 UTC

class BlockHourSlicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_hour_slices_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One segment block of `rows` events, one every `step_ms` from 00:20 UTC, as read back.
  ColumnBlock Block(int rows, int64_t step_ms) {
    Memtable memtable(MemtableOptions{.block_rows = 65536, .first_block_rows = 65536});
    std::vector<Event> events;
    for (int row = 0; row < rows; ++row) {
      Event event;
      event.ts_ms = kStart + 20 * 60'000 + row * step_ms;
      event.model = row % 3 == 0 ? "big" : "small";
      event.user = "u" + std::to_string(row % 50);
      event.latency_ms = 100.0 + row % 977;
      if (row % 4 != 0) event.cost_nano_usd = 1000 + row;
      if (row % 7 == 0) event.status = EventStatus::kError;
      if (row % 10 == 0) event.input_tokens = row;  // mostly absent: a sparse column
      if (row % 2 == 0) event.tags = {{"env", row % 6 == 0 ? "dev" : "prod"}};
      events.push_back(std::move(event));
    }
    memtable.Append(events);
    TableSnapshot::Parts parts;
    memtable.CollectBlocks(&parts);
    const std::filesystem::path path = dir_ / segment::FileName(1);
    EXPECT_TRUE(WriteSegment(path, parts.blocks, {}, {}, {}).ok());
    Result<std::shared_ptr<Segment>> segment = Segment::OpenUnchecked(path);
    EXPECT_TRUE(segment.ok());
    segment_ = *segment;
    EXPECT_EQ(segment_->blocks().size(), 1u);
    return segment_->blocks().front();
  }

  std::filesystem::path dir_;
  std::shared_ptr<Segment> segment_;
};

// The values rebuilt from a block's columns summarize exactly as the writer summarized them.
TEST_F(BlockHourSlicesTest, BlockValuesSummarizeAsTheWriterDid) {
  const ColumnBlock block = Block(5000, 2'000);
  const BlockValues values = BlockValuesOf(block);
  std::vector<uint32_t> all(block.rows);
  for (uint32_t row = 0; row < block.rows; ++row) all[row] = row;
  const BlockSummary again = SummarizeRows(values, all);
  ASSERT_TRUE(block.column(FieldId::kInputTokens).sparse());
  for (const FieldId field : {FieldId::kModel, FieldId::kUser, FieldId::kCostUsd, FieldId::kLatencyMs,
                              FieldId::kStatus, FieldId::kInputTokens}) {
    const ColumnSummary& want = block.summary->field(field);
    const ColumnSummary& got = again.field(field);
    EXPECT_EQ(got.type, want.type) << GetFieldInfo(field).name;
    EXPECT_EQ(got.present, want.present) << GetFieldInfo(field).name;
    EXPECT_EQ(got.codes, want.codes) << GetFieldInfo(field).name;
    EXPECT_EQ(got.int_sum, want.int_sum) << GetFieldInfo(field).name;
    EXPECT_EQ(got.double_sum, want.double_sum) << GetFieldInfo(field).name;
  }
  ASSERT_EQ(again.tags.size(), block.summary->tags.size());
  EXPECT_EQ(again.tags.front().second.codes, block.summary->tags.front().second.codes);
}

// 5,000 rows 2 s apart from 00:20: hours 0 (1,200 rows), 1 and 2 (1,800 each) and 3 (200),
// each slice the summary of its hour's rows.
TEST_F(BlockHourSlicesTest, EachHourOfADenseBlockGetsTheSummaryOfItsRows) {
  const ColumnBlock block = Block(5000, 2'000);
  const std::vector<HourSlice> slices = SliceBlockByHour(block);
  ASSERT_EQ(slices.size(), 4u);
  std::map<int64_t, std::pair<uint32_t, int64_t>> want;  // hour → rows, cost
  for (uint32_t row = 0; row < block.rows; ++row) {
    auto& [rows, cost] = want[block.Ts(row) / kHourSliceMs];
    ++rows;
    const int64_t value = IntAt(block.column(FieldId::kCostUsd), row);
    if (value != kNullInt) cost += value;
  }
  size_t idx = 0;
  for (const auto& [hour, expected] : want) {
    const HourSlice& slice = slices[idx++];
    EXPECT_EQ(slice.min_ts / kHourSliceMs, hour);
    EXPECT_EQ(slice.max_ts / kHourSliceMs, hour);
    EXPECT_EQ(slice.summary.rows, expected.first);
    EXPECT_EQ(slice.summary.field(FieldId::kCostUsd).int_sum, expected.second);
    EXPECT_EQ(slice.summary.field(FieldId::kStatus).codes.size(), 2u);  // ok and error
    // Strings and tags are not summarized per hour.
    EXPECT_EQ(slice.summary.field(FieldId::kModel).type, ColumnSummary::Type::kAbsent);
    EXPECT_TRUE(slice.summary.tags.empty());
  }
  EXPECT_EQ(slices[0].summary.rows, 1200u);
  EXPECT_NE(slices[0].summary.field(FieldId::kLatencyMs).sketch, nullptr);  // > 1,024 values
  EXPECT_EQ(slices[3].summary.rows, 200u);
  EXPECT_EQ(slices[3].summary.field(FieldId::kLatencyMs).sketch, nullptr);  // too few
}

// Made once per block and counted in the summary's memory; sparse blocks get none.
TEST_F(BlockHourSlicesTest, SlicesAreMadeOnceAndOnlyForDenseBlocks) {
  const ColumnBlock dense = Block(5000, 2'000);
  const size_t before = dense.summary->MemoryBytes();
  const auto first = HourSlicesOf(dense);
  EXPECT_EQ(first->size(), 4u);
  EXPECT_EQ(HourSlicesOf(dense).get(), first.get());
  EXPECT_GT(dense.summary->MemoryBytes(), before);
  const ColumnBlock sparse = Block(5000, 60'000);  // 83 hours, 60 rows each
  EXPECT_TRUE(SliceBlockByHour(sparse).empty());
}

}  // namespace
}  // namespace mltrack::store
