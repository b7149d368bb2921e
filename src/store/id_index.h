#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace mltrack::store {

// The 128-bit XXH3 hash of an event id: what the id index stores instead of the id.
struct IdKey {
  uint64_t low = 0;
  uint64_t high = 0;
  bool operator==(const IdKey&) const = default;
};

IdKey HashId(std::string_view id);

// For std::unordered_set<IdKey, IdKeyHash>: the key is already a uniform hash.
struct IdKeyHash {
  size_t operator()(const IdKey& key) const { return static_cast<size_t>(key.low); }
};

// The set of event ids stored so far, for idempotent ingest (DESIGN.md §6 `id`).
//
// Stores hashes, not ids: 16 bytes per id in an open-addressing table kept at most 3/4 full
// (so 16–43 bytes per id as the table doubles). Two different ids collide only if their 128-bit
// XXH3 hashes are equal; for n stored ids the chance that any pair collides is about
// n² / 2^129 — about 1.5e-21 at a billion ids — so a distinct event wrongly dropped as a
// duplicate is not a practical concern. (A 64-bit hash would be n² / 2^65: ~3% at 1e9 ids.)
//
// Not thread-safe: the store's commit leader is its only user (readers of a frozen index only
// call the const methods).
class IdIndex {
 public:
  IdIndex();
  ~IdIndex();
  IdIndex(const IdIndex&) = delete;
  IdIndex& operator=(const IdIndex&) = delete;

  bool Contains(const IdKey& key) const;
  // Adds `key`; false if it was already present.
  bool Insert(const IdKey& key);
  // Removes `key` (a no-op when absent), so that a failed commit can take back the ids it
  // inserted. Backward-shift deletion: no tombstones, probe lengths stay as if never inserted.
  void Erase(const IdKey& key);
  // Hints the CPU to load the slot where a probe for `key` starts. The table is much larger
  // than the caches, so the commit leader prefetches a few keys ahead of the one it probes.
  void Prefetch(const IdKey& key) const {
    __builtin_prefetch(&slots_[static_cast<size_t>(key.low) & (capacity_ - 1)]);
  }

  // Every key, in no particular order.
  std::vector<IdKey> Keys() const;

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return capacity_ * sizeof(IdKey); }

 private:
  size_t SlotFor(const IdKey& key) const;  // the slot holding `key` or the empty one to use
  void Grow();

  // An all-zero slot is empty; the (astronomically unlikely) all-zero hash is tracked apart.
  std::unique_ptr<IdKey[]> slots_;
  size_t capacity_ = 0;  // a power of two
  size_t size_ = 0;      // including the zero key
  bool has_zero_key_ = false;
};

}  // namespace mltrack::store
