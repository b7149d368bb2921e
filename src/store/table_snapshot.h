#pragma once
// An immutable, thread-safe read view over column blocks that the query engine scans.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "store/dictionary.h"
#include "store/local_strings.h"

namespace mltrack::store {

struct BlockSummary;

// How one column of one block is laid out in memory. Blocks of the memtable use the widest
// layout (so appends never re-encode); blocks decoded from segments use the narrowest layout the
// block's values need (frame of reference: a base plus a 1-, 2- or 4-byte offset).
//
// `data` null: no row of the block has a value (absent everywhere; for the enums
// operation/status it means every row holds value 0, i.e. chat/ok).
//
// Layouts by kind (width = bytes per stored value u):
//   kString, tags   width 1/2/4: u == 0 is absent, otherwise the dictionary id is base + u
//                   (the memtable uses width 4, base 0, so u is the id itself)
//   kEnum, kBool    width 1, base 0: u is the value (bool: kBoolAbsent/kBoolFalse/kBoolTrue)
//   kInt, kMoney,   width 8: int64 values as stored, kNullInt = absent
//   http_status     width 1/2/4: u == 0 is absent, otherwise the value is base + u
//   kDouble, scores width 8 and scale 0: double values, NaN = absent
//                   width 1/2/4 and scale > 0: u == 0 is absent, otherwise the value is
//                   double(base + u) / scale — the writer only picks this when that expression
//                   reproduces every value bit for bit, so readers stay exact
//
// Sparse variant (widths 1/2/4): `sparse_rows` lists, ascending, the `sparse_count` rows whose
// stored u is not 0, and `data` holds those rows' u values in the same order; every other row
// holds u == 0 (absent; for enums, value 0). Chosen by the segment writer when most rows are
// absent (scores, cache tokens, error_type), so absent rows cost nothing. The memtable uses it
// for tag columns that few rows of a block carry (width 4, base 0), and for such score columns
// the scaled layout with no listed row and every value an exception (width 1, scale 1).
struct ColumnData {
  const void* data = nullptr;
  uint8_t width = 0;
  int64_t base = 0;
  double scale = 0;
  const uint16_t* sparse_rows = nullptr;
  uint32_t sparse_count = 0;
  // Scaled doubles only (segments): rows whose value double(base + u) / scale cannot reproduce
  // (latencies that were not rounded) store u == 0 and are listed here, ascending, with their
  // exact value. Readers check the list for an absent u when exception_count > 0.
  uint32_t exception_count = 0;
  const uint16_t* exception_rows = nullptr;
  const double* exception_values = nullptr;
  // Packed variants (segments only, packed_column.h; dense, widths 1/2/4): `data` holds each
  // row's code in `code_bits` bits (bit i of the codes is bit i % 8 of byte i / 8). With a
  // `palette` (the block's distinct stored values, ascending; codes of 0, 1, 2, 4 or 8 bits,
  // with 0 bits `data` is the palette itself) the row's u is palette[code], otherwise the code is
  // u itself. `width` stays the width of u, which is what query::SelectColumn expands the
  // selected rows into, as it does for a sparse column. Exceptions keep their lists.
  const uint32_t* palette = nullptr;
  uint8_t code_bits = 0;

  bool present() const { return data != nullptr; }
  bool sparse() const { return sparse_rows != nullptr; }
  bool packed() const { return palette != nullptr || code_bits != 0; }
  template <typename T>
  const T* as() const { return static_cast<const T*>(data); }
};

// The logical value of row `row` of a column, decoded from any layout above (slow path: one
// switch per value; scans use the typed loops of query/column_source.cc).
uint32_t IdAt(const ColumnData& column, size_t row);         // kAbsentId when absent
int64_t IntAt(const ColumnData& column, size_t row);         // kNullInt when absent
double DoubleAt(const ColumnData& column, size_t row);       // NaN when absent
uint8_t ByteAt(const ColumnData& column, size_t row);        // enums/bools; 0 when no column

// A tag or score column of a block, with the tag key index / score index it belongs to.
struct KeyedColumn {
  uint32_t index = 0;
  ColumnData data;
};

// The column of `index` in `columns` (ascending by index); absent when not listed.
inline ColumnData FindKeyed(const std::vector<KeyedColumn>& columns, size_t index) {
  size_t low = 0;
  size_t high = columns.size();
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if (columns[middle].index < index) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low < columns.size() && columns[low].index == index ? columns[low].data : ColumnData{};
}

class TableSnapshot;

// One block of rows as a reader sees it: column layouts for `rows` values (see ColumnData).
// The derived measures (total_tokens, tokens_per_s; core/field.h) have no column: readers
// compute them.
// ts is present in every row; read it with Ts(row).
struct ColumnBlock {
  size_t rows = 0;
  int64_t min_ts = 0;  // over the `rows` rows; meaningless when rows == 0
  int64_t max_ts = 0;
  // Which sealed segment the block belongs to: a process-unique number given to each Segment
  // object when it is opened (never reused, so a segment replaced by compaction or reopened
  // gets a new one); 0 for memtable blocks. Lets the query engine cache per-segment partial
  // aggregates (query/query_cache.h): a non-zero id names immutable rows.
  uint64_t segment_id = 0;
  // Epoch ms: the memtable (and a segment block spanning 2^32 ms or more) sets `ts`, one int64
  // per row; other segment blocks set `ts_offsets` instead, ts − min_ts as uint32 (half the
  // memory). Exactly one of the two is non-null when rows > 0.
  const int64_t* ts = nullptr;
  const uint32_t* ts_offsets = nullptr;

