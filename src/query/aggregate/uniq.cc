#include "query/aggregate/uniq.h"

#include <algorithm>

namespace mltrack::query::aggregate {

void U64Set::Grow() {
  std::vector<uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, 0);
  size_ = 0;
  for (uint64_t value : old) {
    if (value != 0) Insert(value);
  }
}

namespace {

// Ids per distinct value a bitmap may spend: 256 bits = 32 bytes, about what the set spends.
constexpr uint64_t kBitsPerValue = 256;

int64_t Popcount(const std::vector<uint64_t>& words) {
  int64_t count = 0;
  for (uint64_t word : words) count += std::popcount(word);
  return count;
}

}  // namespace

void Uniq::ToBitmap(State& state, uint64_t low_id, uint64_t high_id) {
  uint64_t first = low_id >> 6;
  uint64_t end = (high_id >> 6) + 1;
  if (!state.bitmap.empty()) {
    first = std::min(first, state.base);
    end = std::max(end, state.base + state.bitmap.size());
    if (first == state.base && end == state.base + state.bitmap.size()) return;
    // Widening (Combine merges many narrow states into one): at least double, so that a
    // range growing step by step is copied O(log) times.
    const uint64_t size = state.bitmap.size();
    if (first < state.base) first = state.base - std::min(state.base, std::max(state.base - first, size));
    if (end > state.base + size) end = std::max(end, state.base + 2 * size);
    std::vector<uint64_t> wider(end - first, 0);
    std::copy(state.bitmap.begin(), state.bitmap.end(), wider.begin() + static_cast<ptrdiff_t>(state.base - first));
    state.bitmap = std::move(wider);
  } else {
    state.bitmap.assign(end - first, 0);
  }
  state.base = first;
  // The set keeps only what is outside the range, so that no value counts twice.
  U64Set rest;
  state.set.ForEach([&](uint64_t value) {
    const uint64_t word = (value >> 6) - state.base;
    if (word < state.bitmap.size()) {
      state.bitmap[word] |= uint64_t{1} << (value & 63);
    } else {
      rest.Insert(value);
    }
  });
  state.set = std::move(rest);
}

void Uniq::Rebalance(State& state) {
  uint64_t low = UINT64_MAX, high = 0;
  state.set.ForEach([&](uint64_t value) {
    low = std::min(low, value);
    high = std::max(high, value);
  });
  uint64_t values = state.set.size();
  if (!state.bitmap.empty()) {
    low = std::min(low, state.base * 64);
    high = std::max(high, (state.base + state.bitmap.size()) * 64 - 1);
    values += static_cast<uint64_t>(Popcount(state.bitmap));
  }
  if (high - low < kBitsPerValue * values) ToBitmap(state, low, high);
}

void Uniq::Combine(State& into, const State& from) {
  if (!from.bitmap.empty()) {
    const uint64_t from_end = from.base + from.bitmap.size();
    if (into.bitmap.empty() || from.base < into.base || from_end > into.base + into.bitmap.size()) {
      ToBitmap(into, from.base * 64, from_end * 64 - 1);
    }
    const uint64_t offset = from.base - into.base;
    for (size_t word = 0; word < from.bitmap.size(); ++word) into.bitmap[offset + word] |= from.bitmap[word];
  }
  from.set.ForEach([&](uint64_t value) {
    const uint64_t word = (value >> 6) - into.base;
    if (word < into.bitmap.size()) {
      into.bitmap[word] |= uint64_t{1} << (value & 63);
    } else {
      into.set.Insert(value);
    }
  });
}

int64_t Uniq::Finalize(const State& state) { return static_cast<int64_t>(state.set.size()) + Popcount(state.bitmap); }

}  // namespace mltrack::query::aggregate
