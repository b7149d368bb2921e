#include "store/table_snapshot.h"

#include "store/packed_column.h"
#include "store/segment_strings.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

namespace mltrack::store {

namespace {

// The offset u of row `row` for widths 1/2/4 (0 when the column is absent).
uint64_t Offset(const ColumnData& column, size_t row) {
  if (column.packed()) return PackedOffset(column, row);
  if (column.sparse()) {
    const uint16_t* end = column.sparse_rows + column.sparse_count;
    const uint16_t* found = std::lower_bound(column.sparse_rows, end, row);
    if (found == end || *found != row) return 0;
    row = static_cast<size_t>(found - column.sparse_rows);
  }
  switch (column.width) {
    case 1: return column.as<uint8_t>()[row];
    case 2: return column.as<uint16_t>()[row];
    case 4: return column.as<uint32_t>()[row];
    default: return 0;
  }
}

// Table ids of a local column (global_ids[local id]), with the memory that holds them: a sparse
// local column stays sparse (its listed rows and their table ids, 6 bytes each, instead of 4 bytes
// for every row of the block: input hashes are on a few rows of most blocks); a dense one becomes
// one id per row. Absent rows read as kAbsentId (u == 0) either way.
using TranslatedIds = PackedIds::Translation;

TranslatedIds TranslateLocal(const ColumnData& local, size_t rows, const std::vector<uint32_t>& global_ids) {
  auto global = [&](uint64_t u) -> uint32_t {
    if (u == 0) return kAbsentId;
    const uint64_t local_id = static_cast<uint64_t>(local.base) + u;
    return local_id < global_ids.size() ? global_ids[local_id] : kAbsentId;
  };
  TranslatedIds out;
  out.column.width = sizeof(uint32_t);
  if (local.sparse() && local.sparse_count > 0) {
    struct Sparse {
      std::vector<uint32_t> ids;
      std::vector<uint16_t> rows;
    };
    auto sparse = std::make_shared<Sparse>();
    const size_t count = local.sparse_count;
    sparse->ids.resize(count);
    sparse->rows.assign(local.sparse_rows, local.sparse_rows + count);
    auto each = [&](const auto* values) {
      for (size_t idx = 0; idx < count; ++idx) sparse->ids[idx] = global(values[idx]);
    };
    switch (local.width) {
      case 1: each(local.as<uint8_t>()); break;
      case 2: each(local.as<uint16_t>()); break;
      default: each(local.as<uint32_t>()); break;
    }
    out.column.data = sparse->ids.data();
    out.column.sparse_rows = sparse->rows.data();
    out.column.sparse_count = static_cast<uint32_t>(count);
    out.bytes = sparse->ids.capacity() * sizeof(uint32_t) + sparse->rows.capacity() * sizeof(uint16_t);
    out.memory = std::shared_ptr<uint32_t[]>(sparse, sparse->ids.data());  // owning both lists
    return out;
  }
  auto dense = std::make_shared<uint32_t[]>(rows);  // zeroed: absent
  auto each = [&](const auto* values) {
    if (local.sparse()) return;  // no listed row
    for (size_t row = 0; row < rows; ++row) dense[row] = global(values[row]);
  };
  switch (local.width) {
    case 1: each(local.as<uint8_t>()); break;
    case 2: each(local.as<uint16_t>()); break;
    default: each(local.as<uint32_t>()); break;
  }
  out.column.data = dense.get();
  out.bytes = rows * sizeof(uint32_t);
  out.memory = std::move(dense);
  return out;
}

// The local ids the local column of a block of `rows` rows holds, ascending, each once.
std::vector<uint32_t> LocalIdsOf(const LocalColumn& local, size_t rows) {
  std::vector<uint64_t> buffer;
  const ColumnData ids = local.Ids(&buffer);
  std::vector<uint32_t> out;
  if (!ids.present()) return out;
  const size_t count = ids.sparse() ? ids.sparse_count : rows;
  auto each = [&](const auto* values) {
    for (size_t idx = 0; idx < count; ++idx) {
      if (values[idx] != 0) out.push_back(static_cast<uint32_t>(static_cast<uint64_t>(ids.base) + values[idx]));
    }
  };
  switch (ids.width) {
    case 1: each(ids.as<uint8_t>()); break;
    case 2: each(ids.as<uint16_t>()); break;
    default: each(ids.as<uint32_t>()); break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Ids in `global` of the local ids `wanted` (ascending) of `strings` only, every other local id
// mapped to kAbsentId (size() + 1 entries), adding just those strings to `global`; not cached.
std::shared_ptr<const std::vector<uint32_t>> SomeGlobalIds(const LocalStrings& strings, Dictionary& global,
                                                           const std::vector<uint32_t>& wanted) {
  const size_t count = strings.size();
  auto ids = std::make_shared<std::vector<uint32_t>>(count + 1, kAbsentId);
  if (wanted.empty()) return ids;
  size_t next = 0;
  strings.ForEach(wanted.front(), [&](uint32_t local_id, std::string_view value) {
    while (next < wanted.size() && wanted[next] < local_id) ++next;
    if (next < wanted.size() && wanted[next] == local_id && local_id <= count) (*ids)[local_id] = global.GetOrAdd(value);
  });
  return ids;
}

}  // namespace

uint32_t IdAt(const ColumnData& column, size_t row) {
  if (!column.present()) return kAbsentId;
  uint64_t offset = Offset(column, row);
  return offset == 0 ? kAbsentId : static_cast<uint32_t>(column.base + static_cast<int64_t>(offset));
}

int64_t IntAt(const ColumnData& column, size_t row) {
  if (!column.present()) return kNullInt;
  if (column.width == 8) return column.as<int64_t>()[row];
  uint64_t offset = Offset(column, row);
  return offset == 0 ? kNullInt : column.base + static_cast<int64_t>(offset);
}

double DoubleAt(const ColumnData& column, size_t row) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!column.present()) return kNaN;
  if (column.width == 8) return column.as<double>()[row];
  uint64_t offset = Offset(column, row);
  if (offset == 0 && column.exception_count > 0) {
    const uint16_t* end = column.exception_rows + column.exception_count;
    const uint16_t* found = std::lower_bound(column.exception_rows, end, row);
    if (found != end && *found == row) return column.exception_values[found - column.exception_rows];
  }
  return offset == 0 ? kNaN : static_cast<double>(column.base + static_cast<int64_t>(offset)) / column.scale;
}

uint8_t ByteAt(const ColumnData& column, size_t row) {
  return column.present() ? static_cast<uint8_t>(Offset(column, row)) : 0;
}

TableSnapshot::TableSnapshot(Parts parts) : parts_(std::move(parts)) {
  for (const ColumnBlock& block : parts_.blocks) row_count_ += block.rows;
  const size_t entries = parts_.local_columns.size();
  entry_interned_ = std::make_unique<std::once_flag[]>(entries);
  entry_armed_ = std::make_unique<std::atomic<bool>[]>(entries);
  entry_resolved_ = std::make_unique<std::once_flag[]>(entries);
  entry_global_ids_.resize(entries);
  entry_ids_.resize(entries);
  for (size_t entry = 0; entry < entries; ++entry) {
    const LocalColumn& local = parts_.local_columns[entry];
    ColumnBlock& block = parts_.blocks[local.block_index];
    block.local_owner = this;
    block.local_entries[LocalSlot(local.field)] = static_cast<uint32_t>(entry);
  }
}

std::shared_ptr<const TableSnapshot> TableSnapshot::Empty() {
  Parts parts;
  for (const FieldInfo& info : AllFields()) {
    if (info.kind == FieldKind::kString && info.id != FieldId::kTag) {
      parts.dictionaries[static_cast<size_t>(info.id)] = std::make_shared<Dictionary>();
    }
  }
  parts.tag_keys = std::make_shared<Dictionary>();
  parts.score_names = std::make_shared<Dictionary>();
  return std::make_shared<const TableSnapshot>(std::move(parts));
}

ColumnData LocalColumn::Ids(std::vector<uint64_t>* buffer) const { return packed ? packed->Decode(buffer) : ids; }

void TableSnapshot::ResolveLocalColumns(FieldId id, int64_t from_ms, int64_t to_ms,
                                        const std::function<bool(const ColumnBlock&)>& keep,
                                        const std::function<bool()>& stop) const {
  Dictionary* global = parts_.interning[static_cast<size_t>(id)].get();
  if (global == nullptr) return;  // a snapshot without a table dictionary (Empty())
  for (size_t entry = 0; entry < parts_.local_columns.size(); ++entry) {
    const LocalColumn& local = parts_.local_columns[entry];
    if (local.field != id || entry_armed_[entry].load(std::memory_order_acquire)) continue;
    const ColumnBlock& block = parts_.blocks[local.block_index];
    if (block.rows == 0 || block.max_ts < from_ms || block.min_ts > to_ms || (keep && !keep(block))) continue;
    if (stop && stop()) return;
    std::call_once(entry_interned_[entry], [&] {
      // Blocks a filter's literals picked (keep) are few: only the strings of each such block are
      // interned, not its segment's (a lookup of one trace would intern ~266k at 10M).
      entry_global_ids_[entry] = keep ? SomeGlobalIds(*local.strings, *global, LocalIdsOf(local, block.rows))
                                      : local.strings->GlobalIds(*global);
      // Only now may the block's column be translated: every id it can map to exists.
      entry_armed_[entry].store(true, std::memory_order_release);
    });
  }
}

void TableSnapshot::ResolveLocalEntry(uint32_t entry) const {
  if (entry == ColumnBlock::kNoLocalEntry) return;
  const LocalColumn& local = parts_.local_columns[entry];
  if (!entry_armed_[entry].load(std::memory_order_acquire)) return;
  std::call_once(entry_resolved_[entry], [&] {
    ColumnBlock& block = parts_.blocks[local.block_index];
    auto translate = [&]() -> std::optional<TranslatedIds> {
      thread_local std::vector<uint64_t> buffer;
      const ColumnData local_ids = local.Ids(&buffer);
      if (!local_ids.present()) return std::nullopt;
      return TranslateLocal(local_ids, block.rows, *entry_global_ids_[entry]);
    };
    // A segment's column keeps its translation for the next snapshots (PackedIds::Translated).
    const Dictionary* table = parts_.interning[static_cast<size_t>(local.field)].get();
    std::optional<TranslatedIds> ids = local.packed ? local.packed->Translated(table, translate) : translate();
    if (!ids) return;
    block.columns[static_cast<size_t>(local.field)] = ids->column;
    entry_ids_[entry] = std::move(ids->memory);
  });
}

std::optional<size_t> TableSnapshot::FindTagKey(std::string_view key) const {
  if (!parts_.tag_keys || key.empty()) return std::nullopt;
  std::optional<uint32_t> id = parts_.tag_keys->Find(key);
  if (!id || *id == kAbsentId || *id > parts_.tag_values.size()) return std::nullopt;
  return *id - 1;
}

std::string_view TableSnapshot::tag_key(size_t key_index) const {
  return parts_.tag_keys->Get(static_cast<uint32_t>(key_index + 1));
}

std::optional<size_t> TableSnapshot::FindScore(std::string_view name) const {
  if (!parts_.score_names || name.empty()) return std::nullopt;
  std::optional<uint32_t> id = parts_.score_names->Find(name);
  if (!id || *id == kAbsentId || *id > parts_.score_count) return std::nullopt;
  return *id - 1;
}

std::string_view TableSnapshot::score_name(size_t score_index) const {
  return parts_.score_names->Get(static_cast<uint32_t>(score_index + 1));
}

}  // namespace mltrack::store
