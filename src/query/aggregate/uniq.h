#pragma once
// uniq — exact number of distinct present values in the group.
//   Syntax: "uniq:<field>". Arguments: any dimension or measure. String dimensions are counted
//   by dictionary id (one id per distinct string), numbers by their bit pattern (so 0.0 and
//   -0.0 differ). Returns: int ≥ 0. Accuracy: exact.
//   Method and memory: an open-addressing hash set of 64-bit values (linear probing, load
//   ≤ 1/2: ≤ 32 bytes per distinct value). For dictionary ids (UpdateId, ids < id_limit) the
//   set turns into a bitmap of id_limit bits as soon as the bitmap is about as small as the set
//   (distinct ids ≥ id_limit / 256, i.e. 32 bytes per id held): one bit per dictionary entry,
//   O(1) update without hashing, and about the memory the set would take at most.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mltrack::query::aggregate {

// Open-addressing set of uint64 values. Not thread-safe.
class U64Set {
 public:
  // True when `value` was not in the set.
  bool Insert(uint64_t value) {
    if (value == 0) {
      const bool added = !has_zero_;
      has_zero_ = true;
      return added;
    }
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t slot = Hash(value) & mask;; slot = (slot + 1) & mask) {
      if (slots_[slot] == value) return false;
      if (slots_[slot] == 0) {
        slots_[slot] = value;
        ++size_;
        return true;
      }
    }
  }
  size_t size() const { return size_ + (has_zero_ ? 1 : 0); }
  size_t MemoryBytes() const { return slots_.size() * sizeof(uint64_t); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (has_zero_) fn(uint64_t{0});
    for (uint64_t value : slots_) {
      if (value != 0) fn(value);
    }
  }

 private:
  static size_t Hash(uint64_t value) {
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    return static_cast<size_t>(value);
  }
  void Grow();

  std::vector<uint64_t> slots_;  // 0 = empty (zero itself is has_zero_)
  size_t size_ = 0;
  bool has_zero_ = false;
};

struct Uniq {
  struct State {
    U64Set set;
    std::vector<uint64_t> bitmap;  // non-empty once the state is a bitmap of ids
  };
  // Any 64-bit value (a number's bit pattern).
  static void Update(State& state, uint64_t value) { state.set.Insert(value); }
  // A dictionary id < id_limit (ids ≥ id_limit are still counted, through the set).
  static void UpdateId(State& state, uint32_t id, uint32_t id_limit) {
    if (!state.bitmap.empty()) {
      if ((id >> 6) < state.bitmap.size()) {
        state.bitmap[id >> 6] |= uint64_t{1} << (id & 63);
      } else {
        state.set.Insert(id);  // the set holds only values past the bitmap
      }
      return;
    }
    if (state.set.Insert(id) && state.set.size() * 256 >= id_limit) {
      ToBitmap(state, id_limit);
    }
  }
  static void Combine(State& into, const State& from);
  static int64_t Finalize(const State& state);

  static void ToBitmap(State& state, uint32_t id_limit);
};

}  // namespace mltrack::query::aggregate
