#include "analytics/matrix_scores.h"

#include <algorithm>
#include <cmath>

namespace mltrack::analytics {

std::vector<std::optional<double>> ScoreColumn(std::span<const std::optional<double>> values, Better better,
                                               ScoreScale scale) {
  std::vector<std::optional<double>> out(values.size());
  // Positions on the chosen scale; a non-positive value on a log scale sits at the lowest
  // positive value of the column (it is at least as low as that).
  double lowest_positive = INFINITY;
  for (const std::optional<double>& value : values) {
    if (value && *value > 0) lowest_positive = std::min(lowest_positive, *value);
  }
  auto position = [&](double value) {
    if (scale == ScoreScale::kLinear) return value;
    if (!std::isfinite(lowest_positive)) return 0.0;
    return std::log(std::max(value, lowest_positive));
  };
  double low = INFINITY, high = -INFINITY;
  for (const std::optional<double>& value : values) {
    if (!value || !std::isfinite(*value)) continue;
    low = std::min(low, position(*value));
    high = std::max(high, position(*value));
  }
  for (size_t row = 0; row < values.size(); ++row) {
    if (!values[row] || !std::isfinite(*values[row])) continue;
    if (!(high > low)) {
      out[row] = 1.0;
      continue;
    }
    const double up = (position(*values[row]) - low) / (high - low);
    out[row] = better == Better::kHigher ? up : 1.0 - up;
  }
  return out;
}

}  // namespace mltrack::analytics
