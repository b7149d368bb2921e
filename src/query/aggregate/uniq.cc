#include "query/aggregate/uniq.h"

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

void Uniq::ToBitmap(State& state, uint32_t id_limit) {
  // Ids ≥ id_limit (none in practice: the limit is the dictionary size) stay in the set.
  U64Set rest;
  state.bitmap.assign((static_cast<size_t>(id_limit) + 63) / 64 + 1, 0);
  const size_t bits = (state.bitmap.size()) * 64;
  state.set.ForEach([&](uint64_t value) {
    if (value < bits) {
      state.bitmap[value >> 6] |= uint64_t{1} << (value & 63);
    } else {
      rest.Insert(value);
    }
  });
  state.set = std::move(rest);
}

void Uniq::Combine(State& into, const State& from) {
  if (!from.bitmap.empty() && into.bitmap.empty()) {
    // Adopt the bitmap's shape, then add our own values.
    State merged;
    merged.bitmap = from.bitmap;
    merged.set = from.set;
    Combine(merged, into);
    into = std::move(merged);
    return;
  }
  if (!from.bitmap.empty()) {
    if (into.bitmap.size() < from.bitmap.size()) {
      // A wider bitmap (a state made against a larger dictionary, e.g. a cached one): ids of
      // our set that now fit move into it, or an id in both would be counted twice.
      into.bitmap.resize(from.bitmap.size(), 0);
      const size_t widened = into.bitmap.size() * 64;
      U64Set rest;
      into.set.ForEach([&](uint64_t value) {
        if (value < widened) {
          into.bitmap[value >> 6] |= uint64_t{1} << (value & 63);
        } else {
          rest.Insert(value);
        }
      });
      into.set = std::move(rest);
    }
    for (size_t word = 0; word < from.bitmap.size(); ++word) into.bitmap[word] |= from.bitmap[word];
  }
  const size_t bits = into.bitmap.size() * 64;
  from.set.ForEach([&](uint64_t value) {
    if (value < bits) {
      into.bitmap[value >> 6] |= uint64_t{1} << (value & 63);
    } else {
      into.set.Insert(value);
    }
  });
}

int64_t Uniq::Finalize(const State& state) {
  int64_t count = static_cast<int64_t>(state.set.size());
  for (uint64_t word : state.bitmap) count += std::popcount(word);
  return count;
}

}  // namespace mltrack::query::aggregate
