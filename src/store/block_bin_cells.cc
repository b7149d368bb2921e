#include "store/block_bin_cells.h"

#include <algorithm>
#include <tuple>

#include "store/block_tag_cells.h"

namespace mltrack::store {
namespace {

struct BinCellKey {
  uint64_t bin = 0;
  std::array<uint32_t, kHourCellKeys.size()> codes{};
  bool operator==(const BinCellKey&) const = default;
};

uint64_t HashOf(const BinCellKey& key) {
  uint64_t hash = key.bin * 0x9E3779B97F4A7C15ull;
  for (const uint32_t code : key.codes) hash = (hash ^ code) * 0xFF51AFD7ED558CCDull;
  return hash ^ (hash >> 29);
}

}  // namespace

BinCells CellBlockByBin(const ColumnBlock& block, const BinCellsKey& key, std::span<const uint64_t> bins) {
  BinCells made;
  made.key = key;
  const size_t rows = block.rows;
  if (block.summary == nullptr || rows == 0 || bins.size() != rows) return made;
  std::array<std::vector<uint32_t>, kHourCellKeys.size()> codes;
  for (size_t idx = 0; idx < codes.size(); ++idx) codes[idx] = IdsOf(block.column(kHourCellKeys[idx]), rows);
  // When sliced: only the rows whose slice field holds the slice's code.
  const std::vector<uint32_t>* slice_ids = nullptr;
  size_t slice_rows = rows;
  if (key.sliced) {
    const auto field = std::find(kHourCellKeys.begin(), kHourCellKeys.end(), static_cast<FieldId>(key.slice_field));
    if (field == kHourCellKeys.end()) return made;
    slice_ids = &codes[static_cast<size_t>(field - kHourCellKeys.begin())];
    slice_rows = static_cast<size_t>(std::count(slice_ids->begin(), slice_ids->end(), key.slice_code));
  }
  const size_t most = std::min<size_t>(kMaxHourCells, slice_rows / kMinHourCellRows);
  if (most == 0) return made;
  // Open addressing (linear probing) over a power-of-two table of cell indexes, at most half full.
  size_t slots = 16;
  while (slots < most * 2) slots *= 2;
  std::vector<uint32_t> index(slots, UINT32_MAX);
  std::vector<BinCellKey> cell_keys;
  std::vector<BinCell>& cells = made.cells;
  for (uint32_t row = 0; row < rows; ++row) {
    if (slice_ids != nullptr && (*slice_ids)[row] != key.slice_code) continue;
    BinCellKey cell_key;
    cell_key.bin = bins[row];
    for (size_t idx = 0; idx < codes.size(); ++idx) cell_key.codes[idx] = codes[idx][row];
    size_t slot = HashOf(cell_key) & (slots - 1);
    while (index[slot] != UINT32_MAX && !(cell_keys[index[slot]] == cell_key)) slot = (slot + 1) & (slots - 1);
    if (index[slot] == UINT32_MAX) {
      if (cells.size() == most) return BinCells{key, {}};
      index[slot] = static_cast<uint32_t>(cells.size());
      cell_keys.push_back(cell_key);
      BinCell& cell = cells.emplace_back();
      cell.bin = cell_key.bin;
      cell.codes = cell_key.codes;
    }
    ++cells[index[slot]].rows;
  }
  SortCellsByKey(cells, [&](uint32_t idx) { return std::tie(cell_keys[idx].bin, cell_keys[idx].codes); });
  return made;
}

std::shared_ptr<const BinCells> BinCellsOf(const ColumnBlock& block, const BinCellsKey& key,
                                           const std::function<std::vector<uint64_t>()>& bins) {
  const auto& lazy = block.summary->tag_cells;
  while (true) {
    const std::shared_ptr<const TagCellSet> seen = lazy.Get();
    if (seen) {
      for (const auto& made : seen->bins) {
        if (made->key == key) return made;
      }
      if (seen->bins.size() >= kMaxBinCellSets) return nullptr;
    }
    const std::vector<uint64_t> codes = bins();
    auto made = std::make_shared<const BinCells>(CellBlockByBin(block, key, codes));
    auto grown = std::make_shared<TagCellSet>();
    if (seen) *grown = *seen;
    grown->bins.push_back(made);
    if (seen ? lazy.Replace(seen, std::move(grown)) : lazy.Keep(grown) == grown) return made;
    // Another thread added cells meanwhile: look again (it may have made this key's).
  }
}

void BinCellSummary(const BinCell& cell, BlockSummary* view) {
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
}

}  // namespace mltrack::store
