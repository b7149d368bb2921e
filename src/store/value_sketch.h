#pragma once
// The values of one double column of one segment block, counted per log-linear bucket: part of
// the block's summary (store/block_summary.h, docs/segment_format.md "Block summaries"), so
// that percentiles over whole blocks merge these counts instead of reading the rows.
//
// The bucket of a magnitude m > 0 is the top 19 bits of its IEEE-754 double (sign, exponent,
// 7 leading mantissa bits): exactly the buckets of the query engine's percentile sketch
// (query/aggregate/quantile.h, LogBuckets; a static_assert there pins the shift), so adding a
// block's counts gives the same state as adding its values one by one. Only blocks with more
// values than the engine keeps exactly (kMinValues) get one: below that the engine keeps the
// values themselves, which no bucket count can give back.

#include <cstdint>
#include <string>
#include <vector>

#include "store/segment_format.h"

namespace mltrack::store {

struct ValueSketch {
  static constexpr int kShift = 45;  // 52 mantissa bits − 7 kept
  // A block needs more present values than this for a sketch (query's Quantile::kExactLimit).
  static constexpr uint32_t kMinValues = 1024;

  static int32_t BucketOf(double magnitude);  // magnitude > 0

  // Counts per bucket lowest, lowest + 1, …; empty when no value of that sign.
  struct Buckets {
    int32_t lowest = 0;
    std::vector<uint32_t> counts;
  };
  uint32_t zeros = 0;  // values equal to 0 (either sign)
  Buckets positive;
  Buckets negative;  // of |value|

  // The sketch of the non-NaN `values` (NaN = absent).
  static ValueSketch Of(const std::vector<double>& values);

  // Serialization (docs/segment_format.md): zeros, then each sign's buckets.
  void Encode(std::string* out) const;
  // False when malformed or when the counts do not add up to `present`.
  static bool Decode(segment::FooterReader& reader, uint32_t present, ValueSketch* out);

  size_t MemoryBytes() const;
};

}  // namespace mltrack::store
