#include "store/block_tag_cells.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "store/block_hour_slices.h"
#include "store/packed_column.h"

namespace mltrack::store {
namespace {

// A cell's key: its tag code, its codes of kHourCellKeys and whether its cost is present.
struct CellKey {
  uint32_t tag = 0;
  std::array<uint32_t, kHourCellKeys.size()> codes{};
  bool priced = false;
  bool operator==(const CellKey&) const = default;
};

struct CellKeyHash {
  size_t operator()(const CellKey& key) const {
    uint64_t hash = static_cast<uint64_t>(key.tag) * 0x9E3779B97F4A7C15ull;
    for (const uint32_t code : key.codes) hash = (hash ^ code) * 0xFF51AFD7ED558CCDull;
    hash = (hash ^ static_cast<uint64_t>(key.priced)) * 0xFF51AFD7ED558CCDull;
    return static_cast<size_t>(hash ^ (hash >> 29));
  }
};

// The stored value u (0 = absent) of every row of a narrow column (width 1/2/4: dense, sparse or
// packed), for the whole block at once: IdAt / IntAt / DoubleAt / ByteAt per row find it through
// a switch, a packed code or a binary search each (most of a block's cells' making time).
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

// IdAt of every row.
std::vector<uint32_t> IdsOf(const ColumnData& column, size_t rows) {
  std::vector<uint32_t> ids = OffsetsOf(column, rows);
  for (uint32_t& id : ids) id = id == 0 ? kAbsentId : static_cast<uint32_t>(column.base + static_cast<int64_t>(id));
  return ids;
}

// IntAt of every row.
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

// DoubleAt of every row.
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

}  // namespace

std::vector<uint32_t> BlockIds(const ColumnData& column, size_t rows) { return IdsOf(column, rows); }
std::vector<int64_t> BlockInts(const ColumnData& column, size_t rows) { return IntsOf(column, rows); }
std::vector<double> BlockDoubles(const ColumnData& column, size_t rows) { return DoublesOf(column, rows); }

size_t TagCellSet::MemoryBytes() const {
  size_t bytes = sizeof(*this) + keys.capacity() * sizeof(keys[0]);
  for (const auto& made : keys) bytes += made->MemoryBytes();
  return bytes;
}

TagCells CellBlockByTag(const ColumnBlock& block, uint32_t key_index) {
  TagCells made;
  made.key_index = key_index;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0) return made;
  const size_t most = std::min<size_t>(kMaxHourCells, rows / kMinHourCellRows);
  if (most == 0) return made;
  // A key whose values the summary does not list (more than kMaxSummaryCodes in the block) gets
  // no cells: known before any column is decoded.
  const ColumnSummary& tag_summary = block.summary->tag(key_index);
  if (tag_summary.type == ColumnSummary::Type::kCodes && !tag_summary.exact) return made;
  const std::vector<uint32_t> tag = IdsOf(block.tag(key_index), rows);
  std::array<std::vector<uint32_t>, kHourCellKeys.size()> keys;
  for (size_t idx = 0; idx < keys.size(); ++idx) keys[idx] = IdsOf(block.column(kHourCellKeys[idx]), rows);
  std::array<std::vector<int64_t>, kHourCellMeasures.size()> measures;
  for (size_t idx = 0; idx < measures.size(); ++idx) measures[idx] = IntsOf(block.column(kHourCellMeasures[idx]), rows);
  const std::vector<double> latency = DoublesOf(block.column(FieldId::kLatencyMs), rows);
  const std::vector<uint32_t> cache_hit = OffsetsOf(block.column(FieldId::kCacheHit), rows);
  // Open addressing (linear probing) over a power-of-two table of cell indexes, at most half full.
  size_t slots = 16;
  while (slots < most * 2) slots *= 2;
  std::vector<uint32_t> index(slots, UINT32_MAX);
  const CellKeyHash hash;
  std::vector<CellKey> cell_keys;
  std::vector<TagCell>& cells = made.cells;
  for (uint32_t row = 0; row < rows; ++row) {
    const int64_t ts = block.Ts(row);
    CellKey key;
    key.tag = tag[row];
    for (size_t idx = 0; idx < keys.size(); ++idx) key.codes[idx] = keys[idx][row];
    static_assert(kHourCellMeasures[0] == FieldId::kCostUsd);
    key.priced = measures[0][row] != kNullInt;
    size_t slot = hash(key) & (slots - 1);
    while (index[slot] != UINT32_MAX && !(cell_keys[index[slot]] == key)) slot = (slot + 1) & (slots - 1);
    if (index[slot] == UINT32_MAX) {
      if (cells.size() == most) return TagCells{key_index, {}};
      index[slot] = static_cast<uint32_t>(cells.size());
      cell_keys.push_back(key);
      TagCell& cell = cells.emplace_back();
      cell.tag_code = key.tag;
      cell.base.min_ts = cell.base.max_ts = ts;
      cell.base.codes = key.codes;
      for (HourCellMeasure& measure : cell.base.measures) {
        measure.min = std::numeric_limits<int64_t>::max();
        measure.max = std::numeric_limits<int64_t>::min();
      }
      cell.latency_min = std::numeric_limits<double>::infinity();
      cell.latency_max = -std::numeric_limits<double>::infinity();
    }
    TagCell& cell = cells[index[slot]];
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
    const double value = latency[row];
    if (!std::isnan(value)) {
      ++cell.latency_present;
      cell.latency_sum += value;
      cell.latency_min = std::min(cell.latency_min, value);
      cell.latency_max = std::max(cell.latency_max, value);
    }
    const uint32_t hit = cache_hit[row];
    ++cell.cache_hit[hit <= kBoolTrue ? hit : kBoolAbsent];
  }
  for (TagCell& cell : cells) {
    for (HourCellMeasure& measure : cell.base.measures) {
      if (measure.present == 0) measure.min = measure.max = 0;
    }
    if (cell.latency_present == 0) cell.latency_min = cell.latency_max = 0;
  }
  // Ascending by (tag, codes, priced): the same cells in the same order however rows interleave.
  std::vector<uint32_t> order(cells.size());
  for (uint32_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(cell_keys[a].tag, cell_keys[a].codes, cell_keys[a].priced) <
           std::tie(cell_keys[b].tag, cell_keys[b].codes, cell_keys[b].priced);
  });
  std::vector<TagCell> sorted;
  sorted.reserve(cells.size());
  for (const uint32_t idx : order) sorted.push_back(cells[idx]);
  cells = std::move(sorted);
  return made;
}

