#pragma once
// An immutable, thread-safe read view over column blocks that the query engine scans.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "store/dictionary.h"

namespace mltrack::store {

// One block of rows as a reader sees it: typed pointers to column arrays of `rows` values.
// A null column pointer means "no row of this block has a value" (absent everywhere; for the
// enums operation/status it means every row holds value 0, i.e. chat/ok).
//
// Representation per FieldKind (see core/field.h):
//   kTime    int64 epoch ms (ts is always present)
//   kString  uint32 dictionary id, kAbsentId (0) = absent; dictionary per column
//   kEnum    uint8 enum value
//   kBool    uint8 kBoolAbsent / kBoolFalse / kBoolTrue
//   kInt     int64, kNullInt = absent — except http_status: uint16, 0 = absent
//   kMoney   int64 nano-USD, kNullInt = absent
//   kDouble  double, NaN = absent
// total_tokens is derived (input + output) and has no column: readers compute it.
// Tags are uint32 ids into the tag key's own dictionary; scores are doubles (NaN = absent).
struct ColumnBlock {
  size_t rows = 0;
  int64_t min_ts = 0;  // over the `rows` rows; meaningless when rows == 0
  int64_t max_ts = 0;
  const int64_t* ts = nullptr;
  std::array<const void*, kFieldIdCount> columns{};  // by FieldId; ts, kTag, kScore unused
  std::vector<const uint32_t*> tags;   // by tag key index; index past the end = absent
  std::vector<const double*> scores;   // by score index; index past the end = absent

  const uint32_t* strings(FieldId id) const { return static_cast<const uint32_t*>(columns[Index(id)]); }
  const uint8_t* enums(FieldId id) const { return static_cast<const uint8_t*>(columns[Index(id)]); }
  const uint8_t* bools(FieldId id) const { return static_cast<const uint8_t*>(columns[Index(id)]); }
  // int64 columns: kInt fields other than http_status, and kMoney.
  const int64_t* ints(FieldId id) const { return static_cast<const int64_t*>(columns[Index(id)]); }
  const double* doubles(FieldId id) const { return static_cast<const double*>(columns[Index(id)]); }
  const uint16_t* http_status() const {
    return static_cast<const uint16_t*>(columns[Index(FieldId::kHttpStatus)]);
  }
  const uint32_t* tag(size_t key_index) const {
    return key_index < tags.size() ? tags[key_index] : nullptr;
  }
  const double* score(size_t score_index) const {
    return score_index < scores.size() ? scores[score_index] : nullptr;
  }

 private:
  static size_t Index(FieldId id) { return static_cast<size_t>(id); }
};

// A consistent, immutable view of a table: blocks plus the dictionaries that decode them. Holds
// shared ownership of everything it points to, so it stays valid after the memtable moves on
// (or is destroyed). Thread-safe: any number of threads may read one snapshot concurrently.
class TableSnapshot {
 public:
  // What a snapshot is made of; built by the memtable (and later by segments).
  struct Parts {
    std::vector<ColumnBlock> blocks;
    // One dictionary per kString FieldId (nullptr for other fields).
    std::array<std::shared_ptr<const Dictionary>, kFieldIdCount> dictionaries{};
    // Tag keys: key index i has name tag_keys->Get(i + 1) and values in tag_values[i].
    std::shared_ptr<const Dictionary> tag_keys;
    std::vector<std::shared_ptr<const Dictionary>> tag_values;
    // Score names: score index i has name score_names->Get(i + 1).
    std::shared_ptr<const Dictionary> score_names;
    size_t score_count = 0;
    // Keeps the memory of the column arrays alive.
    std::vector<std::shared_ptr<const void>> keep_alive;
  };

  explicit TableSnapshot(Parts parts);
  TableSnapshot(const TableSnapshot&) = delete;
  TableSnapshot& operator=(const TableSnapshot&) = delete;

  // An empty table.
  static std::shared_ptr<const TableSnapshot> Empty();

  size_t row_count() const { return row_count_; }
  const std::vector<ColumnBlock>& blocks() const { return parts_.blocks; }

  // The dictionary of a kString field; nullptr for other fields (and never null for kString).
  const Dictionary* dictionary(FieldId id) const {
    return parts_.dictionaries[static_cast<size_t>(id)].get();
  }

  size_t tag_key_count() const { return parts_.tag_values.size(); }
  // The index of tag key `key`, or nullopt when no row of this snapshot may carry it.
  std::optional<size_t> FindTagKey(std::string_view key) const;
  std::string_view tag_key(size_t key_index) const;
  const Dictionary& tag_dictionary(size_t key_index) const { return *parts_.tag_values[key_index]; }

  size_t score_count() const { return parts_.score_count; }
  std::optional<size_t> FindScore(std::string_view name) const;
  std::string_view score_name(size_t score_index) const;

 private:
  Parts parts_;
  size_t row_count_ = 0;
};

}  // namespace mltrack::store
