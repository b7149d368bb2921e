#pragma once
// uniq — exact number of distinct present values in the group.
//   Syntax: "uniq:<field>". Arguments: any dimension or measure. String dimensions are counted
//   by dictionary id (one id per distinct string), numbers by their bit pattern (so 0.0 and
//   -0.0 differ). Returns: int ≥ 0. Accuracy: exact.
//   Method and memory: an open-addressing hash set of 64-bit values (linear probing, load
//   ≤ 1/2: ≤ 32 bytes per distinct value). Dictionary ids (UpdateId) move into a bitmap over
//   the range of ids the state has seen as soon as that bitmap is about as small as the set
//   (the range spans at most 256 ids per distinct id held): one bit per id of the range, O(1)
//   update without hashing. Ids are handed out in first-seen order, so the ids of a stretch of
//   time (a segment's run ids, session ids) lie in a narrow range: a segment's state is a few
//   KB where a bitmap over the whole dictionary would be megabytes. Ids outside the range
//   wait in the set until the range can widen under the same rule.

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
    U64Set set;                    // every value while there is no bitmap; then those outside it
    std::vector<uint64_t> bitmap;  // ids [base * 64, (base + bitmap.size()) * 64), when non-empty
    uint64_t base = 0;             // the bitmap's first word (ids / 64)
  };
  // Any 64-bit value (a number's bit pattern).
  static void Update(State& state, uint64_t value) { state.set.Insert(value); }
  // A dictionary id (never 0, the absent id). `id_limit` (the dictionary's size + 1) is
  // accepted for callers' symmetry; the bitmap's range follows the ids seen.
  static void UpdateId(State& state, uint32_t id, uint32_t /*id_limit*/) {
    if (!state.bitmap.empty()) {
      const uint64_t word = (uint64_t{id} >> 6) - state.base;  // wraps below the base
      if (word < state.bitmap.size()) {
        state.bitmap[word] |= uint64_t{1} << (id & 63);
        return;
      }
    }
    if (state.set.Insert(id) && IsCheckpoint(state.set.size())) Rebalance(state);
  }
  static void Combine(State& into, const State& from);
  static int64_t Finalize(const State& state);

  // Makes (or widens) the bitmap to cover at least ids [low_id, high_id] and moves the set's
  // values of its range into it.
  static void ToBitmap(State& state, uint64_t low_id, uint64_t high_id);

 private:
  // Set sizes at which UpdateId reconsiders the bitmap: powers of two from 64, so that the
  // O(set) look at the values costs O(1) per insert.
  static bool IsCheckpoint(size_t size) { return size >= 64 && (size & (size - 1)) == 0; }
  // Turns the values into a bitmap, or widens it over the values outside, when the range all
  // of them span has at most 256 ids per distinct value.
  static void Rebalance(State& state);
};

}  // namespace mltrack::query::aggregate
