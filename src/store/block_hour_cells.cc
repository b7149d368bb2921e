#include "store/block_hour_cells.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "store/block_hour_slices.h"

namespace mltrack::store {
namespace {

int64_t HourOf(int64_t ts) { return ts >= 0 ? ts / kHourSliceMs : -((-ts + kHourSliceMs - 1) / kHourSliceMs); }

// A cell's key: its hour, its codes of kHourCellKeys and whether its cost is present.
struct CellKey {
  int64_t hour = 0;
  std::array<uint32_t, kHourCellKeys.size()> codes{};
  bool priced = false;
  bool operator==(const CellKey&) const = default;
};

struct CellKeyHash {
  size_t operator()(const CellKey& key) const {
    uint64_t hash = static_cast<uint64_t>(key.hour) * 0x9E3779B97F4A7C15ull;
    for (const uint32_t code : key.codes) hash = (hash ^ code) * 0xFF51AFD7ED558CCDull;
    hash = (hash ^ static_cast<uint64_t>(key.priced)) * 0xFF51AFD7ED558CCDull;
    return static_cast<size_t>(hash ^ (hash >> 29));
  }
};

}  // namespace

bool IsHourCellKey(FieldId field) {
  return std::find(kHourCellKeys.begin(), kHourCellKeys.end(), field) != kHourCellKeys.end();
}

bool IsHourCellMeasure(FieldId field) {
  return std::find(kHourCellMeasures.begin(), kHourCellMeasures.end(), field) != kHourCellMeasures.end();
}

HourCells CellBlockByHour(const ColumnBlock& block) {
  HourCells made;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0) return made;
  const size_t most = std::min<size_t>(kMaxHourCells, rows / kMinHourCellRows);
  if (most == 0) return made;
  std::array<std::vector<uint32_t>, kHourCellKeys.size()> key_buffers;
  std::array<ColumnData, kHourCellKeys.size()> keys;
  for (size_t idx = 0; idx < keys.size(); ++idx) {
    keys[idx] = Densified(block.column(kHourCellKeys[idx]), rows, &key_buffers[idx]);
  }
  std::array<std::vector<uint32_t>, kHourCellMeasures.size()> measure_buffers;
  std::array<ColumnData, kHourCellMeasures.size()> measures;
  for (size_t idx = 0; idx < measures.size(); ++idx) {
    measures[idx] = Densified(block.column(kHourCellMeasures[idx]), rows, &measure_buffers[idx]);
  }
  std::unordered_map<CellKey, uint32_t, CellKeyHash> index;
  index.reserve(most * 2);
  std::vector<CellKey> cell_keys;
  std::vector<HourCell>& cells = made.cells;
  for (uint32_t row = 0; row < rows; ++row) {
    const int64_t ts = block.Ts(row);
    CellKey key;
    key.hour = HourOf(ts);
    for (size_t idx = 0; idx < keys.size(); ++idx) key.codes[idx] = IdAt(keys[idx], row);
    static_assert(kHourCellMeasures[0] == FieldId::kCostUsd);
    key.priced = IntAt(measures[0], row) != kNullInt;
    const auto [found, added] = index.try_emplace(key, static_cast<uint32_t>(cells.size()));
    if (added) {
      if (cells.size() == most) return HourCells{};
      cell_keys.push_back(key);
      HourCell& cell = cells.emplace_back();
      cell.min_ts = cell.max_ts = ts;
      cell.codes = key.codes;
      for (HourCellMeasure& measure : cell.measures) {
        measure.min = std::numeric_limits<int64_t>::max();
        measure.max = std::numeric_limits<int64_t>::min();
      }
    }
    HourCell& cell = cells[found->second];
    ++cell.rows;
    cell.min_ts = std::min(cell.min_ts, ts);
    cell.max_ts = std::max(cell.max_ts, ts);
    for (size_t idx = 0; idx < measures.size(); ++idx) {
      const int64_t value = IntAt(measures[idx], row);
      if (value == kNullInt) continue;
      HourCellMeasure& measure = cell.measures[idx];
      ++measure.present;
      measure.sum = static_cast<int64_t>(static_cast<uint64_t>(measure.sum) + static_cast<uint64_t>(value));
      measure.min = std::min(measure.min, value);
      measure.max = std::max(measure.max, value);
    }
  }
  for (HourCell& cell : cells) {
    for (HourCellMeasure& measure : cell.measures) {
      if (measure.present == 0) measure.min = measure.max = 0;
    }
  }
  // Ascending by (hour, codes, priced): the same cells in the same order however rows interleave.
  std::vector<uint32_t> order(cells.size());
  for (uint32_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(cell_keys[a].hour, cell_keys[a].codes, cell_keys[a].priced) <
           std::tie(cell_keys[b].hour, cell_keys[b].codes, cell_keys[b].priced);
  });
  std::vector<HourCell> sorted;
  sorted.reserve(cells.size());
  for (const uint32_t idx : order) sorted.push_back(cells[idx]);
  cells = std::move(sorted);
  return made;
}

std::shared_ptr<const HourCells> HourCellsOf(const ColumnBlock& block) {
  const auto& lazy = block.summary->hour_cells;
  if (std::shared_ptr<const HourCells> made = lazy.Get()) return made;
  return lazy.Keep(std::make_shared<const HourCells>(CellBlockByHour(block)));
}

void CellSummary(const HourCell& cell, const BlockSummary& block_summary, BlockSummary* view) {
  view->rows = cell.rows;
  for (size_t idx = 0; idx < kHourCellKeys.size(); ++idx) {
    // As SummarizeIds gives a column of one code: listed exactly, with its rows.
    ColumnSummary& column = view->fields[static_cast<size_t>(kHourCellKeys[idx])];
    const uint32_t code = cell.codes[idx];
    column.type = ColumnSummary::Type::kCodes;
    column.exact = true;
    column.present = code == kAbsentId ? 0 : cell.rows;
    column.codes.assign(1, {code, cell.rows});
    column.min_code = column.max_code = code;
    column.distinct = 0;
  }
  for (size_t idx = 0; idx < kHourCellMeasures.size(); ++idx) {
    const FieldId field = kHourCellMeasures[idx];
    ColumnSummary& column = view->fields[static_cast<size_t>(field)];
    if (block_summary.field(field).type == ColumnSummary::Type::kAbsent) {
      column.type = ColumnSummary::Type::kAbsent;
      column.present = 0;
      column.int_sum = column.int_min = column.int_max = 0;
      continue;
    }
    const HourCellMeasure& measure = cell.measures[idx];
    column.type = ColumnSummary::Type::kInts;
    column.present = measure.present;
    column.int_sum = measure.sum;
    column.int_min = measure.min;
    column.int_max = measure.max;
  }
}

}  // namespace mltrack::store
