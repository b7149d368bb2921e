#include "store/value_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mltrack::store {
namespace {

// Bucket indexes of positive doubles (sign bit clear) lie below 2^(64 − kShift − 1).
constexpr uint64_t kBucketLimit = uint64_t{1} << (63 - ValueSketch::kShift);

// Counts per bucket while a sketch is built (ValueSketch::Of).
struct WideBuckets {
  int32_t lowest = 0;
  std::vector<uint32_t> counts;
};

void AddTo(WideBuckets& buckets, int32_t index) {
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
  segment::PutVarint(out, buckets.size());
  if (buckets.empty()) return;
  segment::PutVarint(out, static_cast<uint64_t>(buckets.lowest));
  for (size_t offset = 0; offset < buckets.size(); ++offset) segment::PutVarint(out, buckets.count(offset));
}

bool DecodeBuckets(segment::FooterReader& reader, uint64_t* total, ValueSketch::Buckets* buckets) {
  uint64_t size = 0;
  if (!reader.GetVarint(&size) || size > kBucketLimit) return false;
  if (size == 0) return true;
  uint64_t lowest = 0;
  if (!reader.GetVarint(&lowest) || lowest + size > kBucketLimit) return false;
  buckets->lowest = static_cast<int32_t>(lowest);
  buckets->small.resize(size);
  buckets->large.clear();
  for (size_t offset = 0; offset < size; ++offset) {
    uint64_t value = 0;
    if (!reader.GetVarint(&value) || value > UINT32_MAX) return false;
    buckets->small[offset] = static_cast<uint8_t>(std::min<uint64_t>(value, ValueSketch::Buckets::kLarge));
    if (value >= ValueSketch::Buckets::kLarge) buckets->large.emplace_back(offset, static_cast<uint32_t>(value));
    *total += value;
  }
  buckets->large.shrink_to_fit();
  // Trimmed: the first and last buckets hold values.
  return buckets->small.front() > 0 && buckets->small.back() > 0;
}

}  // namespace

int32_t ValueSketch::BucketOf(double magnitude) {
  return static_cast<int32_t>(std::bit_cast<uint64_t>(magnitude) >> kShift);
}

uint32_t ValueSketch::Buckets::count(size_t offset) const {
  if (small[offset] < kLarge) return small[offset];
  const auto at = std::lower_bound(large.begin(), large.end(), std::make_pair(static_cast<uint32_t>(offset), 0u));
  return at != large.end() && at->first == offset ? at->second : kLarge;
}

std::vector<uint32_t> ValueSketch::Buckets::Counts() const {
  std::vector<uint32_t> counts(small.begin(), small.end());
  for (const auto& [offset, value] : large) counts[offset] = value;
  return counts;
}

void ValueSketch::Buckets::Assign(int32_t first, const std::vector<uint32_t>& counts) {
  lowest = first;
  small.resize(counts.size());
  small.shrink_to_fit();
  large.clear();
  for (size_t offset = 0; offset < counts.size(); ++offset) {
    small[offset] = static_cast<uint8_t>(std::min<uint32_t>(counts[offset], kLarge));
    if (counts[offset] >= kLarge) large.emplace_back(static_cast<uint32_t>(offset), counts[offset]);
  }
  large.shrink_to_fit();
}

ValueSketch ValueSketch::Of(const std::vector<double>& values) {
  ValueSketch sketch;
  WideBuckets positive;
  WideBuckets negative;
  for (double value : values) {
    if (std::isnan(value)) continue;
    if (value > 0) {
      AddTo(positive, BucketOf(value));
    } else if (value < 0) {
      AddTo(negative, BucketOf(-value));
    } else {
      ++sketch.zeros;
    }
  }
  sketch.positive.Assign(positive.lowest, positive.counts);
  sketch.negative.Assign(negative.lowest, negative.counts);
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
  return sizeof(ValueSketch) + positive.small.capacity() + negative.small.capacity() +
         (positive.large.capacity() + negative.large.capacity()) * sizeof(positive.large[0]);
}

}  // namespace mltrack::store
