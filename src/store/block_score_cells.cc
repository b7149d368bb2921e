#include "store/block_score_cells.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "store/block_tag_cells.h"

namespace mltrack::store {
namespace {

// A cell's key: its codes of kHourCellKeys and whether its cost is present.
struct CellKey {
  std::array<uint32_t, kHourCellKeys.size()> codes{};
  bool priced = false;
  bool operator==(const CellKey&) const = default;
};

struct CellKeyHash {
  size_t operator()(const CellKey& key) const {
    uint64_t hash = 0x9E3779B97F4A7C15ull;
    for (const uint32_t code : key.codes) hash = (hash ^ code) * 0xFF51AFD7ED558CCDull;
    hash = (hash ^ static_cast<uint64_t>(key.priced)) * 0xFF51AFD7ED558CCDull;
    return static_cast<size_t>(hash ^ (hash >> 29));
  }
};

}  // namespace

size_t ScoreCellSet::MemoryBytes() const {
  size_t bytes = sizeof(*this) + scores.capacity() * sizeof(scores[0]);
  for (const auto& made : scores) bytes += made->MemoryBytes();
  return bytes;
}

ScoreCells CellBlockByScore(const ColumnBlock& block, uint32_t score_index) {
  ScoreCells made;
  made.score_index = score_index;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0) return made;
  const size_t most = std::min<size_t>(kMaxHourCells, rows / kMinHourCellRows);
  if (most == 0) return made;
  const CellColumns columns = CellColumnsOf(block, rows);
  const auto& keys = columns.keys;
  const auto& measures = columns.measures;
  const std::vector<double> score = DoublesOf(block.score(score_index), rows);
  // Open addressing (linear probing) over a power-of-two table of cell indexes, at most half full.
  size_t slots = 16;
  while (slots < most * 2) slots *= 2;
  std::vector<uint32_t> index(slots, UINT32_MAX);
  const CellKeyHash hash;
  std::vector<CellKey> cell_keys;
  std::vector<ScoreCell>& cells = made.cells;
  std::vector<uint32_t> cell_of(rows);
  // The score's first value per cell (the shift of the two-pass spread) and the shifted sums.
  std::vector<double> shift, shifted_sum;
  for (uint32_t row = 0; row < rows; ++row) {
    const int64_t ts = block.Ts(row);
    CellKey key;
    for (size_t idx = 0; idx < keys.size(); ++idx) key.codes[idx] = keys[idx][row];
    static_assert(kHourCellMeasures[0] == FieldId::kCostUsd);
    key.priced = measures[0][row] != kNullInt;
    size_t slot = hash(key) & (slots - 1);
    while (index[slot] != UINT32_MAX && !(cell_keys[index[slot]] == key)) slot = (slot + 1) & (slots - 1);
    if (index[slot] == UINT32_MAX) {
      if (cells.size() == most) return ScoreCells{score_index, {}};
      index[slot] = static_cast<uint32_t>(cells.size());
      cell_keys.push_back(key);
      ScoreCell& cell = cells.emplace_back();
      cell.base.min_ts = cell.base.max_ts = ts;
      cell.base.codes = key.codes;
      cell.score.index = score_index;
      for (HourCellMeasure& measure : cell.base.measures) {
        measure.min = std::numeric_limits<int64_t>::max();
        measure.max = std::numeric_limits<int64_t>::min();
      }
      shift.push_back(0);
      shifted_sum.push_back(0);
    }
    const uint32_t cell_idx = index[slot];
    cell_of[row] = cell_idx;
    ScoreCell& cell = cells[cell_idx];
    ++cell.base.rows;
    cell.base.min_ts = std::min(cell.base.min_ts, ts);
    cell.base.max_ts = std::max(cell.base.max_ts, ts);
    for (size_t idx = 0; idx < measures.size(); ++idx) {
      const int64_t value = measures[idx][row];
      if (value == kNullInt) continue;
      HourCellMeasure& measure = cell.base.measures[idx];
      ++measure.present;
      measure.sum = static_cast<int64_t>(static_cast<uint64_t>(measure.sum) + static_cast<uint64_t>(value));
      measure.min = std::min(measure.min, value);
      measure.max = std::max(measure.max, value);
    }
    const double value = score[row];
    if (std::isnan(value)) continue;
    if (cell.score.present == 0) shift[cell_idx] = value;
    ++cell.score.present;
    cell.score.sum += value;
    shifted_sum[cell_idx] += value - shift[cell_idx];
  }
  // The spread, as block_moments.h computes a block's (corrected two-pass, in row order).
  std::vector<double> squares(cells.size(), 0), residual(cells.size(), 0);
  for (uint32_t row = 0; row < rows; ++row) {
    const double value = score[row];
    if (std::isnan(value)) continue;
    const uint32_t cell_idx = cell_of[row];
    const double deviation =
        value - shift[cell_idx] - shifted_sum[cell_idx] / static_cast<double>(cells[cell_idx].score.present);
    squares[cell_idx] += deviation * deviation;
    residual[cell_idx] += deviation;
  }
  for (size_t cell_idx = 0; cell_idx < cells.size(); ++cell_idx) {
    ScoreCell& cell = cells[cell_idx];
    for (HourCellMeasure& measure : cell.base.measures) {
      if (measure.present == 0) measure.min = measure.max = 0;
    }
    const double n = static_cast<double>(cell.score.present);
    if (n > 0) cell.score.m2 = std::max(0.0, squares[cell_idx] - residual[cell_idx] * residual[cell_idx] / n);
  }
  // Ascending by (codes, priced).
  SortCellsByKey(cells, [&](uint32_t idx) {
    return std::tie(cell_keys[idx].codes, cell_keys[idx].priced);
  });
  return made;
}

std::shared_ptr<const ScoreCells> ScoreCellsOf(const ColumnBlock& block, uint32_t score_index) {
  const auto& lazy = block.summary->score_cells;
  while (true) {
    const std::shared_ptr<const ScoreCellSet> seen = lazy.Get();
    if (seen) {
      for (const auto& made : seen->scores) {
        if (made->score_index == score_index) return made;
      }
    }
    auto made = std::make_shared<const ScoreCells>(CellBlockByScore(block, score_index));
    auto grown = std::make_shared<ScoreCellSet>();
    if (seen) grown->scores = seen->scores;
    grown->scores.push_back(made);
    if (seen ? lazy.Replace(seen, std::move(grown)) : lazy.Keep(grown) == grown) return made;
    // Another thread added cells meanwhile: look again (it may have made this score's).
  }
}

void ScoreCellSummary(const ScoreCell& cell, uint32_t score_index, const BlockSummary& block_summary,
                      BlockSummary* view, BlockMoments* moments) {
  CellSummary(cell.base, block_summary, view);
  moments->field_m2.clear();
  moments->scores.clear();
  if (cell.score.present > 0) {
    moments->scores.push_back(cell.score);
    moments->scores.back().index = score_index;
  }
}

}  // namespace mltrack::store
