#include "query/aggregate/quantile.h"

#include <algorithm>
#include <cmath>

namespace mltrack::query::aggregate {

std::optional<double> LinearPercentile(std::vector<double>& values, double percentile) {
  if (values.empty()) return std::nullopt;
  // Same operation order as numpy (quantile = p / 100; index = quantile * (n - 1)).
  const double h = std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lower);
  std::nth_element(values.begin(), values.begin() + lower, values.end());
  const double low_value = values[lower];
  if (fraction == 0 || lower + 1 >= values.size()) return low_value;
  // After nth_element every element past `lower` is ≥ values[lower]; the next order statistic
  // is their minimum.
  const double high_value = *std::min_element(values.begin() + lower + 1, values.end());
  return low_value + fraction * (high_value - low_value);
}

std::optional<double> Quantile::Finalize(State& state, double percentile) {
  return LinearPercentile(state.values, percentile);
}

}  // namespace mltrack::query::aggregate
