#pragma once
// Block summaries (zone maps): what a segment block holds, per column, without its rows. The
// segment writer computes one per block and stores it in the footer (format version 3,
// docs/segment_format.md); the reader attaches it to its ColumnBlock. The query engine uses it
// to skip blocks no row of which can match a filter, to drop filters every row of a block
// matches, and to answer whole blocks (count, sum, avg, min, max, rates, uniq of a dimension,
// counts per dimension value) without reading a row (query/block_answer.h).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/field.h"
#include "store/sparse_rows.h"
#include "store/string_filter.h"
#include "store/table_snapshot.h"
#include "store/value_sketch.h"

namespace mltrack::store {

// Exact code lists are kept up to this many distinct codes per column and block (teams,
// models, users, status; not trace or run ids, which keep only their range).
inline constexpr size_t kMaxSummaryCodes = 256;

// One column of one block. The code of a row is what query::GatherCode reads: the dictionary
// id (0 = absent) of strings and tags, the enum value (0 is chat/ok, a real value), the bool
// code (kBoolAbsent = 0) or the http status (0 = absent).
struct ColumnSummary {
  enum class Type : uint8_t {
    kAbsent,   // the block stores no value of the column: every code 0, every number absent
    kCodes,    // strings, tags, enums, bools, http_status
    kInts,     // ints and money (nano-USD)
    kDoubles,  // doubles
  };
  Type type = Type::kAbsent;
  // Rows with a value (for enums: every row).
  uint32_t present = 0;

  // kCodes. `exact`: `codes` lists every code of the block (including 0) with its row count,
  // ascending, the counts adding up to the block's rows. Otherwise only the range of the codes
  // other than 0, [min_code, max_code], and how many distinct ones there are (`distinct`) are
  // known; distinct == max_code − min_code + 1 means every code of the range occurs (ids handed
  // out in time order: run and session ids).
  bool exact = false;
  std::vector<std::pair<uint32_t, uint32_t>> codes;
  uint32_t min_code = 0;
  uint32_t max_code = 0;
  uint32_t distinct = 0;

  // kInts: over present values; `int_sum` wraps modulo 2^64 exactly as an int64 scan would.
  int64_t int_min = 0;
  int64_t int_max = 0;
  int64_t int_sum = 0;
  // kDoubles: over present (non-NaN) values; `double_sum` adds in row order.
  double double_min = 0;
  double double_max = 0;
  double double_sum = 0;
  // kDoubles with more than ValueSketch::kMinValues present values: their counts per log-linear
  // bucket (percentiles of whole blocks); null otherwise.
  std::shared_ptr<const ValueSketch> sketch;

  // The block's single code, when every row has the same one.
  bool SingleCode(size_t rows, uint32_t* code) const;
  // Whether the codes are not listed and the block's non-zero codes are exactly every code of
  // [min_code, max_code].
  bool DenseRange() const;
  // Rows whose code is `code`; false when not known (codes not exact).
  bool RowsWithCode(size_t rows, uint32_t code, uint64_t* count) const;
};

struct ValueSlice;     // below
struct UserRollup;     // block_user_rollup.h
struct DerivedSketch;  // derived_sketch.h
struct BlockMoments;   // block_moments.h
struct HourSlice;      // block_hour_slices.h

struct HourCells;      // block_hour_cells.h
struct TagCellSet;     // block_tag_cells.h
struct ScoreCellSet;   // block_score_cells.h

// Something made from a block's columns the first time a query asks for it and kept with its
// summary (hour slices, hour cells, sparse rows). A copy starts without it.
template <typename T>
class LazyPart {
 public:
  LazyPart() = default;
  LazyPart(const LazyPart&) {}
  LazyPart& operator=(const LazyPart&) { return *this; }

  std::shared_ptr<const T> Get() const { return made_.load(std::memory_order_acquire); }
  // Keeps `made` unless another thread kept its own first; returns the kept one.
  std::shared_ptr<const T> Keep(std::shared_ptr<const T> made) const {
    std::shared_ptr<const T> expected;
    if (made_.compare_exchange_strong(expected, made, std::memory_order_acq_rel)) return made;
    return expected;
  }
  // Replaces `seen` (what Get returned) with `made`, for a part that grows as queries ask for
  // more of it; false, leaving it, when another thread replaced it first.
  bool Replace(const std::shared_ptr<const T>& seen, std::shared_ptr<const T> made) const {
    std::shared_ptr<const T> expected = seen;
    return made_.compare_exchange_strong(expected, std::move(made), std::memory_order_acq_rel);
  }

