#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "core/field.h"
#include "store/dictionary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// Every dictionary of the event table: one per static string field (except `id`, which is
// never stored as a column), the tag keys, the values of each tag key, and the score names.
// Ids are global to the table: the memtables, every segment and every snapshot use the same
// ids, so a query can group and filter across blocks by id alone. Dictionaries only grow
// (persisted by DictionaryLog; a segment records how many entries it needs).
//
// Thread-safety: every method may be called from any thread.
class DictionarySet {
 public:
  DictionarySet();
  DictionarySet(const DictionarySet&) = delete;
  DictionarySet& operator=(const DictionarySet&) = delete;

  // The dictionary of a kString field; nullptr for other fields and for kId.
  Dictionary* field(FieldId id) const { return fields_[static_cast<size_t>(id)].get(); }
  Dictionary& tag_keys() const { return *tag_keys_; }
  Dictionary& score_names() const { return *score_names_; }
  // The value dictionary of tag key `key_index` (tag key id − 1), created when new.
  Dictionary& TagValues(size_t key_index);
  // How many tag keys have a value dictionary.
  size_t tag_value_count() const;
  // The value dictionary of an existing tag key index (nullptr when none yet).
  Dictionary* FindTagValues(size_t key_index) const;

  // Sets the dictionary fields of `parts` (a view of every entry added so far).
  void FillSnapshot(TableSnapshot::Parts* parts) const;

  size_t MemoryBytes() const;

 private:
  std::array<std::shared_ptr<Dictionary>, kFieldIdCount> fields_{};
  std::shared_ptr<Dictionary> tag_keys_ = std::make_shared<Dictionary>();
  std::shared_ptr<Dictionary> score_names_ = std::make_shared<Dictionary>();
  mutable std::mutex mutex_;  // guards tag_values_
  std::vector<std::shared_ptr<Dictionary>> tag_values_;
};

}  // namespace mltrack::store
