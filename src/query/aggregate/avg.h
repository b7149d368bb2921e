#pragma once
// avg — arithmetic mean of the present values of a measure in the group.
//   Syntax: "avg:<field>". Arguments: a measure. Returns: double (USD for cost_usd after the
//   caller scales nano-USD), or nullopt (null) when the group has no present value.
//   Accuracy: int values are summed exactly in int64 and divided once; doubles sum in double.
//   Memory: 16 bytes per group.

#include <cstdint>
#include <optional>

namespace mltrack::query::aggregate {

template <typename T>  // int64_t or double
struct Avg {
  struct State {
    T sum{};
    uint64_t count = 0;
  };
  static void Update(State& state, T value) {
    state.sum += value;
    ++state.count;
  }
  static void Combine(State& into, const State& from) {
    into.sum += from.sum;
    into.count += from.count;
  }
  static std::optional<double> Finalize(const State& state) {
    if (state.count == 0) return std::nullopt;
    return static_cast<double>(state.sum) / static_cast<double>(state.count);
  }
};

}  // namespace mltrack::query::aggregate
