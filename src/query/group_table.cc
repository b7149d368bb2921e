#include "query/group_table.h"

#include <algorithm>

namespace mltrack::query {
namespace {

inline uint64_t Mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> 33;
  return value;
}

}  // namespace

GroupTable::GroupTable(size_t key_words) : words_(std::max<size_t>(key_words, 1)) {
  slots_.assign(64, 0);
  mask_ = slots_.size() - 1;
}

size_t GroupTable::Hash(const uint64_t* key) const {
  uint64_t hash = 0x9e3779b97f4a7c15ULL;
  for (size_t word = 0; word < words_; ++word) hash = Mix(hash ^ key[word]);
  return static_cast<size_t>(hash);
}

uint32_t GroupTable::FindOrInsert(const uint64_t* key) {
  size_t slot = Hash(key) & mask_;
  if (words_ == 1) {  // packed keys: one compare, not a memcmp call per probe
    while (true) {
      const uint32_t entry = slots_[slot];
      if (entry == 0) break;
      if (keys_[entry - 1] == key[0]) return entry - 1;
      slot = (slot + 1) & mask_;
    }
  } else {
    while (true) {
      const uint32_t entry = slots_[slot];
      if (entry == 0) break;
      const uint64_t* existing = &keys_[(entry - 1) * words_];
      if (std::equal(existing, existing + words_, key)) return entry - 1;
      slot = (slot + 1) & mask_;
    }
  }
  uint32_t group = static_cast<uint32_t>(count_++);
  keys_.insert(keys_.end(), key, key + words_);
  slots_[slot] = group + 1;
  if (count_ * 2 > slots_.size()) Grow();
  return group;
}

void GroupTable::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (size_t group = 0; group < count_; ++group) {
    size_t slot = Hash(key(group)) & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<uint32_t>(group + 1);
  }
}

}  // namespace mltrack::query
