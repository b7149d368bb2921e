#include "store/table_snapshot.h"

namespace mltrack::store {

TableSnapshot::TableSnapshot(Parts parts) : parts_(std::move(parts)) {
  for (const ColumnBlock& block : parts_.blocks) row_count_ += block.rows;
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
