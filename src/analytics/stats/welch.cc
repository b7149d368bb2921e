#include "analytics/stats/welch.h"

#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "analytics/stats/boost_policy.h"

namespace mltrack::analytics::stats {
namespace {

using StudentsT = boost::math::students_t_distribution<double, MathPolicy>;
using Normal = boost::math::normal_distribution<double, MathPolicy>;

double TQuantile(double df, double confidence) {
  return boost::math::quantile(StudentsT(df), (1.0 + confidence) / 2.0);
}

}  // namespace

std::optional<WelchResult> WelchTest(const SampleSummary& a, const SampleSummary& b, double confidence) {
  if (a.n < 2 || b.n < 2) return std::nullopt;
  const double var_mean_a = a.variance / static_cast<double>(a.n);
  const double var_mean_b = b.variance / static_cast<double>(b.n);
  WelchResult result;
  result.diff = b.mean - a.mean;
  result.std_error = std::sqrt(var_mean_a + var_mean_b);
  if (!(result.std_error > 0)) {
    // Both sides constant: the difference is known exactly.
    result.df = static_cast<double>(a.n + b.n - 2);
    result.t = result.diff == 0 ? 0 : std::copysign(INFINITY, result.diff);
    result.p_value = result.diff == 0 ? 1.0 : 0.0;
    result.ci = {result.diff, result.diff};
    return result;
  }
  result.df = (var_mean_a + var_mean_b) * (var_mean_a + var_mean_b) /
              (var_mean_a * var_mean_a / static_cast<double>(a.n - 1) +
               var_mean_b * var_mean_b / static_cast<double>(b.n - 1));
  result.t = result.diff / result.std_error;
  const StudentsT distribution(result.df);
  result.p_value = 2.0 * boost::math::cdf(boost::math::complement(distribution, std::fabs(result.t)));
  const double half = TQuantile(result.df, confidence) * result.std_error;
  result.ci = {result.diff - half, result.diff + half};
  return result;
}

std::optional<Interval> MeanInterval(const SampleSummary& sample, double confidence) {
  if (sample.n < 2) return std::nullopt;
  const double half = TQuantile(static_cast<double>(sample.n - 1), confidence) *
                      std::sqrt(sample.variance / static_cast<double>(sample.n));
  return Interval{sample.mean - half, sample.mean + half};
}

std::optional<RelativeDifference> RelativeMeanDifference(const SampleSummary& a, const SampleSummary& b,
                                                         double confidence) {
  if (a.n < 2 || b.n < 2 || a.mean == 0 || b.mean == 0) return std::nullopt;
  const double ratio = b.mean / a.mean;
  const double rel_var_a = a.variance / (static_cast<double>(a.n) * a.mean * a.mean);
  const double rel_var_b = b.variance / (static_cast<double>(b.n) * b.mean * b.mean);
  const double se = std::fabs(ratio) * std::sqrt(rel_var_a + rel_var_b);
  const double z = boost::math::quantile(Normal(), (1.0 + confidence) / 2.0);
  RelativeDifference result;
  result.value = ratio - 1.0;
  result.ci = {result.value - z * se, result.value + z * se};
  return result;
}

}  // namespace mltrack::analytics::stats
