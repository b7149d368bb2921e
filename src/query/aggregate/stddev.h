#pragma once
// stddev — sample standard deviation of the present values of a measure in the group: the
// square root of var (variance.h, n − 1 denominator).
//   Syntax: "stddev:<field>". Arguments: a measure. Returns: double in the field's unit (USD
//   for cost_usd after the caller scales nano-USD), or nullopt (null) when the group has fewer
//   than two present values. Accuracy: that of var, then one correctly rounded square root.
//   Memory: 32 bytes per group (var's state).

#include <cmath>
#include <optional>

#include "query/aggregate/variance.h"

namespace mltrack::query::aggregate {

struct Stddev {
  using State = Variance::State;
  static void Update(State& state, double value) { Variance::Update(state, value); }
  static void UpdateMany(State& state, const double* values, size_t count) {
    Variance::UpdateMany(state, values, count);
  }
  static void Combine(State& into, const State& from) { Variance::Combine(into, from); }
  static std::optional<double> Finalize(const State& state) {
    const std::optional<double> variance = Variance::Finalize(state);
    return variance ? std::optional<double>(std::sqrt(*variance)) : std::nullopt;
  }
};

}  // namespace mltrack::query::aggregate
