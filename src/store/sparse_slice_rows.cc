#include "store/sparse_slice_rows.h"

#include <algorithm>

namespace mltrack::store {

const SparseSliceRows::Field* SparseSliceRows::Find(FieldId field) const {
  for (const Field& each : fields) {
    if (each.field == field) return &each;
  }
  return nullptr;
}

const SparseSliceRows::List* SparseSliceRows::Find(const Field& field, uint32_t code, FieldId measure) {
  auto found = std::lower_bound(field.lists.begin(), field.lists.end(), std::pair(code, measure),
                                [](const List& list, const std::pair<uint32_t, FieldId>& key) {
                                  return std::pair(list.code, list.measure) < key;
                                });
  if (found == field.lists.end() || found->code != code || found->measure != measure) return nullptr;
  return &*found;
}

size_t SparseSliceRows::MemoryBytes() const {
  size_t bytes = sizeof(SparseSliceRows) + fields.capacity() * sizeof(Field);
  for (const Field& field : fields) {
    bytes += field.lists.capacity() * sizeof(List);
    for (const List& list : field.lists) bytes += list.rows.capacity() * sizeof(uint16_t);
  }
  return bytes;
}

bool LazySparseSliceRows::Replace(const std::shared_ptr<const SparseSliceRows>& seen,
                                  std::shared_ptr<const SparseSliceRows> rows) const {
  std::shared_ptr<const SparseSliceRows> expected = seen;
  return rows_.compare_exchange_strong(expected, std::move(rows), std::memory_order_acq_rel);
}

}  // namespace mltrack::store