 private:
  mutable std::atomic<std::shared_ptr<const T>> made_;
};

// The summary of one block of `rows` rows. Columns are by FieldId (only those with a column in
// segments: not ts, id, the derived measures, tags or scores) and by tag key index; scores have none.
struct BlockSummary {
  uint32_t rows = 0;
  std::array<ColumnSummary, kFieldIdCount> fields{};
  // The tag columns the block stores, ascending by key index; a key not listed is absent.
  std::vector<std::pair<uint32_t, ColumnSummary>> tags;
  // Per-value summaries (format version 4, block_slices.h): for each slice field whose codes
  // the block lists (2 to kMaxSliceCodes of them), the summary of each code's rows; ascending
  // by (field, code). Empty in the summaries of slices themselves and of older segments.
  std::vector<ValueSlice> slices;
  // Version 4: a Bloom filter of each local string field's values in the block (string_filter.h);
  // `string_filtered` says the segment has them, so a field not listed has no value in the block.
  bool string_filtered = false;
  std::vector<std::pair<FieldId, StringFilter>> string_filters;
  // Version 5: the block's rows by (user, team, experiment) (block_user_rollup.h); null when the
  // block has none. Not counted by MemoryBytes (Segment::Memory::user_rollups counts it).
  std::shared_ptr<const UserRollup> user_rollup;
  // Version 5 (derived_sketch.h): the rows with a tokens_per_s value and their sketch, for the
  // block and for each slice; null in older segments.
  std::shared_ptr<const DerivedSketch> tokens_per_s;
  // Version 6 (block_moments.h): the spread (M2) of each measure and the count, sum and M2 of
  // each score, for the block and for each slice; null in older segments.
  std::shared_ptr<const BlockMoments> moments;
  // Not stored: the block's rows by hour, made on first use (block_hour_slices.h). Counted by
  // MemoryBytes once made.
  LazyPart<std::vector<HourSlice>> hour_slices;
  // Not stored: the block's rows by hour and spend dimensions, made on first use
  // (block_hour_cells.h). Counted by MemoryBytes once made.
  LazyPart<HourCells> hour_cells;
  // Not stored: the block's rows by the value of a tag key and spend dimensions, made on first
  // use per key (block_tag_cells.h). Counted by MemoryBytes once made.
  LazyPart<TagCellSet> tag_cells;
  // Not stored: the block's rows by spend dimensions with a score's moments, made on first use
  // per score (block_score_cells.h). Counted by MemoryBytes once made.
  LazyPart<ScoreCellSet> score_cells;
  // Not stored: the rows of the slices with few values of a measure, made on first use
  // (sparse_rows.h). Counted by MemoryBytes once made.
  LazyPart<SparseRows> sparse_rows;

  const ColumnSummary& field(FieldId id) const { return fields[static_cast<size_t>(id)]; }
  const ColumnSummary& tag(size_t key_index) const;
  size_t MemoryBytes() const;
};

// One value's slice of a block (block_slices.h).
struct ValueSlice {
  FieldId field = FieldId::kModel;
  uint32_t code = 0;   // the field's code (0 = absent) of every row of the slice
  int64_t min_ts = 0;  // over the slice's rows
  int64_t max_ts = 0;
  BlockSummary summary;  // of the slice's rows (summary.rows of them); its `slices` are empty
};

// Summaries of one column's values for one block, as the segment writer holds them.
// Codes: dictionary ids or http statuses (kNullInt = absent, code 0), enum values or bool codes.
ColumnSummary SummarizeIds(const std::vector<int64_t>& ids);
// SummarizeIds of `rows` rows of which only `present_ids` (ids ≥ 1, any order) have a value.
ColumnSummary SummarizeSparseIds(std::vector<uint32_t> present_ids, size_t rows);
ColumnSummary SummarizeBytes(const std::vector<uint8_t>& codes, bool is_enum);
ColumnSummary SummarizeInts(const std::vector<int64_t>& values);  // kNullInt = absent
ColumnSummary SummarizeDoubles(const std::vector<double>& values);  // NaN = absent

// Serialization (docs/segment_format.md, "Block summaries"). Columns of kind kAbsent are not
// written: a column a summary does not list has no value in the block.
void EncodeBlockSummary(const BlockSummary& summary, std::string* out);
// Decodes `count` summaries of blocks of `block_rows[i]` rows, checking every count, order and
// index (`tag_keys` tag keys); false when the bytes are malformed.
bool DecodeBlockSummaries(std::string_view bytes, const std::vector<uint32_t>& block_rows,
                          size_t tag_keys, std::vector<BlockSummary>* out);

// Decodes one summary of a block of `rows` rows (as EncodeBlockSummary wrote it) from `reader`.
bool DecodeBlockSummary(segment::FooterReader& reader, uint32_t rows, size_t tag_keys, BlockSummary* out);

// Whether `summary` lists exactly the static field and tag columns `block` stores.
bool SummaryMatchesBlock(const BlockSummary& summary, const ColumnBlock& block);

}  // namespace mltrack::store
