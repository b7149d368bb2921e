#pragma once
// Score cells: a block's rows grouped by the four spend dimensions of the hour cells (team,
// experiment, model, provider) and by whether cost_usd is present, each group with its row
// count, time range, the hour cells' token and cost measures, and the count, sum and spread (M2)
// of one score (not stored in segments). Segments keep a score's moments per block and per value
// slice (block_moments.h), which answer a score's mean by model only where a model slice is one
// group; a 30-day mean quality score by experiment × model (the insights' cheaper-model rule, for
// models that several experiments use) read every row of those models. ~20–60 cells per block
// answer it instead (query/block_answer.h, AnswerFromScoreCells). Made from the block's columns
// the first time a query asks for a score's cells and kept with the block's summary for the
// segment's life (one set per score asked for).
//
// A cell's sum adds its rows in row order and its M2 is the corrected two-pass one of
// block_moments.h; a query merges cells, not rows, so a mean or variance can differ from the row
// scan's in the last bits (counts are exact).

#include <cstdint>
#include <memory>
#include <vector>

#include "store/block_hour_cells.h"
#include "store/block_moments.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

struct ScoreCell {
  HourCell base;  // rows, time range (may span hours), kHourCellKeys codes, int measures
  BlockMoments::Score score;  // of the cell's rows (present may be 0: no row has a value)
};

struct ScoreCells {
  uint32_t score_index = 0;
  std::vector<ScoreCell> cells;  // ascending by (codes, priced); together every row of the block once
  size_t MemoryBytes() const { return sizeof(*this) + cells.capacity() * sizeof(ScoreCell); }
};

// The score cells made so far for one block, one entry per score asked for.
struct ScoreCellSet {
  std::vector<std::shared_ptr<const ScoreCells>> scores;
  size_t MemoryBytes() const;
};

// The cells of `block` (summary non-null) for score index `score_index`; empty when there would
// be more than kMaxHourCells or fewer than kMinHourCellRows rows per cell on average.
ScoreCells CellBlockByScore(const ColumnBlock& block, uint32_t score_index);

// CellBlockByScore(block, score_index), made once per block summary and score and kept in it
// (thread-safe).
std::shared_ptr<const ScoreCells> ScoreCellsOf(const ColumnBlock& block, uint32_t score_index);

// Writes the summary of `cell`'s rows into `view`, as CellSummary does for an hour cell, and the
// cell's score into *moments (its only entry; none when no row has a value), which must be
// view->moments. No other column or moment of `view` is the cell's.
void ScoreCellSummary(const ScoreCell& cell, uint32_t score_index, const BlockSummary& block_summary,
                      BlockSummary* view, BlockMoments* moments);

}  // namespace mltrack::store
