#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack::store {

// Dictionary id of "no value" (an absent string field). Real ids start at 1.
inline constexpr uint32_t kAbsentId = 0;

// An append-only mapping between the distinct strings of one column and dense uint32 ids
// (1, 2, 3, ... in order of first appearance; 0 = absent). Ids never change and strings never
// move, so a string_view returned by Get() stays valid for the dictionary's lifetime.
//
// Memory: a dictionary can hold one entry per event (trace ids), so it is compact — each string
// is stored once, length-prefixed, in arena pages growing from 64 bytes to 1 MiB (a longer string
// gets a page of its own); per entry a 4-byte location plus an open-addressing index of 4-byte ids and 1-byte hash
// tags kept at most 3/4 full: about length + 1 + 4 + 7 bytes. Limit: 4096 pages (about 4 GiB of
// distinct strings per dictionary); GetOrAdd past it throws std::length_error.
//
// Thread-safety: every method is safe to call concurrently. GetOrAdd takes an exclusive lock;
// lookups take a shared lock, so readers never see a half-added entry. The memtable is the only
// writer; query threads read.
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // The id of `value`, adding it when new. The empty string is "absent" and returns kAbsentId.
  uint32_t GetOrAdd(std::string_view value);

  // GetOrAdd for many values under one lock (replay of the dictionary log); ids[i] is the id of
  // values[i].
  void GetOrAddMany(const std::vector<std::string_view>& values, std::vector<uint32_t>* ids);

  // GetOrAdd of values[i] into ids[i] for a batch that mostly repeats known strings (a memtable
  // append): the lookups share one shared lock, and the exclusive lock is taken once, only when
  // some value is new. New values get ids in the order they first appear in `values`.
  void GetOrAddBatch(std::span<const std::string_view> values, uint32_t* ids);

  // The id of `value`, or nullopt when it was never added ("" → kAbsentId).
  std::optional<uint32_t> Find(std::string_view value) const;

  // The string of `id`; "" for kAbsentId. `id` must be < size() + 1 (a programmer error otherwise).
  std::string_view Get(uint32_t id) const;

  // Number of distinct strings (ids 1..size() are valid).
  size_t size() const;

  // Bytes held by the strings and the index.
  size_t MemoryBytes() const;

  // Calls fn(id, value) for every entry with id in [1, limit]; holds the shared lock meanwhile,
  // so `fn` must not call back into this dictionary's GetOrAdd.
  template <typename Fn>
  void ForEach(size_t limit, Fn&& fn) const {
    std::shared_lock lock(mutex_);
    size_t count = std::min(limit, locations_.size());
    for (size_t index = 0; index < count; ++index) fn(static_cast<uint32_t>(index + 1), At(index));
  }

 private:
  static constexpr unsigned kPageBits = 20;  // 1 MiB pages
  static constexpr size_t kMaxPages = size_t{1} << (32 - kPageBits);

  std::string_view At(size_t index) const;  // entry index = id − 1; caller holds the lock
  size_t FindSlot(std::string_view value, uint64_t hash) const;  // its slot or the empty one
  void Grow(size_t min_entries = 0);
  uint32_t AddLocked(std::string_view value, uint64_t hash);

  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<char[]>> pages_;
  std::vector<size_t> page_sizes_;
  size_t page_used_ = 0;                // bytes used in pages_.back()
  std::vector<uint32_t> locations_;     // by index: page << kPageBits | offset
  std::vector<uint32_t> slots_;         // ids; 0 = empty
  std::vector<uint8_t> slot_tags_;      // top hash byte of the slot's string
  size_t arena_bytes_ = 0;
};

}  // namespace mltrack::store