std::shared_ptr<const TagCells> TagCellsOf(const ColumnBlock& block, uint32_t key_index) {
  const auto& lazy = block.summary->tag_cells;
  while (true) {
    const std::shared_ptr<const TagCellSet> seen = lazy.Get();
    if (seen) {
      for (const auto& made : seen->keys) {
        if (made->key_index == key_index) return made;
      }
    }
    auto made = std::make_shared<const TagCells>(CellBlockByTag(block, key_index));
    auto grown = std::make_shared<TagCellSet>();
    if (seen) grown->keys = seen->keys;
    grown->keys.push_back(made);
    if (seen ? lazy.Replace(seen, std::move(grown)) : lazy.Keep(grown) == grown) return made;
    // Another thread added cells meanwhile: look again (it may have made this key's).
  }
}

void TagCellSummary(const TagCell& cell, uint32_t key_index, const BlockSummary& block_summary, BlockSummary* view) {
  CellSummary(cell.base, block_summary, view);
  {
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
  {
    // As SummarizeBytes gives a bool column: the codes with rows, listed exactly.
    ColumnSummary& hits = view->fields[static_cast<size_t>(FieldId::kCacheHit)];
    if (block_summary.field(FieldId::kCacheHit).type == ColumnSummary::Type::kAbsent) {
      hits = ColumnSummary{};
    } else {
      hits.type = ColumnSummary::Type::kCodes;
      hits.exact = true;
      hits.codes.clear();
      for (uint32_t code = 0; code < cell.cache_hit.size(); ++code) {
        if (cell.cache_hit[code] != 0) hits.codes.emplace_back(code, cell.cache_hit[code]);
      }
      hits.present = cell.base.rows - cell.cache_hit[kBoolAbsent];
      hits.min_code = hits.codes.empty() ? 0 : hits.codes.front().first;
      hits.max_code = hits.codes.empty() ? 0 : hits.codes.back().first;
      hits.distinct = 0;
    }
  }
  // The tag key's column: one code, listed exactly (as SummarizeIds gives it).
  view->tags.resize(1);
  view->tags[0].first = key_index;
  ColumnSummary& column = view->tags[0].second;
  column.type = ColumnSummary::Type::kCodes;
  column.exact = true;
  column.present = cell.tag_code == kAbsentId ? 0 : cell.base.rows;
  column.codes.assign(1, {cell.tag_code, cell.base.rows});
  column.min_code = column.max_code = cell.tag_code;
  column.distinct = 0;
}

}  // namespace mltrack::store
