#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mltrack::store {

// Dictionary id of "no value" (an absent string field). Real ids start at 1.
inline constexpr uint32_t kAbsentId = 0;

// An append-only mapping between the distinct strings of one column and dense uint32 ids
// (1, 2, 3, ... in order of first appearance; 0 = absent). Ids never change and strings never
// move, so a string_view returned by Get() stays valid for the dictionary's lifetime.
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

  // The id of `value`, or nullopt when it was never added ("" → kAbsentId).
  std::optional<uint32_t> Find(std::string_view value) const;

  // The string of `id`; "" for kAbsentId. `id` must be < size() + 1 (a programmer error otherwise).
  std::string_view Get(uint32_t id) const;

  // Number of distinct strings (ids 1..size() are valid).
  size_t size() const;

  // Bytes held by the strings and the index (approximate, for memory accounting).
  size_t MemoryBytes() const;

  // Calls fn(id, value) for every entry with id in [1, limit]; holds the shared lock meanwhile,
  // so `fn` must not call back into this dictionary's GetOrAdd.
  template <typename Fn>
  void ForEach(size_t limit, Fn&& fn) const {
    std::shared_lock lock(mutex_);
    size_t count = std::min(limit, strings_.size());
    for (size_t index = 0; index < count; ++index) fn(static_cast<uint32_t>(index + 1), std::string_view(strings_[index]));
  }

 private:
  mutable std::shared_mutex mutex_;
  std::deque<std::string> strings_;  // index = id - 1; deque: push_back never moves elements
  std::unordered_map<std::string_view, uint32_t> index_;  // views into strings_
  size_t string_bytes_ = 0;
};

}  // namespace mltrack::store
