#pragma once
// sum — total of the present values of a measure in the group.
//   Syntax: "sum:<field>". Arguments: a measure (ints, cost_usd, doubles, scores.<name>).
//   Returns: an integer for int fields, nano-USD (printed as exact USD) for cost_usd, a double
//   for doubles; 0 when the group has no present value. Absent values are skipped.
//   Accuracy: exact for ints and money: they add in 128 bits, so no sum of stored values
//   overflows (money never passes through floating point); a total past int64 prints with all
//   its digits. Doubles add in double, exactly as a plain double sum, until an addition would
//   overflow; what overflows is kept apart in units of 2^512: a total past a double's
//   ±1.8e308 prints as a number with 17 significant digits, never as null.
//   Memory: 16 bytes per group.

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace mltrack::query::aggregate {

// A sum of doubles at the speed and with the rounding of a double sum, that never overflows: an
// addition whose double result would not be finite moves the total into `spill`, kept in units
// of 2^512 (scaling by a power of two is exact, and no sum of finite doubles reaches 2^512 times
// a double's range). 16 bytes, like two doubles.
struct DoubleTotal {
  static constexpr double kDown = 0x1p-512;

  double sum = 0;
  double spill = 0;  // × 2^512

  DoubleTotal() = default;
  DoubleTotal(double value) : sum(value) {}  // NOLINT: a double is a total
  DoubleTotal& operator+=(double value) {
    const double next = sum + value;
    if (std::isfinite(next)) {
      sum = next;
    } else {
      spill += sum * kDown + value * kDown;
      sum = 0;
    }
    return *this;
  }
  DoubleTotal& operator+=(const DoubleTotal& other) {
    *this += other.sum;
    spill += other.spill;
    return *this;
  }
  bool spilled() const { return spill != 0; }
  explicit operator long double() const {
    return std::ldexp(static_cast<long double>(spill), 512) + static_cast<long double>(sum);
  }
};

// What sums of T add in: 128-bit integers for int64, DoubleTotal for double.
template <typename T>
using SumTotal = std::conditional_t<std::is_same_v<T, int64_t>, __int128, DoubleTotal>;

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
