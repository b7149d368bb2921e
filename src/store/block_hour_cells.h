#pragma once
// Hour cells: a block's rows grouped by UTC hour, by the four spend dimensions (team,
// experiment, model, provider) and by whether cost_usd is present (priced), each group with its
// row count, time range, the count, sum, min and max of each token and cost measure and of
// latency_ms (not stored in segments). A cell's cost is present in all its rows or in none, so a filter on
// cost_usd's presence (the cost report's unpriced calls) keeps a cell whole or drops it. The cost dashboard asks
// for cost per hour stacked by model, and for its spend by two or four of those dimensions under
// a filter of one; a block spans about nine hours and holds ~20 combinations of them, so ~200
// cells answer it whole where its summary and value slices cannot (query/block_answer.h,
// AnswerFromHourCells). Made from the block's columns the first time a query asks for them and
// kept with the block's summary for the segment's life.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/field.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// The dimensions a cell is keyed by (besides its hour), and the measures it sums.
inline constexpr std::array<FieldId, 4> kHourCellKeys = {FieldId::kTeam, FieldId::kExperiment, FieldId::kModel,
                                                         FieldId::kProvider};
inline constexpr std::array<FieldId, 6> kHourCellMeasures = {
    FieldId::kCostUsd,          FieldId::kInputTokens,      FieldId::kOutputTokens,
    FieldId::kCachedInputTokens, FieldId::kCacheWriteTokens, FieldId::kReasoningTokens};
// A block gets cells only when it has at most this many, and on average at least
// kMinHourCellRows rows each (a cell costs 256 bytes: a block of sparse combinations would pay
// more for its cells than reading its rows costs).
inline constexpr size_t kMaxHourCells = 4096;
inline constexpr uint32_t kMinHourCellRows = 16;

// Whether `field` is one of kHourCellKeys / kHourCellMeasures.
bool IsHourCellKey(FieldId field);
bool IsHourCellMeasure(FieldId field);

// One measure over a cell's rows, as SummarizeInts gives it: over the present values; the sum
// wraps modulo 2^64; min = max = 0 when none is present.
struct HourCellMeasure {
  int64_t sum = 0;
  int64_t min = 0;
  int64_t max = 0;
  uint32_t present = 0;
};

struct HourCell {
  int64_t min_ts = 0;  // over the cell's rows, all within one UTC hour
  int64_t max_ts = 0;
  uint32_t rows = 0;
  std::array<uint32_t, kHourCellKeys.size()> codes{};  // by kHourCellKeys; 0 = absent
  // latency_ms over the cell's present values: the sum adds them in row order (a query adds
  // cells, not rows, so a sum or mean of latency_ms from cells is within the last bits of the
  // row scan's); min = max = 0 when none is present.
  uint32_t latency_present = 0;
  // measures[0] (cost_usd).present is 0 or rows
  std::array<HourCellMeasure, kHourCellMeasures.size()> measures{};  // by kHourCellMeasures
  double latency_sum = 0;
  double latency_min = 0;
  double latency_max = 0;
};

struct HourCells {
  std::vector<HourCell> cells;  // ascending by (hour, codes, priced); together every row of the block once
  size_t MemoryBytes() const { return sizeof(*this) + cells.capacity() * sizeof(HourCell); }
};

// The cells of `block` (summary non-null); empty when there would be more than kMaxHourCells or
// fewer than kMinHourCellRows rows per cell on average.
HourCells CellBlockByHour(const ColumnBlock& block);

// CellBlockByHour(block), made once per block summary and kept in it (thread-safe).
std::shared_ptr<const HourCells> HourCellsOf(const ColumnBlock& block);

// Writes the summary of `cell`'s rows into `view`, a summary whose other columns are all absent
// (and stay so): each key's column holds the cell's one code, each measure's and latency_ms's
// the cell's values (absent when the block stores no value of it; latency_ms without a sketch).
// No other column of `view` is the cell's: a query may read only the key, measure and latency
// columns from it.
void CellSummary(const HourCell& cell, const BlockSummary& block_summary, BlockSummary* view);

// Every row's value of one column of a block at once (rows values; the same as IdAt / IntAt /
// DoubleAt / ByteAt per row, which find each through a switch, a packed code or a binary search
// of the exceptions: most of a block's cells' making time when called per row). OffsetsOf gives
// the stored u (0 = absent; an enum's or bool's value).
std::vector<uint32_t> OffsetsOf(const ColumnData& column, size_t rows);
std::vector<uint32_t> IdsOf(const ColumnData& column, size_t rows);
std::vector<int64_t> IntsOf(const ColumnData& column, size_t rows);
std::vector<double> DoublesOf(const ColumnData& column, size_t rows);

// The key columns' ids and the measures' ints of every row of a block: what every kind of cell
// (hour, tag, score) is keyed and summed by.
struct CellColumns {
  std::array<std::vector<uint32_t>, kHourCellKeys.size()> keys;        // by kHourCellKeys
  std::array<std::vector<int64_t>, kHourCellMeasures.size()> measures;  // by kHourCellMeasures
};
CellColumns CellColumnsOf(const ColumnBlock& block, size_t rows);

// Making a cell (hour or tag cell): NewHourCell starts one at its first row (ts) with the given
// codes and no rows; AddCellRow adds row `row` of the decoded columns (IntsOf of each of
// kHourCellMeasures, DoublesOf latency_ms); FinishCell, once every row is in, gives min = max = 0
// to what no row had.
HourCell NewHourCell(int64_t ts, const std::array<uint32_t, kHourCellKeys.size()>& codes);
void AddCellRow(HourCell& cell, int64_t ts, const std::array<std::vector<int64_t>, kHourCellMeasures.size()>& measures,
                const std::vector<double>& latency, uint32_t row);
void FinishCell(HourCell& cell);

// Reorders a block's `cells` ascending by key_of(index of the cell) (a std::tie of its key), so
// that they come in the same order however the block's rows interleave (hour, tag and score cells).
template <typename Cell, typename KeyOf>
void SortCellsByKey(std::vector<Cell>& cells, KeyOf key_of) {
  std::vector<uint32_t> order(cells.size());
  for (uint32_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key_of(a) < key_of(b); });
  std::vector<Cell> sorted;
  sorted.reserve(cells.size());
  for (const uint32_t idx : order) sorted.push_back(std::move(cells[idx]));
  cells = std::move(sorted);
}

}  // namespace mltrack::store
