#pragma once
// sum — total of the present values of a measure in the group.
//   Syntax: "sum:<field>". Arguments: a measure (ints, cost_usd, doubles, scores.<name>).
//   Returns: an integer for int fields, nano-USD (printed as exact USD) for cost_usd, a double
//   for doubles; 0 when the group has no present value. Absent values are skipped.
//   Accuracy: exact for ints and money: they add in 128 bits, so no sum of stored values
//   overflows (money never passes through floating point); a total past int64 prints with all
//   its digits. Doubles add in long double (64-bit mantissa, range ±1e4932): a total past a
//   double's ±1.8e308 prints as the long double's 17 significant digits, never as null.
//   Memory: 16 bytes per group.

#include <cstdint>
#include <type_traits>

namespace mltrack::query::aggregate {

// What sums of T add in: 128-bit integers for int64, long double for double.
template <typename T>
using SumTotal = std::conditional_t<std::is_same_v<T, int64_t>, __int128, long double>;

template <typename T>  // int64_t or double
struct Sum {
  struct State {
    SumTotal<T> sum{};
  };
  static void Update(State& state, T value) { state.sum += value; }
  static void Combine(State& into, const State& from) { into.sum += from.sum; }
  static SumTotal<T> Finalize(const State& state) { return state.sum; }
};

}  // namespace mltrack::query::aggregate
