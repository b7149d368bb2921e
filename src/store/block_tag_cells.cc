#include "store/block_tag_cells.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "store/block_hour_slices.h"

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

}  // namespace

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
  std::vector<uint32_t> tag_buffer;
  const ColumnData tag = Densified(block.tag(key_index), rows, &tag_buffer);
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
  const ColumnData& latency = block.column(FieldId::kLatencyMs);
  const ColumnData& cache_hit = block.column(FieldId::kCacheHit);
  std::unordered_map<CellKey, uint32_t, CellKeyHash> index;
  index.reserve(most * 2);
  std::vector<CellKey> cell_keys;
  std::vector<TagCell>& cells = made.cells;
  for (uint32_t row = 0; row < rows; ++row) {
    const int64_t ts = block.Ts(row);
    CellKey key;
    key.tag = tag.present() ? IdAt(tag, row) : kAbsentId;
    for (size_t idx = 0; idx < keys.size(); ++idx) key.codes[idx] = IdAt(keys[idx], row);
    static_assert(kHourCellMeasures[0] == FieldId::kCostUsd);
    key.priced = IntAt(measures[0], row) != kNullInt;
    const auto [found, added] = index.try_emplace(key, static_cast<uint32_t>(cells.size()));
    if (added) {
      if (cells.size() == most) return TagCells{key_index, {}};
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
    TagCell& cell = cells[found->second];
    ++cell.base.rows;
    cell.base.min_ts = std::min(cell.base.min_ts, ts);
    cell.base.max_ts = std::max(cell.base.max_ts, ts);
    for (size_t idx = 0; idx < measures.size(); ++idx) {
      const int64_t value = IntAt(measures[idx], row);
      if (value == kNullInt) continue;
      HourCellMeasure& measure = cell.base.measures[idx];
      ++measure.present;
      measure.sum = static_cast<int64_t>(static_cast<uint64_t>(measure.sum) + static_cast<uint64_t>(value));
      measure.min = std::min(measure.min, value);
      measure.max = std::max(measure.max, value);
    }
    const double value = DoubleAt(latency, row);
    if (!std::isnan(value)) {
      ++cell.latency_present;
      cell.latency_sum += value;
      cell.latency_min = std::min(cell.latency_min, value);
      cell.latency_max = std::max(cell.latency_max, value);
    }
    const uint8_t hit = ByteAt(cache_hit, row);
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
