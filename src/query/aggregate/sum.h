#pragma once
// sum — total of the present values of a measure in the group.
//   Syntax: "sum:<field>". Arguments: a measure (ints, cost_usd, doubles, scores.<name>).
//   Returns: int64 for int fields, nano-USD (printed as exact USD) for cost_usd, double for
//   doubles; 0 when the group has no present value. Absent values are skipped.
//   Accuracy: exact for ints and money (int64 arithmetic; money never passes through floating
//   point; overflow past ±9.2e18 — 9.2 billion USD — is not detected); doubles sum in double.
//   Memory: 8 bytes per group.

#include <cstdint>

namespace mltrack::query::aggregate {

template <typename T>  // int64_t or double
struct Sum {
  struct State {
    T sum{};
  };
  static void Update(State& state, T value) { state.sum += value; }
  static void Combine(State& into, const State& from) { into.sum += from.sum; }
  static T Finalize(const State& state) { return state.sum; }
};

}  // namespace mltrack::query::aggregate
