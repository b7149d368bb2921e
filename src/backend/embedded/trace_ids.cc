#include "backend/embedded/trace_ids.h"

namespace mltrack::backend {

TraceIds::TraceIds(const store::TableSnapshot& snapshot, FieldId field) {
  for (const store::LocalColumn& column : snapshot.local_columns()) {
    if (column.field == field) by_block_[column.block_index] = &column;
  }
}

const store::LocalColumn* TraceIds::ColumnOf(size_t block_index) const {
  auto found = by_block_.find(block_index);
  return found == by_block_.end() ? nullptr : found->second;
}

const store::ColumnData& TraceIds::Ids(size_t block_index, const store::LocalColumn& column) {
  auto found = ids_.find(block_index);
  if (found != ids_.end()) return found->second;
  return ids_[block_index] = column.Ids(&buffers_[block_index]);
}

std::string_view TraceIds::Get(size_t block_index, uint32_t row) {
  const store::LocalColumn* column = ColumnOf(block_index);
  if (column == nullptr) return {};
  const uint32_t local = store::IdAt(Ids(block_index, *column), row);
  return local == store::kAbsentId || local > column->strings->size() ? std::string_view() : column->strings->Find(local, &pieces_);
}

const std::vector<uint8_t>& TraceIds::Table(const store::LocalColumn& column, int key,
                                            const std::function<bool(std::string_view)>& match) {
  std::unordered_map<int, std::vector<uint8_t>>& by_key = tables_[column.strings.get()];
  auto found = by_key.find(key);
  if (found != by_key.end()) return found->second;
  std::vector<uint8_t>& table = by_key[key];
  table.assign(column.strings->size() + 1, 0);
  column.strings->ForEach(1, [&](uint32_t local, std::string_view text) {
    if (local < table.size()) table[local] = match(text) ? 1 : 0;
  });
  return table;
}

size_t TraceIds::Keep(size_t block_index, uint32_t* rows, size_t count, int key,
                      const std::function<bool(std::string_view)>& match) {
  const store::LocalColumn* column = ColumnOf(block_index);
  if (column == nullptr || count == 0) return 0;  // no rows: neither the ids nor the table are needed
  const store::ColumnData& ids = Ids(block_index, *column);
  const std::vector<uint8_t>& table = Table(*column, key, match);
  size_t kept = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t local = store::IdAt(ids, rows[idx]);
    if (local != store::kAbsentId && local < table.size() && table[local]) rows[kept++] = rows[idx];
  }
  return kept;
}

bool TraceIds::Matches(size_t block_index, uint32_t row, int key, const std::function<bool(std::string_view)>& match) {
  uint32_t one = row;
  return Keep(block_index, &one, 1, key, match) == 1;
}

}  // namespace mltrack::backend
