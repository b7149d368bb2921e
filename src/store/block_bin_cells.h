#pragma once
// Bin cells: a block's rows counted by the bin of one measure under one bin width (a group part
// `bin:W:field`) and by the four spend dimensions of the hour cells (team, experiment, model,
// provider). The overview's latency histogram (count per bin of latency_ms over 30 days, the width
// from the range's p99) read every row of the range on every request; ~500 cells per block answer
// it, and the same histogram under a filter on one of those dimensions (`?model=`), without reading
// a row (query/block_scan.cc, AnswerFromBinCells). Not stored in segments: made from the block's
// bin codes (given by the query layer, which owns the binning) the first time a query asks for a
// (measure, width) and kept with the block's tag cells (TagCellSet) for the segment's life, at most
// kMaxBinCellSets keys per block. Counts are exact: a query adds a cell's rows to the group its
// rows would have gone to.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "store/block_hour_cells.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// Keys (measure, width, slice) whose cells one block keeps: a dashboard's histogram has one width
// per range and filter (the width follows the p99), so a few cover the dashboards; past them a
// query reads rows, as before.
inline constexpr size_t kMaxBinCellSets = 8;

// What a set of bin cells is keyed by: the binned column (the query layer's source type, field
// and tag / score index), the bin width width_units / 10^width_decimals and, when `sliced`, the
// one value (dictionary id `slice_code` of kHourCellKeys' field `slice_field`) whose rows alone
// the cells hold: a histogram filtered to one model has a width from that model's p99, too
// narrow for the other models' latencies to make few cells.
struct BinCellsKey {
  uint8_t source_type = 0;
  uint16_t field = 0;
  uint32_t index = 0;
  int64_t width_units = 0;
  int32_t width_decimals = 0;
  bool sliced = false;
  uint16_t slice_field = 0;
  uint32_t slice_code = 0;
  bool operator==(const BinCellsKey&) const = default;
};

struct BinCell {
  uint64_t bin = 0;  // the query layer's bin code of every row of the cell (0 = absent)
  std::array<uint32_t, kHourCellKeys.size()> codes{};  // by kHourCellKeys; 0 = absent
  uint32_t rows = 0;
};

struct BinCells {
  BinCellsKey key;
  // Ascending by (bin, codes); together every row of the block (of its slice, when sliced) once.
  // Empty when the block has
  // none (too many cells, too few rows each, or a value the query layer cannot bin exactly).
  std::vector<BinCell> cells;
  size_t MemoryBytes() const { return sizeof(*this) + cells.capacity() * sizeof(BinCell); }
};

// The cells of `block` (summary non-null) from `bins`, the bin code of each of its rows (of the
// key's slice only, when sliced); empty when there would be more than kMaxHourCells or fewer than
// kMinHourCellRows rows per cell on average.
BinCells CellBlockByBin(const ColumnBlock& block, const BinCellsKey& key, std::span<const uint64_t> bins);

// The cells of `block` for `key`, made once per block summary and key and kept in it
// (thread-safe): `bins()` gives every row's bin code, or an empty vector when the rows cannot
// be binned exactly (then the block keeps empty cells for the key). Null when the block keeps
// kMaxBinCellSets other keys' cells already.
std::shared_ptr<const BinCells> BinCellsOf(const ColumnBlock& block, const BinCellsKey& key,
                                           const std::function<std::vector<uint64_t>()>& bins);

// Writes the summary of `cell`'s rows into `view`, a summary whose other columns are all absent
// (and stay so): each of kHourCellKeys' columns holds the cell's one code. A query may read only
// those columns from it (to judge a filter on a spend dimension).
void BinCellSummary(const BinCell& cell, BlockSummary* view);

}  // namespace mltrack::store
