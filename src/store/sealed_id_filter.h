#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "store/id_index.h"

namespace mltrack::store {

// A compact in-memory filter over the ids of every sealed segment: the sorted top 32 bits of
// each id hash, kept as 2^16 buckets by their top 16 bits (a 256 KiB directory) holding the
// low 16 bits of each (2 bytes per id; at 10M ids 2.0 bytes per id in all, where a u32 per id
// and a directory of up to 2^24 entries took 10.6). MayContain
// has no false negatives; a positive is confirmed against the segments' id sections on disk
// (Segment::ContainsId). A new id is a false positive with probability about n / 2^32
// (0.2% at 10M ids), so the disk is consulted rarely.
//
// Immutable: Merge and Remove return a new filter, so the commit leader can keep using the
// one it holds while the sealing thread builds the next. Thread-safe.
class SealedIdFilter {
 public:
  // From unsorted prefixes (IdPrefix of each id).
  static std::shared_ptr<const SealedIdFilter> Build(std::vector<uint32_t> prefixes);
  // From runs that are each sorted already (segments' id sections are).
  static std::shared_ptr<const SealedIdFilter> BuildFromSortedRuns(std::vector<std::vector<uint32_t>> runs);
  static uint32_t IdPrefix(const IdKey& key) { return static_cast<uint32_t>(key.high >> 32); }

  bool MayContain(const IdKey& key) const;
  // Prefetch hints for a MayContain(key) soon: the directory entry of its bucket, and (once
  // that entry is in cache) the first prefix of the bucket. The commit leader issues the first
  // a few ids earlier than the second.
  void PrefetchBucket(const IdKey& key) const { __builtin_prefetch(&directory_[IdPrefix(key) >> kLowBits]); }
  void PrefetchPrefixes(const IdKey& key) const {
    const uint32_t first = directory_[IdPrefix(key) >> kLowBits];
    if (first < low_.size()) __builtin_prefetch(&low_[first]);
  }
  // This filter plus `added` / minus one occurrence of each of `removed` (any order).
  std::shared_ptr<const SealedIdFilter> Merge(std::vector<uint32_t> added) const;
  std::shared_ptr<const SealedIdFilter> Remove(std::vector<uint32_t> removed) const;

  size_t size() const { return low_.size(); }
  size_t MemoryBytes() const { return low_.capacity() * sizeof(uint16_t) + directory_.capacity() * sizeof(uint32_t); }

 private:
  static constexpr unsigned kLowBits = 16;
  static constexpr size_t kBuckets = size_t{1} << (32 - kLowBits);

  explicit SealedIdFilter(const std::vector<uint32_t>& sorted);
  std::vector<uint32_t> Prefixes() const;  // sorted, rebuilt from the buckets

  std::vector<uint16_t> low_;        // low 16 bits of each prefix, sorted by prefix
  std::vector<uint32_t> directory_;  // bucket b (top 16 bits) → first index in low_; then size()
};

}  // namespace mltrack::store
