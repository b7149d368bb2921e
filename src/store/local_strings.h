#pragma once
// Local string fields: high-cardinality string fields whose strings live with their rows (in the
// memtable that holds them, then in the segment they are sealed into) instead of in the table's
// dictionaries, so that the strings of rows nobody queries by that field cost no memory and no
// dictionary-log replay at a restart.
//
// A memtable or segment block holds such a field as *local ids* (ids into the owner's
// LocalStrings). Queries still see table-wide dictionary ids: a query that reads the field asks
// the snapshot for it over its own range (TableSnapshot::LocalDictionary), which interns the
// strings of only those blocks' local columns into the field's table dictionary and translates
// each column when first read (TableSnapshot::Parts::local_columns); TableSnapshot::dictionary
// (the event explorer) does that for every block. The table dictionary of a local field is
// therefore filled only by queries that read the field, for the blocks they read, and is never
// persisted.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/field.h"
#include "store/dictionary.h"

namespace mltrack::store {

// Whether `field`'s strings are local (today: trace_id and input_hash, unique per call in most
// apps). run_id and session_id stay in the table dictionaries: they are an order of magnitude less
// distinct, and every overview reads uniq:run_id, which would intern them all anyway.
constexpr bool IsLocalStringField(FieldId field) {
  return field == FieldId::kTraceId || field == FieldId::kInputHash;
}
// A local string field's index among them (0 trace_id, 1 input_hash).
constexpr size_t LocalSlot(FieldId field) { return field == FieldId::kTraceId ? 0 : 1; }

// Pieces of string tables that one reader decoded to look up a few of their strings
// (LocalStrings::Find), kept as long as the reader keeps this object, so that the tables
// themselves keep nothing decoded. Not thread-safe: one per reader (an event search).
class StringPieces {
 public:
  struct Piece {
    std::string raw;              // (varint length · bytes) per string
    std::vector<uint32_t> starts;  // offset of each string's length varint
  };
  // The piece `index` of `owner`'s table, or nullptr when not decoded yet.
  const Piece* Find(const void* owner, size_t index) const;
  // A new empty piece under (owner, index) for the caller to fill; its address stays valid.
  Piece& Add(const void* owner, size_t index);
  size_t size() const { return pieces_.size(); }

 private:
  std::map<std::pair<const void*, size_t>, Piece> pieces_;
};

// The strings behind one owner's local ids 1..size() (0 = absent). Implementations: the memtable's
// own Dictionary, a segment's string table.
//
// Thread-safety: every method may be called concurrently.
class LocalStrings {
 public:
  LocalStrings() = default;
  virtual ~LocalStrings() = default;
  LocalStrings(const LocalStrings&) = delete;
  LocalStrings& operator=(const LocalStrings&) = delete;

  // Number of strings now (a memtable's grows; a segment's is fixed).
  virtual size_t size() const = 0;
  // The string of local id `local_id` (1..size()); valid as long as this object.
  virtual std::string_view Get(uint32_t local_id) const = 0;
  // The string of `local_id` for a reader that looks up a few strings (a search's page): a
  // segment decodes only the piece of its table that holds it, into `pieces`, and keeps nothing
  // itself; the view is valid as long as `pieces` and this object. The default is Get.
  virtual std::string_view Find(uint32_t local_id, StringPieces* pieces) const;
  // Calls fn(local_id, string) for local ids [first, size()] in order (the strings are valid
  // during the call only). The default calls Get.
  virtual void ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const;

  // Ids in `global` of local ids 0..size() (index 0 = kAbsentId), adding new strings to
  // `global`; cached, so each string is interned once per owner. `global` must be the same
  // dictionary on every call.
  std::shared_ptr<const std::vector<uint32_t>> GlobalIds(Dictionary& global) const;

  // Bytes of the cached global ids.
  size_t GlobalIdsBytes() const;

 private:
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<uint32_t>> global_ids_;
};

// LocalStrings over a Dictionary: a memtable's own strings of a local field (local ids are its
// dictionary ids), or, when compaction rewrites a segment of format version 2 or older (whose
// column holds table ids), the table dictionary itself.
class DictionaryStrings final : public LocalStrings {
 public:
  explicit DictionaryStrings(std::shared_ptr<Dictionary> dictionary) : dictionary_(std::move(dictionary)) {}

  Dictionary& dictionary() const { return *dictionary_; }
  size_t size() const override { return dictionary_->size(); }
  std::string_view Get(uint32_t local_id) const override { return dictionary_->Get(local_id); }
  size_t MemoryBytes() const { return dictionary_->MemoryBytes() + GlobalIdsBytes(); }

 private:
  const std::shared_ptr<Dictionary> dictionary_;
};

}  // namespace mltrack::store
