#pragma once
// p<N> — the N-th percentile (N any number in [0, 100], e.g. p50, p99.9) of the present values
// of a measure in the group.
//   Syntax: "p<N>:<field>". Returns: double (USD for cost_usd after the caller scales), or
//   nullopt (null) when the group has no present value.
//   Accuracy: exact — numpy's default "linear" method: with the n values sorted ascending,
//   h = (n − 1)·N/100, result = v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋]).
//   Memory: 8 bytes per present value (all values are kept). Finalize is O(n) (selection, not a
//   full sort) and reorders the state's values.

#include <optional>
#include <vector>

namespace mltrack::query::aggregate {

struct Quantile {
  struct State {
    std::vector<double> values;
  };
  static void Update(State& state, double value) { state.values.push_back(value); }
  static void Combine(State& into, const State& from) {
    into.values.insert(into.values.end(), from.values.begin(), from.values.end());
  }
  // `percentile` in [0, 100]. Reorders state.values (the multiset is unchanged).
  static std::optional<double> Finalize(State& state, double percentile);
};

// The linear-interpolation percentile of `values` (reordered in place); nullopt when empty.
std::optional<double> LinearPercentile(std::vector<double>& values, double percentile);

}  // namespace mltrack::query::aggregate
