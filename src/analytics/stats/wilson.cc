#include "analytics/stats/wilson.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "analytics/stats/boost_policy.h"

namespace mltrack::analytics::stats {

std::optional<Interval> WilsonInterval(const ProportionSample& sample, double confidence) {
  if (sample.n <= 0) return std::nullopt;
  const double z =
      boost::math::quantile(boost::math::normal_distribution<double, MathPolicy>(), (1.0 + confidence) / 2.0);
  const double n = static_cast<double>(sample.n);
  const double p = sample.rate();
  const double denominator = 1.0 + z * z / n;
  const double centre = (p + z * z / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator;
  // Clamped: at p = 0 or 1 rounding may put a bound a few ulps outside [0, 1].
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::optional<Interval> NewcombeDifferenceInterval(const ProportionSample& a, const ProportionSample& b,
                                                   double confidence) {
  std::optional<Interval> wilson_a = WilsonInterval(a, confidence);
  std::optional<Interval> wilson_b = WilsonInterval(b, confidence);
  if (!wilson_a || !wilson_b) return std::nullopt;
  const double p_a = a.rate();
  const double p_b = b.rate();
  const double diff = p_b - p_a;
  const double below = std::hypot(p_b - wilson_b->lo, wilson_a->hi - p_a);
  const double above = std::hypot(wilson_b->hi - p_b, p_a - wilson_a->lo);
  return Interval{diff - below, diff + above};
}

}  // namespace mltrack::analytics::stats
