#pragma once
// Tag cells: a block's rows grouped by the value of one more dimension — a tag key (tags.env,
// tags.region, …) or a string field of kCellFields (error_type) — by the four spend dimensions of
// the hour cells (team, experiment, model, provider) and by whether cost_usd is present, each
// group with what an hour cell holds (row count, time range, the count, sum, min and max of each
// token and cost measure and of latency_ms) and its rows by cache_hit code and by status (not
// stored in segments). Unlike hour cells they are not split by hour: a 30-day filtered group-by
// such as `tags.env = prod` by experiment with count, cost, mean latency and cache-hit rate
// (bench/queries.json `prod_by_experiment_30d`), or count and error rate by provider and
// error_type (`errors_by_provider_type_30d`), reads no row of a whole block: ~60 or ~100 cells
// answer it (query/block_answer.h, AnswerFromTagCells). Made from the block's columns the first
// time a query asks for a dimension's cells and kept with the block's summary for the segment's
// life (one set per dimension asked for).
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

// The string fields (besides kHourCellKeys) that tag cells can be keyed by: few values per block,
// asked for with the spend dimensions.
inline constexpr std::array<FieldId, 1> kCellFields = {FieldId::kErrorType};
bool IsCellField(FieldId field);

// The dimension a set of tag cells is keyed by besides the hour cells' keys: a tag key (by its
// index) or a field of kCellFields.
struct CellDimension {
  bool is_tag = true;
  uint32_t index = 0;  // the tag key's index, or the FieldId
  static CellDimension Tag(uint32_t key_index) { return {true, key_index}; }
  static CellDimension Field(FieldId field) { return {false, static_cast<uint32_t>(field)}; }
  bool operator==(const CellDimension&) const = default;
};

struct TagCell {
  HourCell base;          // rows, time range (may span hours), kHourCellKeys codes, int measures, latency_ms
  uint32_t tag_code = 0;  // the dimension's dictionary id in every row of the cell (0 = absent)
  std::array<uint32_t, 3> cache_hit{};  // rows by code: kBoolAbsent, kBoolFalse, kBoolTrue
  std::array<uint32_t, 2> status{};     // rows by EventStatus code: ok, error
};

struct TagCells {
  CellDimension dimension;
  std::vector<TagCell> cells;  // ascending by (tag code, codes, priced); together every row of the block once
  size_t MemoryBytes() const { return sizeof(*this) + cells.capacity() * sizeof(TagCell); }
};

struct BinCells;  // block_bin_cells.h

// The tag cells made so far for one block, one entry per dimension asked for, and its bin cells
// (block_bin_cells.h), one entry per (measure, width) asked for: the cells made per key on first
// use share one lazily grown set.
struct TagCellSet {
  std::vector<std::shared_ptr<const TagCells>> keys;
  std::vector<std::shared_ptr<const BinCells>> bins;
  size_t MemoryBytes() const;
};

// The cells of `block` (summary non-null) by `dimension`; empty when there would be more than
// kMaxHourCells or fewer than kMinHourCellRows rows per cell on average, or when the block's
// summary does not list the dimension's codes (more than kMaxSummaryCodes values in the block).
TagCells CellBlockByTag(const ColumnBlock& block, CellDimension dimension);

// CellBlockByTag(block, dimension), made once per block summary and dimension and kept in it
// (thread-safe).
std::shared_ptr<const TagCells> TagCellsOf(const ColumnBlock& block, CellDimension dimension);

// Writes the summary of `cell`'s rows into `view`, as CellSummary does for an hour cell, plus
// cache_hit's and status's columns and the dimension's (one code, listed exactly: in view->tags
// for a tag key, which then holds only it; in view->fields for a field, view->tags then empty).
// No other column of `view` is the cell's.
void TagCellSummary(const TagCell& cell, CellDimension dimension, const BlockSummary& block_summary, BlockSummary* view);

}  // namespace mltrack::store
