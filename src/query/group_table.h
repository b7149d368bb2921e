#pragma once
// Hash table from a fixed-width group key (1..N uint64 words) to a dense group index.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mltrack::query {

// Open addressing with linear probing; keys are stored flat, in group order, so group g's key is
// key(g). Not thread-safe: one table per scanning thread, merged afterwards.
class GroupTable {
 public:
  explicit GroupTable(size_t key_words);

  // The group index of `key` (key_words words), inserting a new group when unseen.
  uint32_t FindOrInsert(const uint64_t* key);

  size_t size() const { return count_; }
  size_t key_words() const { return words_; }
  size_t MemoryBytes() const { return keys_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint32_t); }
  const uint64_t* key(size_t group) const { return &keys_[group * words_]; }

 private:
  size_t Hash(const uint64_t* key) const;
  void Grow();

  size_t words_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> slots_;  // group + 1; 0 = empty
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace mltrack::query
