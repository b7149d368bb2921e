#include "analytics/stats/holm.h"

#include <algorithm>
#include <numeric>

namespace mltrack::analytics::stats {

std::vector<std::optional<double>> HolmAdjust(const std::vector<std::optional<double>>& p_values) {
  std::vector<size_t> order;
  for (size_t idx = 0; idx < p_values.size(); ++idx) {
    if (p_values[idx]) order.push_back(idx);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t lhs, size_t rhs) { return *p_values[lhs] < *p_values[rhs]; });
  std::vector<std::optional<double>> adjusted(p_values.size());
  const double tests = static_cast<double>(order.size());
  double running_max = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double scaled = std::min(1.0, (tests - static_cast<double>(rank)) * *p_values[order[rank]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

}  // namespace mltrack::analytics::stats
