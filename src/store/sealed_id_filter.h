#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "store/id_index.h"

namespace mltrack::store {

// A compact in-memory filter over the ids of every sealed segment: the sorted top 32 bits of
// each id hash (4 bytes per id, plus a bucket directory of at most 4 bytes per id). MayContain
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
  void PrefetchBucket(const IdKey& key) const { __builtin_prefetch(&directory_[IdPrefix(key) >> shift_]); }
  void PrefetchPrefixes(const IdKey& key) const {
    const uint32_t first = directory_[IdPrefix(key) >> shift_];
    if (first < prefixes_.size()) __builtin_prefetch(&prefixes_[first]);
  }
  // This filter plus `added` / minus one occurrence of each of `removed` (any order).
  std::shared_ptr<const SealedIdFilter> Merge(std::vector<uint32_t> added) const;
  std::shared_ptr<const SealedIdFilter> Remove(std::vector<uint32_t> removed) const;

  size_t size() const { return prefixes_.size(); }
  size_t MemoryBytes() const { return (prefixes_.capacity() + directory_.capacity()) * sizeof(uint32_t); }

 private:
  explicit SealedIdFilter(std::vector<uint32_t> sorted);

  std::vector<uint32_t> prefixes_;   // sorted
  std::vector<uint32_t> directory_;  // bucket b → first index with prefix >> shift_ >= b
  unsigned shift_ = 32;
};

}  // namespace mltrack::store
