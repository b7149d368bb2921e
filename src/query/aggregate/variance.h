#pragma once
// var — sample variance of the present values of a measure in the group (n − 1 denominator).
//   Syntax: "var:<field>". Arguments: a measure (ints, cost_usd, doubles, scores.<name>,
//   total_tokens, tokens_per_s). Returns: double (the caller scales nano-USD² to USD² for
//   cost_usd), or nullopt (null) when the group has fewer than two present values.
//   Accuracy: the state is (n, shift, mean, M2) with mean and M2 = Σ(x − mean)² taken over
//   x − shift, the shift being the group's first value: Welford's update per value, Chan, Golub
//   and LeVeque's pairwise merge of states (chunks, blocks, scan threads, segments, cache
//   entries), and for a chunk of an ungrouped scan the corrected two-pass sums. The textbook
//   Σx² − (Σx)²/n is never formed, so values near 1e9 that differ by 1 keep ~15 significant
//   digits of their variance where the textbook formula keeps none; relative error stays a small
//   multiple of the double epsilon times the number of merges, not of n·(mean/σ)².
//   Memory: 32 bytes per group.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace mltrack::query::aggregate {

struct Variance {
  struct State {
    uint64_t count = 0;
    double shift = 0;  // subtracted from every value before it is added (the first value)
    double mean = 0;   // of value − shift
    double m2 = 0;     // Σ (value − shift − mean)²
  };

  static void Update(State& state, double value) {
    if (state.count == 0) state.shift = value;
    const double shifted = value - state.shift;
    ++state.count;
    const double delta = shifted - state.mean;
    state.mean += delta / static_cast<double>(state.count);
    state.m2 += delta * (shifted - state.mean);
  }

  // Adds the present (non-NaN) values of values[0, count) by the corrected two-pass algorithm:
  // mean of the batch, then Σ(x − mean)² − (Σ(x − mean))² / n, merged as one state.
  static void UpdateMany(State& state, const double* values, size_t count) {
    State batch;
    double sum = 0;
    for (size_t idx = 0; idx < count; ++idx) {
      const double value = values[idx];
      if (std::isnan(value)) continue;
      if (batch.count == 0) batch.shift = value;
      sum += value - batch.shift;
      ++batch.count;
    }
    if (batch.count == 0) return;
    const double n = static_cast<double>(batch.count);
    const double mean = sum / n;
    double squares = 0;
    double residual = 0;
    for (size_t idx = 0; idx < count; ++idx) {
      const double value = values[idx];
      if (std::isnan(value)) continue;
      const double deviation = value - batch.shift - mean;
      squares += deviation * deviation;
      residual += deviation;
    }
    batch.mean = mean + residual / n;
    batch.m2 = std::max(0.0, squares - residual * residual / n);
    Combine(state, batch);
  }

  // Merges `from` into `into` (Chan et al.): associative and commutative up to rounding.
  static void Combine(State& into, const State& from) {
    if (from.count == 0) return;
    if (into.count == 0) {
      into = from;
      return;
    }
    const double count_into = static_cast<double>(into.count);
    const double count_from = static_cast<double>(from.count);
    const double total = count_into + count_from;
    // Difference of the two means in `into`'s shifted frame; the shifts are nearby values of
    // the same measure, so their difference is exact or nearly so.
    const double delta = (from.shift - into.shift) + (from.mean - into.mean);
    into.mean += delta * (count_from / total);
    into.m2 += from.m2 + delta * delta * (count_into * count_from / total);
    into.count += from.count;
  }

  // Adds `count` equal values (a block whose present values are all `value`).
  static void AddConstant(State& state, double value, uint64_t count) {
    if (count == 0) return;
    Combine(state, State{count, value, 0, 0});
  }

  static std::optional<double> Finalize(const State& state) {
    if (state.count < 2) return std::nullopt;
    return state.m2 / static_cast<double>(state.count - 1);
  }
};

}  // namespace mltrack::query::aggregate
