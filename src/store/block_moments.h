#pragma once
// The spread of a block's measures (segment format version 6, docs/segment_format.md "Moments"):
// for each block and each of its value slices, the sum of squared deviations from the mean (M2)
// of every int, money and double field it summarizes, and the count, sum and M2 of each score
// it stores — so that var:F, stddev:F, avg:F and count:F of whole blocks and slices (an A/B
// test's Welch inputs, the models' score spreads) merge these states (query/moments_accumulator.cc)
// instead of reading every row. Block summaries (block_summary.h) hold counts and sums of fields
// already, but no spread, and nothing of scores.
//
// M2 is computed by the corrected two-pass algorithm over the present values in row order, as
// query::aggregate::Variance::UpdateMany does for a chunk, so a merged variance equals the
// scanned one to floating-point rounding.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/field.h"
#include "store/segment_format.h"

namespace mltrack::store {

struct BlockSummary;  // block_summary.h
struct BlockValues;   // block_slices.h
struct ValueSlice;    // block_summary.h

struct BlockMoments {
  // Σ (x − mean)² over a field's present values, for each int, money and double field whose
  // summary has at least one present value; ascending by field. The count and sum are the
  // field's ColumnSummary present and int_sum / double_sum.
  std::vector<std::pair<FieldId, double>> field_m2;
  struct Score {
    uint32_t index = 0;    // score name index (the store's score names)
    uint32_t present = 0;  // rows with a value, ≥ 1
    double sum = 0;        // of the values, in row order
    double m2 = 0;         // Σ (x − mean)²
  };
  std::vector<Score> scores;  // ascending by index; a score not listed has no value in the rows

  // M2 of `field`; null when not listed (no present value, or not a measure).
  const double* FieldM2(FieldId field) const;
  // The score of name index `index`; null when no row has one.
  const Score* ScoreOf(uint32_t index) const;
  size_t MemoryBytes() const;
};

// Count, sum and M2 of the non-NaN values of `values` (two-pass, corrected).
struct Spread {
  uint32_t present = 0;
  double sum = 0;
  double m2 = 0;
};
Spread SpreadOf(const std::vector<double>& values);

// The moments of the rows `rows` (ascending; null = every row) of `values`.
BlockMoments MomentsOf(const BlockValues& values, const std::vector<uint32_t>* rows);

// Serialization of one block: its own moments, then one per slice of `slices` in their order, of
// the rows `slice_rows` lists for each (SliceBlock's: the slices of one field partition the
// block's rows) (each: varint fields · (u8 field · f64 m2) × fields · varint scores · (varint
// index · varint present · f64 sum · f64 m2) × scores).
void EncodeBlockMoments(const BlockValues& values, const std::vector<ValueSlice>& slices,
                        const std::vector<std::vector<uint32_t>>& slice_rows, std::string* out);
// Decodes one block's moments into parent->moments and each slice's summary (its slices already
// decoded), checking every field against the summary it belongs to (a measure with present
// values, listed once, ascending) and every score count against the rows; `score_names` bounds
// the score indexes.
bool DecodeBlockMoments(segment::FooterReader& reader, size_t score_names, BlockSummary* parent);

}  // namespace mltrack::store
