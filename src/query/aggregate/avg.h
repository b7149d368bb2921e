#pragma once
// avg — arithmetic mean of the present values of a measure in the group.
//   Syntax: "avg:<field>". Arguments: a measure. Returns: double (USD for cost_usd after the
//   caller scales nano-USD), or nullopt (null) when the group has no present value.
//   Accuracy: int values are summed exactly (128 bits) and divided once; doubles sum in long
//   double, so no mean of finite values overflows. Memory: 32 bytes per group.

#include <cstdint>
#include <optional>

#include "query/aggregate/sum.h"

namespace mltrack::query::aggregate {

template <typename T>  // int64_t or double
struct Avg {
  struct State {
    SumTotal<T> sum{};
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
    return static_cast<double>(static_cast<long double>(state.sum) / static_cast<long double>(state.count));
  }
};

}  // namespace mltrack::query::aggregate
