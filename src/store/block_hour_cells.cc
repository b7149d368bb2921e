#include "store/block_hour_cells.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "store/block_hour_slices.h"
#include "store/packed_column.h"

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

std::vector<uint32_t> OffsetsOf(const ColumnData& column, size_t rows) {
  std::vector<uint32_t> out(rows, 0);
  if (!column.present()) return out;
  if (column.sparse()) {
    for (uint32_t idx = 0; idx < column.sparse_count; ++idx) {
      const uint16_t row = column.sparse_rows[idx];
      switch (column.width) {
        case 1: out[row] = column.as<uint8_t>()[idx]; break;
        case 2: out[row] = column.as<uint16_t>()[idx]; break;
        default: out[row] = column.as<uint32_t>()[idx]; break;
      }
    }
    return out;
  }
  if (column.packed()) {
    std::vector<uint32_t> identity(rows);
    for (uint32_t row = 0; row < rows; ++row) identity[row] = row;
    UnpackColumn<uint32_t>(column, identity.data(), rows, out.data());
    return out;
  }
  for (size_t row = 0; row < rows; ++row) {
    switch (column.width) {
      case 1: out[row] = column.as<uint8_t>()[row]; break;
      case 2: out[row] = column.as<uint16_t>()[row]; break;
      case 4: out[row] = column.as<uint32_t>()[row]; break;
      default: break;
    }
  }
  return out;
}

std::vector<uint32_t> IdsOf(const ColumnData& column, size_t rows) {
  std::vector<uint32_t> ids = OffsetsOf(column, rows);
  for (uint32_t& id : ids) id = id == 0 ? kAbsentId : static_cast<uint32_t>(column.base + static_cast<int64_t>(id));
  return ids;
}

std::vector<int64_t> IntsOf(const ColumnData& column, size_t rows) {
  std::vector<int64_t> values(rows, kNullInt);
  if (!column.present()) return values;
  if (column.width == 8) {
    for (size_t row = 0; row < rows; ++row) values[row] = column.as<int64_t>()[row];
    return values;
  }
  const std::vector<uint32_t> offsets = OffsetsOf(column, rows);
  for (size_t row = 0; row < rows; ++row) {
    values[row] = offsets[row] == 0 ? kNullInt : column.base + static_cast<int64_t>(offsets[row]);
  }
  return values;
}

std::vector<double> DoublesOf(const ColumnData& column, size_t rows) {
  std::vector<double> values(rows, std::numeric_limits<double>::quiet_NaN());
  if (!column.present()) return values;
  if (column.width == 8) {
    for (size_t row = 0; row < rows; ++row) values[row] = column.as<double>()[row];
    return values;
  }
  const std::vector<uint32_t> offsets = OffsetsOf(column, rows);
  for (size_t row = 0; row < rows; ++row) {
    if (offsets[row] != 0) values[row] = static_cast<double>(column.base + static_cast<int64_t>(offsets[row])) / column.scale;
  }
  for (uint32_t idx = 0; idx < column.exception_count; ++idx) {
    const uint16_t row = column.exception_rows[idx];
    if (row < rows && offsets[row] == 0) values[row] = column.exception_values[idx];
  }
  return values;
}

void AddCellRow(HourCell& cell, int64_t ts, const std::array<std::vector<int64_t>, kHourCellMeasures.size()>& measures,
            const std::vector<double>& latency, uint32_t row) {
  ++cell.rows;
  cell.min_ts = std::min(cell.min_ts, ts);
  cell.max_ts = std::max(cell.max_ts, ts);
  for (size_t idx = 0; idx < measures.size(); ++idx) {
    const int64_t value = measures[idx][row];
    if (value == kNullInt) continue;
    HourCellMeasure& measure = cell.measures[idx];
    ++measure.present;
    measure.sum = static_cast<int64_t>(static_cast<uint64_t>(measure.sum) + static_cast<uint64_t>(value));
    measure.min = std::min(measure.min, value);
    measure.max = std::max(measure.max, value);
  }
  const double value = latency[row];
  if (!std::isnan(value)) {
    ++cell.latency_present;
    cell.latency_sum += value;
    cell.latency_min = std::min(cell.latency_min, value);
    cell.latency_max = std::max(cell.latency_max, value);
  }
}

