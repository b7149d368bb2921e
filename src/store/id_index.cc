#include "store/id_index.h"

#include <xxhash.h>

namespace mltrack::store {
namespace {

constexpr size_t kInitialCapacity = 1024;

bool IsEmpty(const IdKey& key) { return key.low == 0 && key.high == 0; }

}  // namespace

IdKey HashId(std::string_view id) {
  XXH128_hash_t hash = XXH3_128bits(id.data(), id.size());
  return IdKey{hash.low64, hash.high64};
}

IdIndex::IdIndex() : slots_(new IdKey[kInitialCapacity]()), capacity_(kInitialCapacity) {}

IdIndex::~IdIndex() = default;

size_t IdIndex::SlotFor(const IdKey& key) const {
  // The hash is already uniform, so its low bits pick the slot; linear probing keeps probes in
  // the same cache lines.
  const size_t mask = capacity_ - 1;
  size_t slot = static_cast<size_t>(key.low) & mask;
  while (!IsEmpty(slots_[slot]) && !(slots_[slot] == key)) slot = (slot + 1) & mask;
  return slot;
}

bool IdIndex::Contains(const IdKey& key) const {
  if (IsEmpty(key)) return has_zero_key_;
  return !IsEmpty(slots_[SlotFor(key)]);
}

bool IdIndex::Insert(const IdKey& key) {
  if (IsEmpty(key)) {
    if (has_zero_key_) return false;
    has_zero_key_ = true;
    ++size_;
    return true;
  }
  size_t slot = SlotFor(key);
  if (!IsEmpty(slots_[slot])) return false;
  slots_[slot] = key;
  ++size_;
  if (size_ * 4 > capacity_ * 3) Grow();
  return true;
}

void IdIndex::Erase(const IdKey& key) {
  if (IsEmpty(key)) {
    if (has_zero_key_) --size_;
    has_zero_key_ = false;
    return;
  }
  const size_t mask = capacity_ - 1;
  size_t hole = SlotFor(key);
  if (IsEmpty(slots_[hole])) return;
  --size_;
  // Move back every later key of the probe run that may not sit past the hole: one whose home
  // slot is not cyclically in (hole, slot].
  for (size_t slot = (hole + 1) & mask; !IsEmpty(slots_[slot]); slot = (slot + 1) & mask) {
    const size_t home = static_cast<size_t>(slots_[slot].low) & mask;
    const bool stays = hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
    if (stays) continue;
    slots_[hole] = slots_[slot];
    hole = slot;
  }
  slots_[hole] = IdKey{};
}

std::vector<IdKey> IdIndex::Keys() const {
  std::vector<IdKey> keys;
  keys.reserve(size_);
  if (has_zero_key_) keys.push_back(IdKey{});
  for (size_t slot_idx = 0; slot_idx < capacity_; ++slot_idx) {
    if (!IsEmpty(slots_[slot_idx])) keys.push_back(slots_[slot_idx]);
  }
  return keys;
}

void IdIndex::Grow() {
  std::unique_ptr<IdKey[]> old = std::move(slots_);
  const size_t old_capacity = capacity_;
  capacity_ *= 2;
  slots_.reset(new IdKey[capacity_]());
  for (size_t slot_idx = 0; slot_idx < old_capacity; ++slot_idx) {
    if (!IsEmpty(old[slot_idx])) slots_[SlotFor(old[slot_idx])] = old[slot_idx];
  }
}

}  // namespace mltrack::store
