#include "store/dictionary_set.h"

namespace mltrack::store {

DictionarySet::DictionarySet() {
  for (const FieldInfo& info : AllFields()) {
    if (info.kind == FieldKind::kString && info.id != FieldId::kTag && info.id != FieldId::kId) {
      fields_[static_cast<size_t>(info.id)] = std::make_shared<Dictionary>();
    }
  }
}

Dictionary& DictionarySet::TagValues(size_t key_index) {
  std::lock_guard lock(mutex_);
  while (tag_values_.size() <= key_index) tag_values_.push_back(std::make_shared<Dictionary>());
  return *tag_values_[key_index];
}

size_t DictionarySet::tag_value_count() const {
  std::lock_guard lock(mutex_);
  return tag_values_.size();
}

Dictionary* DictionarySet::FindTagValues(size_t key_index) const {
  std::lock_guard lock(mutex_);
  return key_index < tag_values_.size() ? tag_values_[key_index].get() : nullptr;
}

void DictionarySet::FillSnapshot(TableSnapshot::Parts* parts) const {
  for (size_t field = 0; field < kFieldIdCount; ++field) {
    parts->dictionaries[field] = fields_[field];
    if (IsLocalStringField(static_cast<FieldId>(field))) parts->interning[field] = fields_[field];
  }
  // `id` has no column, but readers expect a dictionary for every kString field.
  static const std::shared_ptr<const Dictionary> kEmpty = std::make_shared<Dictionary>();
  parts->dictionaries[static_cast<size_t>(FieldId::kId)] = kEmpty;
  parts->tag_keys = tag_keys_;
  {
    std::lock_guard lock(mutex_);
    parts->tag_values.assign(tag_values_.begin(), tag_values_.end());
  }
  parts->score_names = score_names_;
  parts->score_count = score_names_->size();
}

size_t DictionarySet::MemoryBytes() const {
  size_t bytes = tag_keys_->MemoryBytes() + score_names_->MemoryBytes();
  for (const auto& dictionary : fields_) {
    if (dictionary) bytes += dictionary->MemoryBytes();
  }
  std::lock_guard lock(mutex_);
  for (const auto& dictionary : tag_values_) bytes += dictionary->MemoryBytes();
  return bytes;
}

}  // namespace mltrack::store
