#pragma once
// uniq — exact number of distinct present values in the group.
//   Syntax: "uniq:<field>". Arguments: any dimension or measure. String dimensions are counted
//   by dictionary id (one id per distinct string), numbers by their bit pattern (so 0.0 and
//   -0.0 differ). Returns: int ≥ 0. Accuracy: exact.
//   Memory: a hash set per group, ~16–32 bytes per distinct value per group.

#include <cstdint>
#include <unordered_set>

namespace mltrack::query::aggregate {

struct Uniq {
  struct State {
    std::unordered_set<uint64_t> values;
  };
  static void Update(State& state, uint64_t value) { state.values.insert(value); }
  static void Combine(State& into, const State& from) {
    into.values.insert(from.values.begin(), from.values.end());
  }
  static int64_t Finalize(const State& state) { return static_cast<int64_t>(state.values.size()); }
};

}  // namespace mltrack::query::aggregate
