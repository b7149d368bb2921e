#include "analytics/stats/power.h"

#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "analytics/stats/boost_policy.h"

namespace mltrack::analytics::stats {

double MdeFactor(double alpha, double power) {
  const boost::math::normal_distribution<double, MathPolicy> normal;
  return boost::math::quantile(normal, 1.0 - alpha / 2.0) + boost::math::quantile(normal, power);
}

std::optional<double> MinimumDetectableDifference(const SampleSummary& a, const SampleSummary& b,
                                                  double alpha, double power) {
  if (a.n < 2 || b.n < 2) return std::nullopt;
  return MdeFactor(alpha, power) *
         std::sqrt(a.variance / static_cast<double>(a.n) + b.variance / static_cast<double>(b.n));
}

std::optional<double> MinimumDetectableRateDifference(const ProportionSample& a, const ProportionSample& b,
                                                      double alpha, double power) {
  if (a.n <= 0 || b.n <= 0) return std::nullopt;
  const double n_a = static_cast<double>(a.n);
  const double n_b = static_cast<double>(b.n);
  const double pooled = static_cast<double>(a.successes + b.successes) / (n_a + n_b);
  return MdeFactor(alpha, power) * std::sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b));
}

}  // namespace mltrack::analytics::stats
