#include "store/block_hour_cells.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/event.h"
#include "store/block_hour_slices.h"
#include "store/block_slices.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01 00:00 UTC

class BlockHourCellsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_hour_cells_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One segment block of `rows` events, one every `step_ms` from 00:20 UTC, as read back; with
  // `experiments` experiments (0: a new one every row).
  ColumnBlock Block(int rows, int64_t step_ms, int experiments) {
    Memtable memtable(MemtableOptions{.block_rows = 65536, .first_block_rows = 65536});
    std::vector<Event> events;
    for (int row = 0; row < rows; ++row) {
      Event event;
      event.ts_ms = kStart + 20 * 60'000 + row * step_ms;
      event.model = row % 3 == 0 ? "big" : "small";
      event.provider = row % 3 == 0 ? "acme" : (row % 5 == 0 ? "" : "other");
      event.team = row % 4 == 0 ? "" : "t" + std::to_string(row % 3);
      if (row % 6 != 0) event.experiment = "e" + std::to_string(experiments > 0 ? row % experiments : row);
      event.user = "u" + std::to_string(row % 50);
      if (row % 4 != 0) event.cost_nano_usd = 1000 + row;
      if (row % 10 == 0) event.input_tokens = row;  // mostly absent: a sparse column
      event.output_tokens = row % 11 == 0 ? -5 : row % 300;
      // Mostly rounded latencies (scaled), some not (exceptions), some absent.
      if (row % 7 != 0) event.latency_ms = row % 13 == 0 ? row / 3.0 : 100.0 + (row % 500) * 0.25;
      events.push_back(std::move(event));
    }
    memtable.Append(events);
    TableSnapshot::Parts parts;
    memtable.CollectBlocks(&parts);
    const std::filesystem::path path = dir_ / segment::FileName(++segments_);
    EXPECT_TRUE(WriteSegment(path, parts.blocks, {}, {}, {}).ok());
    Result<std::shared_ptr<Segment>> segment = Segment::OpenUnchecked(path);
    EXPECT_TRUE(segment.ok());
    kept_.push_back(*segment);
    EXPECT_EQ(kept_.back()->blocks().size(), 1u);
    return kept_.back()->blocks().front();
  }

  std::filesystem::path dir_;
  uint64_t segments_ = 0;
  std::vector<std::shared_ptr<Segment>> kept_;
};

