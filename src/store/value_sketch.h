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
#include <utility>
#include <vector>

#include "store/segment_format.h"

namespace mltrack::store {

struct ValueSketch {
  static constexpr int kShift = 45;  // 52 mantissa bits − 7 kept
  // A block needs more present values than this for a sketch (query's Quantile::kExactLimit).
  static constexpr uint32_t kMinValues = 1024;

  static int32_t BucketOf(double magnitude);  // magnitude > 0

  // Counts per bucket lowest, lowest + 1, …; empty when no value of that sign. Held in one
  // byte per bucket (most buckets of a block count fewer than 255 values): a count of 255 or
  // more is stored as 255 in `small` and listed with its full value in `large`, ascending by
  // offset — a quarter of the memory of one uint32 per bucket, and still exact.
  struct Buckets {
    static constexpr uint8_t kLarge = 255;
    int32_t lowest = 0;
    std::vector<uint8_t> small;                          // min(count, 255) per bucket
    std::vector<std::pair<uint32_t, uint32_t>> large;  // (offset, count) of counts ≥ 255

    size_t size() const { return small.size(); }
    bool empty() const { return small.empty(); }
    // The count of bucket lowest + offset (offset < size()).
    uint32_t count(size_t offset) const;
    // Every count, one uint32 per bucket (tests, encoding).
    std::vector<uint32_t> Counts() const;
    // Replaces the counts with `counts` (bucket lowest + i), shrunk to fit.
    void Assign(int32_t first, const std::vector<uint32_t>& counts);
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
