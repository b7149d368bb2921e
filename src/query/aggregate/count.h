#pragma once
// count — number of selected events in the group.
//   Syntax: "count". Arguments: none. Returns: int ≥ 0 (0 for an empty group).
//   Accuracy: exact. Memory: 8 bytes per group.

#include <cstdint>

namespace mltrack::query::aggregate {

struct Count {
  struct State {
    uint64_t count = 0;
  };
  static void Update(State& state) { ++state.count; }
  static void UpdateMany(State& state, uint64_t rows) { state.count += rows; }
  static void Combine(State& into, const State& from) { into.count += from.count; }
  static int64_t Finalize(const State& state) { return static_cast<int64_t>(state.count); }
};

}  // namespace mltrack::query::aggregate