// Every row is in exactly one cell, that of its hour and codes; each cell's summary
// (CellSummary) has the key, measure and latency columns the writer would give the cell's rows.
TEST_F(BlockHourCellsTest, EachCellSummarizesItsRowsAsTheWriterWould) {
  const ColumnBlock block = Block(6000, 2'000, 3);  // 3 h 20 min
  const HourCells made = CellBlockByHour(block);
  ASSERT_FALSE(made.cells.empty());
  const BlockValues values = BlockValuesOf(block);
  std::vector<ColumnData> keys;
  for (const FieldId field : kHourCellKeys) keys.push_back(block.column(field));
  std::vector<uint32_t> dense;
  const ColumnData cost = Densified(block.column(FieldId::kCostUsd), block.rows, &dense);
  uint32_t rows = 0;
  uint32_t latencies = 0;
  BlockSummary view;
  for (size_t cell_idx = 0; cell_idx < made.cells.size(); ++cell_idx) {
    const HourCell& cell = made.cells[cell_idx];
    if (cell_idx > 0) {
      const HourCell& before = made.cells[cell_idx - 1];
      const int64_t before_hour = before.min_ts / kHourSliceMs;
      const int64_t hour = cell.min_ts / kHourSliceMs;
      const bool before_priced = before.measures[0].present > 0;
      const bool priced = cell.measures[0].present > 0;
      EXPECT_LT(std::tie(before_hour, before.codes, before_priced), std::tie(hour, cell.codes, priced));
    }
    std::vector<uint32_t> cell_rows;
    for (uint32_t row = 0; row < block.rows; ++row) {
      bool same = block.Ts(row) / kHourSliceMs == cell.min_ts / kHourSliceMs;
      for (size_t idx = 0; idx < keys.size(); ++idx) same &= IdAt(keys[idx], row) == cell.codes[idx];
      same &= (IntAt(cost, row) != kNullInt) == (cell.measures[0].present > 0);
      if (same) cell_rows.push_back(row);
    }
    ASSERT_EQ(cell_rows.size(), cell.rows);
    EXPECT_TRUE(cell.measures[0].present == 0 || cell.measures[0].present == cell.rows);
    rows += cell.rows;
    EXPECT_EQ(cell.min_ts, block.Ts(cell_rows.front()));
    EXPECT_EQ(cell.max_ts, block.Ts(cell_rows.back()));
    const BlockSummary want = SummarizeRows(values, cell_rows);
    CellSummary(cell, *block.summary, &view);
    EXPECT_EQ(view.rows, want.rows);
    for (const FieldId field : kHourCellKeys) {
      const ColumnSummary& got = view.field(field);
      const ColumnSummary& expected = want.field(field);
      uint32_t got_code = 99;
      uint32_t expected_code = 98;
      ASSERT_TRUE(got.SingleCode(cell.rows, &got_code));
      ASSERT_TRUE(expected.SingleCode(cell.rows, &expected_code));
      EXPECT_EQ(got_code, expected_code);
      EXPECT_EQ(got.present, expected.type == ColumnSummary::Type::kAbsent ? 0 : expected.present);
    }
    for (const FieldId field : kHourCellMeasures) {
      const ColumnSummary& got = view.field(field);
      const ColumnSummary& expected = want.field(field);
      EXPECT_EQ(got.type, expected.type) << GetFieldInfo(field).name;
      EXPECT_EQ(got.present, expected.present) << GetFieldInfo(field).name;
      EXPECT_EQ(got.int_sum, expected.int_sum) << GetFieldInfo(field).name;
      EXPECT_EQ(got.int_min, expected.int_min) << GetFieldInfo(field).name;
      EXPECT_EQ(got.int_max, expected.int_max) << GetFieldInfo(field).name;
    }
    // latency_ms: the same sum to the bit (both add the cell's rows in row order), no sketch.
    const ColumnSummary& got = view.field(FieldId::kLatencyMs);
    const ColumnSummary& expected = want.field(FieldId::kLatencyMs);
    EXPECT_EQ(got.type, ColumnSummary::Type::kDoubles);
    EXPECT_EQ(got.present, expected.present);
    EXPECT_EQ(got.double_sum, expected.double_sum);
    EXPECT_EQ(got.double_min, expected.double_min);
    EXPECT_EQ(got.double_max, expected.double_max);
    EXPECT_EQ(got.sketch, nullptr);
    latencies += cell.latency_present;
  }
  EXPECT_EQ(rows, block.rows);
  EXPECT_EQ(latencies, block.summary->field(FieldId::kLatencyMs).present);
  EXPECT_GT(latencies, 0u);
}

TEST_F(BlockHourCellsTest, CellsAreMadeOnceAndOnlyWhenTheyAreFewerThanRows) {
  const ColumnBlock few = Block(6000, 2'000, 3);
  const size_t before = few.summary->MemoryBytes();
  const auto first = HourCellsOf(few);
  EXPECT_FALSE(first->cells.empty());
  EXPECT_EQ(HourCellsOf(few).get(), first.get());
  EXPECT_EQ(few.summary->MemoryBytes(), before + first->MemoryBytes());
  // A new experiment every row: a cell per row, more than the rows are worth.
  const ColumnBlock many = Block(6000, 2'000, 0);
  EXPECT_TRUE(CellBlockByHour(many).cells.empty());
}

}  // namespace
}  // namespace mltrack::store
