#pragma once
// Tag cells: a block's rows grouped by the value of one tag key (tags.env, tags.region, …), by
// the four spend dimensions of the hour cells (team, experiment, model, provider) and by whether
// cost_usd is present, each group with its row count, time range, the count, sum, min and max of
// each token and cost measure (as hour cells), the count, sum, min and max of latency_ms, and its
// rows by cache_hit code (not stored in segments). Unlike hour cells they are not split by hour:
// a 30-day filtered group-by such as `tags.env = prod` by experiment with count, cost, mean
// latency and cache-hit rate (bench/queries.json `prod_by_experiment_30d`) reads no row of a
// whole block: ~60 cells answer it (query/block_answer.h, AnswerFromTagCells). Made from the
// block's columns the first time a query asks for a key's cells and kept with the block's summary
// for the segment's life (one set per tag key asked for).
//
// latency_ms's sum adds a cell's rows in row order; a query adds cells, not rows, so a mean
// latency can differ from the row scan's in the last bits (counts, integer sums and rates are
// exact).

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "store/block_hour_cells.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

struct TagCell {
  HourCell base;          // rows, time range (may span hours), kHourCellKeys codes, int measures
  uint32_t tag_code = 0;  // the key's dictionary id in every row of the cell (0 = absent)
  uint32_t latency_present = 0;
  double latency_sum = 0;  // over present values, in row order; min = max = 0 when none
  double latency_min = 0;
  double latency_max = 0;
  std::array<uint32_t, 3> cache_hit{};  // rows by code: kBoolAbsent, kBoolFalse, kBoolTrue
};

struct TagCells {
  uint32_t key_index = 0;
  std::vector<TagCell> cells;  // ascending by (tag code, codes, priced); together every row of the block once
  size_t MemoryBytes() const { return sizeof(*this) + cells.capacity() * sizeof(TagCell); }
};

// The tag cells made so far for one block, one entry per tag key asked for.
struct TagCellSet {
  std::vector<std::shared_ptr<const TagCells>> keys;
  size_t MemoryBytes() const;
};

// The cells of `block` (summary non-null) by tag key `key_index`; empty when there would be more
// than kMaxHourCells or fewer than kMinHourCellRows rows per cell on average, or when the block's
// summary does not list the key's codes (more than kMaxSummaryCodes values in the block).
TagCells CellBlockByTag(const ColumnBlock& block, uint32_t key_index);

// CellBlockByTag(block, key_index), made once per block summary and key and kept in it
// (thread-safe).
std::shared_ptr<const TagCells> TagCellsOf(const ColumnBlock& block, uint32_t key_index);

// Writes the summary of `cell`'s rows into `view`, as CellSummary does for an hour cell, plus
// latency_ms's and cache_hit's columns and the tag key's (one code, listed exactly, in
// view->tags). No other column of `view` is the cell's.
void TagCellSummary(const TagCell& cell, uint32_t key_index, const BlockSummary& block_summary, BlockSummary* view);

// IdAt / IntAt / DoubleAt of every row of a column of `rows` rows, decoded for the whole block at
// once (for making cells: per row, those find a value through a switch, a packed code or a binary
// search each).
std::vector<uint32_t> BlockIds(const ColumnData& column, size_t rows);
std::vector<int64_t> BlockInts(const ColumnData& column, size_t rows);
std::vector<double> BlockDoubles(const ColumnData& column, size_t rows);

}  // namespace mltrack::store
