#include "store/value_sketch.h"

#include <bit>
#include <cmath>

namespace mltrack::store {
namespace {

// Bucket indexes of positive doubles (sign bit clear) lie below 2^(64 − kShift − 1).
constexpr uint64_t kBucketLimit = uint64_t{1} << (63 - ValueSketch::kShift);

void AddTo(ValueSketch::Buckets& buckets, int32_t index) {
  if (buckets.counts.empty()) {
    buckets.lowest = index;
    buckets.counts.assign(1, 0);
  } else if (index < buckets.lowest) {
    buckets.counts.insert(buckets.counts.begin(), static_cast<size_t>(buckets.lowest - index), 0);
    buckets.lowest = index;
  } else if (static_cast<size_t>(index - buckets.lowest) >= buckets.counts.size()) {
    buckets.counts.resize(static_cast<size_t>(index - buckets.lowest) + 1, 0);
  }
  ++buckets.counts[static_cast<size_t>(index - buckets.lowest)];
}

void EncodeBuckets(const ValueSketch::Buckets& buckets, std::string* out) {
  segment::PutVarint(out, buckets.counts.size());
  if (buckets.counts.empty()) return;
  segment::PutVarint(out, static_cast<uint64_t>(buckets.lowest));
  for (uint32_t count : buckets.counts) segment::PutVarint(out, count);
}

bool DecodeBuckets(segment::FooterReader& reader, uint64_t* total, ValueSketch::Buckets* buckets) {
  uint64_t size = 0;
  if (!reader.GetVarint(&size) || size > kBucketLimit) return false;
  if (size == 0) return true;
  uint64_t lowest = 0;
  if (!reader.GetVarint(&lowest) || lowest + size > kBucketLimit) return false;
  buckets->lowest = static_cast<int32_t>(lowest);
  buckets->counts.resize(size);
  for (uint32_t& count : buckets->counts) {
    uint64_t value = 0;
    if (!reader.GetVarint(&value) || value > UINT32_MAX) return false;
    count = static_cast<uint32_t>(value);
    *total += value;
  }
  // Trimmed: the first and last buckets hold values.
  return buckets->counts.front() > 0 && buckets->counts.back() > 0;
}

}  // namespace

int32_t ValueSketch::BucketOf(double magnitude) {
  return static_cast<int32_t>(std::bit_cast<uint64_t>(magnitude) >> kShift);
}

ValueSketch ValueSketch::Of(const std::vector<double>& values) {
  ValueSketch sketch;
  for (double value : values) {
    if (std::isnan(value)) continue;
    if (value > 0) {
      AddTo(sketch.positive, BucketOf(value));
    } else if (value < 0) {
      AddTo(sketch.negative, BucketOf(-value));
    } else {
      ++sketch.zeros;
    }
  }
  return sketch;
}

void ValueSketch::Encode(std::string* out) const {
  segment::PutVarint(out, zeros);
  EncodeBuckets(positive, out);
  EncodeBuckets(negative, out);
}

bool ValueSketch::Decode(segment::FooterReader& reader, uint32_t present, ValueSketch* out) {
  uint64_t zeros = 0;
  if (!reader.GetVarint(&zeros) || zeros > present) return false;
  out->zeros = static_cast<uint32_t>(zeros);
  uint64_t total = zeros;
  if (!DecodeBuckets(reader, &total, &out->positive) || !DecodeBuckets(reader, &total, &out->negative)) return false;
  return total == present;
}

size_t ValueSketch::MemoryBytes() const {
  return sizeof(ValueSketch) + (positive.counts.capacity() + negative.counts.capacity()) * sizeof(uint32_t);
}

}  // namespace mltrack::store