HourCell NewHourCell(int64_t ts, const std::array<uint32_t, kHourCellKeys.size()>& codes) {
  HourCell cell;
  cell.min_ts = cell.max_ts = ts;
  cell.codes = codes;
  for (HourCellMeasure& measure : cell.measures) {
    measure.min = std::numeric_limits<int64_t>::max();
    measure.max = std::numeric_limits<int64_t>::min();
  }
  cell.latency_min = std::numeric_limits<double>::infinity();
  cell.latency_max = -std::numeric_limits<double>::infinity();
  return cell;
}

void FinishCell(HourCell& cell) {
  for (HourCellMeasure& measure : cell.measures) {
    if (measure.present == 0) measure.min = measure.max = 0;
  }
  if (cell.latency_present == 0) cell.latency_min = cell.latency_max = 0;
}

CellColumns CellColumnsOf(const ColumnBlock& block, size_t rows) {
  CellColumns columns;
  for (size_t idx = 0; idx < columns.keys.size(); ++idx) columns.keys[idx] = IdsOf(block.column(kHourCellKeys[idx]), rows);
  for (size_t idx = 0; idx < columns.measures.size(); ++idx) {
    columns.measures[idx] = IntsOf(block.column(kHourCellMeasures[idx]), rows);
  }
  return columns;
}

HourCells CellBlockByHour(const ColumnBlock& block) {
  HourCells made;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0) return made;
  const size_t most = std::min<size_t>(kMaxHourCells, rows / kMinHourCellRows);
  if (most == 0) return made;
  const CellColumns columns = CellColumnsOf(block, rows);
  const auto& keys = columns.keys;
  const auto& measures = columns.measures;
  const std::vector<double> latency = DoublesOf(block.column(FieldId::kLatencyMs), rows);
  // Open addressing (linear probing) over a power-of-two table of cell indexes, at most half full.
  size_t slots = 16;
  while (slots < most * 2) slots *= 2;
  std::vector<uint32_t> index(slots, UINT32_MAX);
  const CellKeyHash hash;
  std::vector<CellKey> cell_keys;
  std::vector<HourCell>& cells = made.cells;
  for (uint32_t row = 0; row < rows; ++row) {
    const int64_t ts = block.Ts(row);
    CellKey key;
    key.hour = HourOf(ts);
    for (size_t idx = 0; idx < keys.size(); ++idx) key.codes[idx] = keys[idx][row];
    static_assert(kHourCellMeasures[0] == FieldId::kCostUsd);
    key.priced = measures[0][row] != kNullInt;
    size_t slot = hash(key) & (slots - 1);
    while (index[slot] != UINT32_MAX && !(cell_keys[index[slot]] == key)) slot = (slot + 1) & (slots - 1);
    if (index[slot] == UINT32_MAX) {
      if (cells.size() == most) return HourCells{};
      index[slot] = static_cast<uint32_t>(cells.size());
      cell_keys.push_back(key);
      cells.push_back(NewHourCell(ts, key.codes));
    }
    HourCell& cell = cells[index[slot]];
    AddCellRow(cell, ts, measures, latency, row);
  }
  for (HourCell& cell : cells) FinishCell(cell);
  // Ascending by (hour, codes, priced).
  SortCellsByKey(cells, [&](uint32_t idx) {
    return std::tie(cell_keys[idx].hour, cell_keys[idx].codes, cell_keys[idx].priced);
  });
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
  ColumnSummary& latency = view->fields[static_cast<size_t>(FieldId::kLatencyMs)];
  if (block_summary.field(FieldId::kLatencyMs).type == ColumnSummary::Type::kAbsent) {
    latency = ColumnSummary{};
  } else {
    // No sketch: percentiles of a cell are not given.
    latency.type = ColumnSummary::Type::kDoubles;
    latency.present = cell.latency_present;
    latency.double_sum = cell.latency_sum;
    latency.double_min = cell.latency_min;
    latency.double_max = cell.latency_max;
    latency.sketch = nullptr;
  }
}

}  // namespace mltrack::store