  int64_t Ts(size_t row) const { return ts != nullptr ? ts[row] : min_ts + int64_t{ts_offsets[row]}; }
  // The block's zone map and per-column aggregates (block_summary.h), owned by its segment;
  // null for memtable blocks and blocks of segments written before format version 3.
  const BlockSummary* summary = nullptr;
  std::array<ColumnData, kFieldIdCount> columns{};  // by FieldId; ts, kId, kTag, kScore unused
  // The block's tag and score columns: only those with a value in the block, ascending by tag
  // key / score index (a key no row of the block carries costs the block nothing, so a store
  // with thousands of keys does not pay for each in every block).
  std::vector<KeyedColumn> tags;
  std::vector<KeyedColumn> scores;

  // A snapshot's block with local string columns (trace_id, input_hash; local_strings.h): the
  // snapshot that translates them into table ids on the first read of each, and their entries in
  // its local_columns() (by LocalSlot, kNoLocalEntry when the block has none).
  static constexpr uint32_t kNoLocalEntry = UINT32_MAX;
  const TableSnapshot* local_owner = nullptr;
  std::array<uint32_t, 2> local_entries = {kNoLocalEntry, kNoLocalEntry};

  // The column of `id`; a local string field's is translated here, once, when first read (after
  // the snapshot armed this block's column: dictionary() arms every block, LocalDictionary only
  // those of a query's range; an unarmed column reads as absent).
  const ColumnData& column(FieldId id) const;
  ColumnData tag(size_t key_index) const { return FindKeyed(tags, key_index); }
  ColumnData score(size_t score_index) const { return FindKeyed(scores, score_index); }
};

// A segment the store refused to serve (a checksum or validation failure): its events are not
// in any snapshot, so answers leave them out rather than be wrong. Shown by /api/health and,
// through TableSnapshot::quarantined(), in a query response's stats.
struct QuarantinedSegment {
  std::string file;     // where the damaged file now lives
  uint64_t offset = 0;  // byte offset of the damage in the file
  std::string what;
  uint64_t rows = 0;    // events the segment held (0 when unknown)
};

// A block column of a local string field (local_strings.h) whose ids are local to `strings`:
// the snapshot leaves the block's column absent until the field's dictionary is asked for, then
// replaces it with table ids. Readers other than the snapshot (the segment writer) read `ids`.
class PackedIds;
struct LocalColumn {
  size_t block_index = 0;  // in TableSnapshot::Parts::blocks
  FieldId field = FieldId::kTraceId;
  ColumnData ids;  // local ids in any narrow layout (u == 0 absent, otherwise base + u)
  std::shared_ptr<const LocalStrings> strings;
  std::shared_ptr<const PackedIds> packed;  // segments: `ids` kept compressed instead (segment_strings.h)

  // The local ids: `ids`, or `packed` decoded into *buffer (valid while it is unchanged).
  ColumnData Ids(std::vector<uint64_t>* buffer) const;
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
    // Segments whose events this snapshot cannot serve.
    std::vector<QuarantinedSegment> quarantined;
    // Columns of local string fields, and the table dictionary each field's strings are
    // interned into when a query reads it (set for local fields only).
    std::vector<LocalColumn> local_columns;
    std::array<std::shared_ptr<Dictionary>, kFieldIdCount> interning{};
  };

  explicit TableSnapshot(Parts parts);
  TableSnapshot(const TableSnapshot&) = delete;
  TableSnapshot& operator=(const TableSnapshot&) = delete;

