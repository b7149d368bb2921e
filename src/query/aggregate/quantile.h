#pragma once
// p<N> — the N-th percentile (N any number in [0, 100], e.g. p50, p99.9) of the present values
// of a measure in the group.
//   Syntax: "p<N>:<field>". Returns: double (USD for cost_usd after the caller scales), or
//   nullopt (null) when the group has no present value.
//   Definition: numpy's default "linear" method: with the n values sorted ascending,
//   h = (n − 1)·N/100, result = v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋]).
//   Method and accuracy: a group keeps its values exactly while it has at most kExactLimit of
//   them (result exact). Past that, the state becomes a log-linear histogram: a value falls in
//   the bucket of its top 1 + 11 + kMantissaBits bits (sign, exponent, leading mantissa bits),
//   so a bucket [a, b) has b/a ≤ 1 + 2^-7, and its representative 2ab/(a+b) is within
//   α = 2^-8 ≈ 0.39% relative of every value in it. v[k] and v[k+1] are read by rank from the
//   bucket counts (ranks are exact), each within α, clamped to the exact min and max; the
//   interpolation is a convex combination, so for values of one sign the result is within α
//   (< 1%) relative of the exact percentile. Zero is its own exact bucket. Where v[k] < 0 <
//   v[k+1] the error is within α·max(|v[k]|, |v[k+1]|). p0 and p100 are exact.
//   Memory: 8 bytes per value up to kExactLimit; then 8 bytes per bucket between the smallest
//   and largest magnitude seen (128 buckets per factor of 2: ~3 KiB for values spanning three
//   decades) per sign. Update is O(1); Finalize O(buckets) (exact phase: O(n) selection).
//   Combine is exact (counts add), so parallel and per-segment states merge without loss.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mltrack::query::aggregate {

// Counts per log-linear bucket of |value| > 0 (bucket = bits of |value| >> kShift).
class LogBuckets {
 public:
  static constexpr int kMantissaBits = 7;
  static constexpr int kShift = 52 - kMantissaBits;

  static int32_t IndexOf(double magnitude) {  // magnitude > 0
    return static_cast<int32_t>(std::bit_cast<uint64_t>(magnitude) >> kShift);
  }
  static double Representative(int32_t index);  // within 2^-(kMantissaBits+1) of the bucket

  void Add(int32_t index, uint64_t count);
  // Adds one value of bucket `index` when the bucket is already in range; false otherwise.
  bool TryAddOne(int32_t index) {
    const size_t offset = static_cast<size_t>(static_cast<int64_t>(index) - lowest_);
    if (offset >= counts_.size()) return false;
    ++counts_[offset];
    return true;
  }
  void Merge(const LogBuckets& other);
  // Adds counts[i] values to bucket lowest + i (0 ≤ i < size).
  void AddCounts(int32_t lowest, const uint32_t* counts, size_t size);
  // The same for counts held in one byte each (store/value_sketch.h): small[i] < 255 is the
  // count of bucket lowest + i; the others are listed in large[] as (i, count), ascending.
  void AddCounts(int32_t lowest, const uint8_t* small, size_t size, const std::pair<uint32_t, uint32_t>* large,
                 size_t large_count);
  bool empty() const { return counts_.empty(); }
  int32_t lowest() const { return lowest_; }
  const std::vector<uint64_t>& counts() const { return counts_; }  // counts_[i]: index lowest+i

 private:
  int32_t lowest_ = 0;
  std::vector<uint64_t> counts_;
};

struct Quantile {
  // Groups with at most this many values are exact (the golden tests and small groups).
  static constexpr size_t kExactLimit = 1024;

  struct State {
    std::vector<double> values;  // while !sketched
    bool sketched = false;
    // Sketch (once sketched): buckets per sign, exact zeros, exact extremes, total count.
    LogBuckets positive;
    LogBuckets negative;  // of |value|
    uint64_t zeros = 0;
    uint64_t count = 0;
    double min = 0;
    double max = 0;
  };
  static void Update(State& state, double value) {
    if (!state.sketched) {
      state.values.push_back(value);
      if (state.values.size() > kExactLimit) ToSketch(state);
      return;
    }
    if (value > 0 && state.count > 0 && state.positive.TryAddOne(LogBuckets::IndexOf(value))) {
      ++state.count;
      state.min = value < state.min ? value : state.min;
      state.max = value > state.max ? value : state.max;
      return;
    }
    AddToSketch(state, value, 1);
  }
  // Update for each non-NaN value of values[0, count) (NaN = absent, skipped).
  static void UpdateMany(State& state, const double* values, size_t count);
  static void Combine(State& into, const State& from);
  // Combine with a sketched state given by its parts (a block summary's counts,
  // store/value_sketch.h): `count` values in [min, max], `zeros` of them 0, the others counted
  // per bucket of their magnitude. The same as adding those values one by one when count >
  // kExactLimit (the state is sketched either way).
  static void CombineCounts(State& into, uint64_t count, double min, double max, uint64_t zeros,
                            int32_t positive_lowest, const std::vector<uint32_t>& positive,
                            int32_t negative_lowest, const std::vector<uint32_t>& negative);
  // CombineCounts with each sign's counts in the byte form of LogBuckets::AddCounts.
  struct ByteCounts {
    int32_t lowest = 0;
    const uint8_t* small = nullptr;
    size_t size = 0;
    const std::pair<uint32_t, uint32_t>* large = nullptr;
    size_t large_count = 0;
  };
  static void CombineByteCounts(State& into, uint64_t count, double min, double max, uint64_t zeros,
                                const ByteCounts& positive, const ByteCounts& negative);
  // `percentile` in [0, 100]. May reorder the exact values (the multiset is unchanged).
  static std::optional<double> Finalize(State& state, double percentile);

  static void ToSketch(State& state);
  static void AddToSketch(State& state, double value, uint64_t count);
};

// The exact linear-interpolation percentile of `values` (reordered in place); nullopt when empty.
std::optional<double> LinearPercentile(std::vector<double>& values, double percentile);

}  // namespace mltrack::query::aggregate
