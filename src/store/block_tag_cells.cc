#include "store/block_tag_cells.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "store/block_bin_cells.h"

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

bool IsCellField(FieldId field) {
  return std::find(kCellFields.begin(), kCellFields.end(), field) != kCellFields.end();
}

size_t TagCellSet::MemoryBytes() const {
  size_t bytes = sizeof(*this) + keys.capacity() * sizeof(keys[0]);
  for (const auto& made : keys) bytes += made->MemoryBytes();
  bytes += bins.capacity() * sizeof(bins[0]);
  for (const auto& made : bins) bytes += made->MemoryBytes();
  return bytes;
}

TagCells CellBlockByTag(const ColumnBlock& block, CellDimension dimension) {
  TagCells made;
  made.dimension = dimension;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0) return made;
  const size_t most = std::min<size_t>(kMaxHourCells, rows / kMinHourCellRows);
  if (most == 0) return made;
  // A dimension whose values the summary does not list (more than kMaxSummaryCodes in the block)
  // gets no cells: known before any column is decoded.
  const FieldId field = static_cast<FieldId>(dimension.index);
  const ColumnSummary& dimension_summary =
      dimension.is_tag ? block.summary->tag(dimension.index) : block.summary->field(field);
  if (dimension_summary.type == ColumnSummary::Type::kCodes && !dimension_summary.exact) return made;
  const std::vector<uint32_t> tag = IdsOf(dimension.is_tag ? block.tag(dimension.index) : block.column(field), rows);
  const CellColumns columns = CellColumnsOf(block, rows);
  const auto& keys = columns.keys;
  const auto& measures = columns.measures;
  const std::vector<double> latency = DoublesOf(block.column(FieldId::kLatencyMs), rows);
  const std::vector<uint32_t> cache_hit = OffsetsOf(block.column(FieldId::kCacheHit), rows);
  const std::vector<uint32_t> status = OffsetsOf(block.column(FieldId::kStatus), rows);
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
      if (cells.size() == most) return TagCells{dimension, {}};
      index[slot] = static_cast<uint32_t>(cells.size());
      cell_keys.push_back(key);
      TagCell& cell = cells.emplace_back();
      cell.tag_code = key.tag;
      cell.base = NewHourCell(ts, key.codes);
    }
    TagCell& cell = cells[index[slot]];
    AddCellRow(cell.base, ts, measures, latency, row);
    const uint32_t hit = cache_hit[row];
    ++cell.cache_hit[hit <= kBoolTrue ? hit : kBoolAbsent];
    // A status code past the known ones (not written by this version): no cells for the block.
    if (status[row] >= cell.status.size()) return TagCells{dimension, {}};
    ++cell.status[status[row]];
  }
  for (TagCell& cell : cells) FinishCell(cell.base);
  // Ascending by (tag, codes, priced).
  SortCellsByKey(cells, [&](uint32_t idx) {
    return std::tie(cell_keys[idx].tag, cell_keys[idx].codes, cell_keys[idx].priced);
  });
  return made;
}

std::shared_ptr<const TagCells> TagCellsOf(const ColumnBlock& block, CellDimension dimension) {
  const auto& lazy = block.summary->tag_cells;
  while (true) {
    const std::shared_ptr<const TagCellSet> seen = lazy.Get();
    if (seen) {
      for (const auto& made : seen->keys) {
        if (made->dimension == dimension) return made;
      }
    }
    auto made = std::make_shared<const TagCells>(CellBlockByTag(block, dimension));
    auto grown = std::make_shared<TagCellSet>();
    if (seen) *grown = *seen;
    grown->keys.push_back(made);
    if (seen ? lazy.Replace(seen, std::move(grown)) : lazy.Keep(grown) == grown) return made;
    // Another thread added cells meanwhile: look again (it may have made this key's).
  }
}

void TagCellSummary(const TagCell& cell, CellDimension dimension, const BlockSummary& block_summary, BlockSummary* view) {
  CellSummary(cell.base, block_summary, view);
  // As SummarizeBytes gives a bool or enum column: the codes with rows, listed exactly.
  const auto listed = [&](FieldId field, std::span<const uint32_t> rows_by_code, uint32_t present) {
    ColumnSummary& column = view->fields[static_cast<size_t>(field)];
    if (block_summary.field(field).type == ColumnSummary::Type::kAbsent) {
      column = ColumnSummary{};
      return;
    }
    column.type = ColumnSummary::Type::kCodes;
    column.exact = true;
    column.codes.clear();
    for (uint32_t code = 0; code < rows_by_code.size(); ++code) {
      if (rows_by_code[code] != 0) column.codes.emplace_back(code, rows_by_code[code]);
    }
    column.present = present;
    column.min_code = column.codes.empty() ? 0 : column.codes.front().first;
    column.max_code = column.codes.empty() ? 0 : column.codes.back().first;
    column.distinct = 0;
  };
  listed(FieldId::kCacheHit, cell.cache_hit, cell.base.rows - cell.cache_hit[kBoolAbsent]);
  listed(FieldId::kStatus, cell.status, cell.base.rows);  // an enum is present in every row
  // The dimension's column: one code, listed exactly (as SummarizeIds gives it). A field of
  // kCellFields that is not the dimension is left absent (the view may have held it for a
  // previous cell of another dimension).
  ColumnSummary* column = nullptr;
  for (const FieldId field : kCellFields) view->fields[static_cast<size_t>(field)] = ColumnSummary{};
  if (dimension.is_tag) {
    view->tags.resize(1);
    view->tags[0].first = dimension.index;
    column = &view->tags[0].second;
  } else {
    view->tags.clear();
    column = &view->fields[dimension.index];
  }
  column->type = ColumnSummary::Type::kCodes;
  column->exact = true;
  column->present = cell.tag_code == kAbsentId ? 0 : cell.base.rows;
  column->codes.assign(1, {cell.tag_code, cell.base.rows});
  column->min_code = column->max_code = cell.tag_code;
  column->distinct = 0;
}

}  // namespace mltrack::store
