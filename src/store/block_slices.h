#pragma once
// Per-value block summaries ("value slices", segment format version 4, docs/segment_format.md
// "Value slices"): for the low-cardinality fields dashboards filter and group by (kSliceFields),
// the summary of each code's rows of a block, with the rows' time range. A filter on such a
// field, or a group-by of it, then answers a whole block as the sum of its slices' summaries
// (query/block_answer.h) instead of reading rows.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/field.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// The fields sliced: every dashboard filter but `user` (thousands of values), and the
// prompt_version an A/B test groups by (format version 6; older segments have no such slices).
inline constexpr std::array<FieldId, 5> kSliceFields = {FieldId::kExperiment, FieldId::kTeam, FieldId::kProvider,
                                                        FieldId::kModel, FieldId::kPromptVersion};
// A field is sliced in a block when its exact code list has 2 to this many codes (one code: the
// block's own summary is its only slice).
inline constexpr size_t kMaxSliceCodes = 32;

// The slices of `field` in `summary` (empty when the field is not sliced there).
std::span<const ValueSlice> SlicesOf(const BlockSummary& summary, FieldId field);

// One block's values as the segment writer summarizes them (same vectors, same conventions as
// SummarizeIds / SummarizeBytes / SummarizeInts / SummarizeDoubles), kept for the slices.
struct BlockValues {
  enum class Kind : uint8_t { kIds, kBytes, kEnum, kInts, kDoubles };
  struct Column {
    FieldId field = FieldId::kModel;
    Kind kind = Kind::kIds;
    std::vector<int64_t> ints;  // kIds (kNullInt absent), kInts
    std::vector<uint8_t> bytes;  // kBytes, kEnum
    std::vector<double> doubles;  // kDoubles (NaN absent)
  };
  std::vector<int64_t> ts;
  std::vector<Column> fields;  // the static field columns the block stores (with a summary)
  std::vector<std::pair<uint32_t, std::vector<int64_t>>> tags;  // key index → ids (kNullInt absent)
  std::vector<std::pair<uint32_t, std::vector<double>>> scores;  // ascending score index → values (NaN absent)

  // The stored column of `field`; null when the block has no value of it.
  const Column* column(FieldId field) const {
    for (const Column& stored : fields) {
      if (stored.field == field) return &stored;
    }
    return nullptr;
  }
};

// The summary of rows `rows` (ascending) of a block, exactly as the writer summarizes a block.
BlockSummary SummarizeRows(const BlockValues& values, const std::vector<uint32_t>& rows);

// The slices of a block whose own summary is `summary` (summary.slices is not read). With
// `slice_rows`, element i of it lists slice i's rows, ascending (what the slices' moments and
// sketches are computed from).
std::vector<ValueSlice> SliceBlock(const BlockValues& values, const BlockSummary& summary,
                                   std::vector<std::vector<uint32_t>>* slice_rows = nullptr);

// Serialization of one block's slices: varint count · (u8 field · varint code · zigzag min_ts ·
// zigzag max_ts · summary (EncodeBlockSummary)) × count.
void EncodeSlices(const std::vector<ValueSlice>& slices, std::string* out);
// Decodes one block's slices into parent->slices, checking them against the parent summary and
// the block's time range: a sliced field lists exactly the parent's codes with their rows, each
// slice's own column of the field has that one code, its columns are among the parent's, and its
// time range is inside the block's.
bool DecodeSlices(segment::FooterReader& reader, size_t tag_keys, int64_t block_min_ts, int64_t block_max_ts,
                  BlockSummary* parent);

}  // namespace mltrack::store
