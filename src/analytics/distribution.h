#pragma once
// Box and violin figures of one group's values, computed from its percentiles alone (one
// percentile state per group gives every level at once; no extra scan). docs/api.md
// ("distribution") states each figure's definition.

#include <optional>
#include <span>
#include <vector>

namespace mltrack::analytics {

// The percentile levels (0..100) a BoxViolin is made of: the box (0, 25, 50, 75, 100), every
// 2.5 % for the density, and finer tail levels from which outliers are sampled. Ascending.
std::span<const double> DistributionLevels();

// One bar of the violin's density: a share of the group's values lying in [lo, hi).
struct DensityBin {
  double lo = 0;
  double hi = 0;
  double share = 0;  // 0..1
};

struct BoxViolin {
  double min = 0, q1 = 0, median = 0, q3 = 0, max = 0;
  // Tukey's fences (q1 − 1.5·IQR, q3 + 1.5·IQR), clipped to [min, max].
  double whisker_low = 0, whisker_high = 0;
  // Values of the tail levels that lie beyond a whisker, ascending: a sample of the outliers
  // at fixed ranks (always including min / max when they are beyond).
  std::vector<double> outliers;
  // Equal-mass intervals between consecutive 2.5 % levels, clipped to the whiskers; intervals
  // narrower than 1/400 of the whisker span are merged with the next, so repeated values
  // (a spike) become one narrow, tall bar instead of a division by zero.
  std::vector<DensityBin> density;
};

// `values[i]` is the percentile at DistributionLevels()[i]. nullopt when any is missing (a
// group without values).
std::optional<BoxViolin> BoxViolinFromPercentiles(std::span<const std::optional<double>> values);

}  // namespace mltrack::analytics
