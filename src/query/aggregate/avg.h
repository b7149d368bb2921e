#pragma once
// avg — arithmetic mean of the present values of a measure in the group.
//   Syntax: "avg:<field>". Arguments: a measure. Returns: double (USD for cost_usd after the
//   caller scales nano-USD), or nullopt (null) when the group has no present value.
//   Accuracy: int values are summed exactly (128 bits) and divided once; doubles sum as in sum.h
//   (a double sum that spills into long double instead of overflowing), so no mean of finite
//   values overflows. Memory: 32 bytes per group for ints, 24 for doubles.

#include <cstdint>
#include <type_traits>
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
    // As a plain double mean (the same rounding) unless the total left int64 / double range.
    if constexpr (std::is_same_v<T, int64_t>) {
      if (state.sum >= INT64_MIN && state.sum <= INT64_MAX) {
        return static_cast<double>(static_cast<int64_t>(state.sum)) / static_cast<double>(state.count);
      }
    } else {
      if (!state.sum.spilled()) return state.sum.sum / static_cast<double>(state.count);
    }
    return static_cast<double>(static_cast<long double>(state.sum) / static_cast<long double>(state.count));
  }
};

}  // namespace mltrack::query::aggregate
