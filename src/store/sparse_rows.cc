#include "store/sparse_rows.h"

#include <algorithm>

namespace mltrack::store {

const SparseRows::Field* SparseRows::Find(FieldId field) const {
  for (const Field& each : fields) {
    if (each.field == field) return &each;
  }
  return nullptr;
}

const SparseRows::CodeRows* SparseRows::FindCode(FieldId field, uint32_t code) const {
  for (const CodeRows& each : codes) {
    if (each.field == field && each.code == code) return &each;
  }
  return nullptr;
}

const SparseRows::List* SparseRows::Find(const Field& field, uint32_t code, FieldId measure) {
  auto found = std::lower_bound(field.lists.begin(), field.lists.end(), std::pair(code, measure),
                                [](const List& list, const std::pair<uint32_t, FieldId>& key) {
                                  return std::pair(list.code, list.measure) < key;
                                });
  if (found == field.lists.end() || found->code != code || found->measure != measure) return nullptr;
  return &*found;
}

size_t SparseRows::MemoryBytes() const {
  size_t bytes = sizeof(SparseRows) + fields.capacity() * sizeof(Field);
  for (const Field& field : fields) {
    bytes += field.lists.capacity() * sizeof(List);
    for (const List& list : field.lists) bytes += list.rows.capacity() * sizeof(uint16_t);
  }
  bytes += codes.capacity() * sizeof(CodeRows);
  for (const CodeRows& code : codes) bytes += code.rows.capacity() * sizeof(uint16_t);
  return bytes;
}

}  // namespace mltrack::store
