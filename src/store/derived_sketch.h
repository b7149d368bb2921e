#pragma once
// Percentile sketches of the derived measure tokens_per_s (segment format version 5,
// docs/segment_format.md "Derived sketches"): for each block and each of its value slices, how
// many rows have a tokens_per_s value and, when more than ValueSketch::kMinValues do, their
// min, max and counts per log-linear bucket — so that p<N>:tokens_per_s over whole blocks or
// slices adds these counts (query/metric_accumulator.cc) instead of reading three columns per row.
//
// The values are computed exactly as the query engine computes them (query/column_source.cc,
// GatherTokensPerSecond): output_tokens / ((latency_ms − ttft_ms) / 1000) where all three are
// present and latency_ms > ttft_ms, else absent — so the counts are those a scan would add.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/block_summary.h"
#include "store/segment_format.h"
#include "store/value_sketch.h"

namespace mltrack::store {

struct BlockValues;  // block_slices.h

struct DerivedSketch {
  uint32_t present = 0;  // rows with a value
  // present > ValueSketch::kMinValues: over the present values; else unset.
  double min = 0;
  double max = 0;
  std::shared_ptr<const ValueSketch> sketch;

  static DerivedSketch Of(const std::vector<double>& values);  // NaN = absent
  size_t MemoryBytes() const;
};

// tokens_per_s of every row of `values` (NaN = absent), as the query engine computes it.
std::vector<double> TokensPerSecondOf(const BlockValues& values);

// Serialization of one block: its own sketch, then one per slice in their order, of the rows
// `slice_rows` lists for each (SliceBlock's) (each: varint present · when present > kMinValues:
// f64 min · f64 max · ValueSketch).
void EncodeDerivedSketches(const BlockValues& values, const std::vector<std::vector<uint32_t>>& slice_rows,
                           std::string* out);
// Decodes one block's sketches into parent->tokens_per_s and each slice's summary (its slices
// already decoded), checking each present count against the rows it covers.
bool DecodeDerivedSketches(segment::FooterReader& reader, BlockSummary* parent);

}  // namespace mltrack::store
