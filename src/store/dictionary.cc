#include "store/dictionary.h"

// Inline: the hash of a short string costs less than the call into the shared library.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cassert>
#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/short_equal.h"

namespace mltrack::store {
namespace {

constexpr size_t kInitialSlots = 16;
constexpr size_t kFirstPageSize = 64;

uint64_t Hash(std::string_view value) { return XXH3_64bits(value.data(), value.size()); }
uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(hash >> 56); }

size_t VarintSize(size_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

}  // namespace

std::string_view Dictionary::At(size_t index) const {
  const uint32_t location = locations_[index];
  const auto* p = reinterpret_cast<const unsigned char*>(pages_[location >> kPageBits].get() +
                                                          (location & ((1u << kPageBits) - 1)));
  size_t size = 0;
  for (int shift = 0;; shift += 7) {
    const unsigned char byte = *p++;
    size |= size_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  return {reinterpret_cast<const char*>(p), size};
}

size_t Dictionary::FindSlot(std::string_view value, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  const uint8_t tag = Tag(hash);
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t id = slots_[slot];
    if (id == kAbsentId) return slot;
    if (slot_tags_[slot] == tag && SameString(At(id - 1), value)) return slot;
  }
}

void Dictionary::Grow(size_t min_entries) {
  size_t capacity = slots_.empty() ? kInitialSlots : slots_.size() * 2;
  while (min_entries * 4 > capacity * 3) capacity *= 2;
  slots_.assign(capacity, kAbsentId);
  slot_tags_.assign(capacity, 0);
  const size_t mask = capacity - 1;
  for (size_t index = 0; index < locations_.size(); ++index) {
    const uint64_t hash = Hash(At(index));
    size_t slot = hash & mask;
    while (slots_[slot] != kAbsentId) slot = (slot + 1) & mask;
    slots_[slot] = static_cast<uint32_t>(index + 1);
    slot_tags_[slot] = Tag(hash);
  }
}

uint32_t Dictionary::GetOrAdd(std::string_view value) {
  if (value.empty()) return kAbsentId;
  const uint64_t hash = Hash(value);
  {
    std::shared_lock lock(mutex_);
    if (!slots_.empty()) {
      const uint32_t id = slots_[FindSlot(value, hash)];
      if (id != kAbsentId) return id;
    }
  }
  std::unique_lock lock(mutex_);
  return AddLocked(value, hash);
}

void Dictionary::GetOrAddMany(const std::vector<std::string_view>& values, std::vector<uint32_t>* ids) {
  ids->clear();
  std::unique_lock lock(mutex_);
  const size_t expected = locations_.size() + values.size();
  if (expected * 4 > slots_.size() * 3) Grow(expected);
  locations_.reserve(expected);
  for (std::string_view value : values) {
    ids->push_back(value.empty() ? kAbsentId : AddLocked(value, Hash(value)));
  }
}

void Dictionary::GetOrAddBatch(std::span<const std::string_view> values, uint32_t* ids) {
  std::vector<std::pair<size_t, uint64_t>> missing;  // value index, hash
  {
    std::shared_lock lock(mutex_);
    for (size_t value_idx = 0; value_idx < values.size(); ++value_idx) {
      const std::string_view value = values[value_idx];
      ids[value_idx] = kAbsentId;
      if (value.empty()) continue;
      // A value that repeats the one before (a run of one session, one experiment) costs a
      // compare instead of a hash and a probe.
      if (value_idx > 0 && ids[value_idx - 1] != kAbsentId && SameString(value, values[value_idx - 1])) {
        ids[value_idx] = ids[value_idx - 1];
        continue;
      }
      const uint64_t hash = Hash(value);
      if (!slots_.empty()) ids[value_idx] = slots_[FindSlot(value, hash)];
      if (ids[value_idx] == kAbsentId) missing.emplace_back(value_idx, hash);
    }
  }
  if (missing.empty()) return;
  std::unique_lock lock(mutex_);
  for (const auto& [value_idx, hash] : missing) ids[value_idx] = AddLocked(values[value_idx], hash);
}

uint32_t Dictionary::AddLocked(std::string_view value, uint64_t hash) {
  if (slots_.empty()) Grow();
  size_t slot = FindSlot(value, hash);
  if (slots_[slot] != kAbsentId) return slots_[slot];

  // Append the length-prefixed string to the arena.
  const size_t need = VarintSize(value.size()) + value.size();
  constexpr size_t kPageSize = size_t{1} << kPageBits;
  if (pages_.empty() || page_used_ + need > page_sizes_.back()) {
    if (pages_.size() >= kMaxPages) throw std::length_error("dictionary holds over 4 GiB of strings");
    // Pages grow from 64 bytes to kPageSize, so small dictionaries stay small: a store may have
    // thousands of tag keys with a value or two each (one value dictionary per key).
    const size_t next_size = page_sizes_.empty() ? kFirstPageSize : std::min(kPageSize, page_sizes_.back() * 2);
    const size_t page_size = std::max(next_size, need);
    pages_.push_back(std::make_unique_for_overwrite<char[]>(page_size));
    page_sizes_.push_back(page_size);
    page_used_ = 0;
    arena_bytes_ += page_size;
  }
  char* out = pages_.back().get() + page_used_;
  const uint32_t location = static_cast<uint32_t>((pages_.size() - 1) << kPageBits | page_used_);
  size_t size = value.size();
  while (size >= 0x80) {
    *out++ = static_cast<char>(size | 0x80);
    size >>= 7;
  }
  *out++ = static_cast<char>(size);
  std::memcpy(out, value.data(), value.size());
  page_used_ += need;

  locations_.push_back(location);
  const uint32_t id = static_cast<uint32_t>(locations_.size());
  slots_[slot] = id;
  slot_tags_[slot] = Tag(hash);
  if (locations_.size() * 4 > slots_.size() * 3) Grow();
  return id;
}

std::optional<uint32_t> Dictionary::Find(std::string_view value) const {
  if (value.empty()) return kAbsentId;
  std::shared_lock lock(mutex_);
  if (slots_.empty()) return std::nullopt;
  const uint32_t id = slots_[FindSlot(value, Hash(value))];
  if (id == kAbsentId) return std::nullopt;
  return id;
}

std::string_view Dictionary::Get(uint32_t id) const {
  if (id == kAbsentId) return {};
  std::shared_lock lock(mutex_);
  assert(id <= locations_.size());
  return At(id - 1);
}

size_t Dictionary::size() const {
  std::shared_lock lock(mutex_);
  return locations_.size();
}

size_t Dictionary::MemoryBytes() const {
  std::shared_lock lock(mutex_);
  return arena_bytes_ + locations_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t) +
         slot_tags_.capacity() + pages_.capacity() * sizeof(void*);
}

}  // namespace mltrack::store