  // An empty table.
  static std::shared_ptr<const TableSnapshot> Empty();

  size_t row_count() const { return row_count_; }
  const std::vector<ColumnBlock>& blocks() const { return parts_.blocks; }

  // The dictionary of a kString field; nullptr for other fields (and never null for kString).
  // For a local string field, the first call interns the strings of every local column of the
  // field into the returned dictionary; before it, those columns read as absent. After it, each
  // block's column is translated into the dictionary's ids when it is first read
  // (ColumnBlock::column), so a query pays only for the blocks of its range.
  // Read a local field's column only after this call.
  const Dictionary* dictionary(FieldId id) const {
    if (IsLocalStringField(id)) ResolveLocalColumns(id, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    return parts_.dictionaries[static_cast<size_t>(id)].get();
  }
  // For a local string field: interns the strings of only the local columns of the blocks that
  // overlap [from_ms, to_ms] and that `keep` (when set) keeps, and arms those columns (each is
  // translated when first read); the columns of other blocks keep reading as absent, and
  // their strings stay out of the table dictionary. Returns the field's dictionary. A query
  // calls this for its range before it resolves the field (query/scan_plan.cc), so a week's
  // query interns a week's strings, not the table's (issue 17). `stop` (when set) is asked before
  // each column: once it says true the rest is left un-interned (a query past its deadline gives
  // up; what was interned stays, so a retry goes on from there).
  const Dictionary* LocalDictionary(FieldId id, int64_t from_ms, int64_t to_ms,
                                    const std::function<bool(const ColumnBlock&)>& keep = {},
                                    const std::function<bool()>& stop = {}) const {
    ResolveLocalColumns(id, from_ms, to_ms, keep, stop);
    return parts_.dictionaries[static_cast<size_t>(id)].get();
  }
  // The dictionary of a local string field as it is, interning nothing: ids of the columns that
  // LocalDictionary (or dictionary()) armed are in it.
  const Dictionary* ArmedDictionary(FieldId id) const { return parts_.dictionaries[static_cast<size_t>(id)].get(); }

  size_t tag_key_count() const { return parts_.tag_values.size(); }
  // The index of tag key `key`, or nullopt when no row of this snapshot may carry it.
  std::optional<size_t> FindTagKey(std::string_view key) const;
  std::string_view tag_key(size_t key_index) const;
  const Dictionary& tag_dictionary(size_t key_index) const { return *parts_.tag_values[key_index]; }

  size_t score_count() const { return parts_.score_count; }
  std::optional<size_t> FindScore(std::string_view name) const;
  std::string_view score_name(size_t score_index) const;

  // Columns of local string fields with their local ids (what the segment writer reads).
  const std::vector<LocalColumn>& local_columns() const { return parts_.local_columns; }

  // Damaged segments left out of this snapshot (empty when every byte checked out).
  const std::vector<QuarantinedSegment>& quarantined() const { return parts_.quarantined; }

 private:
  friend struct ColumnBlock;
  void ResolveLocalColumns(FieldId id, int64_t from_ms, int64_t to_ms,
                           const std::function<bool(const ColumnBlock&)>& keep = {},
                           const std::function<bool()>& stop = {}) const;
  // Translates the column of local_columns()[entry] into table ids, once (ColumnBlock::column).
  void ResolveLocalEntry(uint32_t entry) const;

  // Mutable only for the local fields' translation: ResolveLocalColumns interns a field's strings
  // once (under `resolved_`) and arms the field; ResolveLocalEntry then fills one block's absent
  // column (under its entry's flag) before any reader of that column can see it.
  mutable Parts parts_;
  // By local column entry: its interning's flag and whether it ran (the entry is armed), its
  // translation's flag, the table ids of its local ids, the result.
  std::unique_ptr<std::once_flag[]> entry_interned_;
  std::unique_ptr<std::atomic<bool>[]> entry_armed_;
  std::unique_ptr<std::once_flag[]> entry_resolved_;
  mutable std::vector<std::shared_ptr<const std::vector<uint32_t>>> entry_global_ids_;
  mutable std::vector<std::shared_ptr<uint32_t[]>> entry_ids_;
  size_t row_count_ = 0;
};

inline const ColumnData& ColumnBlock::column(FieldId id) const {
  if (local_owner != nullptr && IsLocalStringField(id)) local_owner->ResolveLocalEntry(local_entries[LocalSlot(id)]);
  return columns[static_cast<size_t>(id)];
}

}  // namespace mltrack::store
