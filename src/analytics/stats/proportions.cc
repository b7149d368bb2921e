#include "analytics/stats/proportions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/distributions/hypergeometric.hpp>
#include <boost/math/distributions/normal.hpp>

#include "analytics/stats/boost_policy.h"

namespace mltrack::analytics::stats {

std::optional<ZTestResult> TwoProportionZTest(const ProportionSample& a, const ProportionSample& b) {
  if (a.n <= 0 || b.n <= 0) return std::nullopt;
  const double n_a = static_cast<double>(a.n);
  const double n_b = static_cast<double>(b.n);
  const double pooled = static_cast<double>(a.successes + b.successes) / (n_a + n_b);
  const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b));
  ZTestResult result;
  if (!(se > 0)) return result;  // both rates 0, or both 1
  result.z = (b.rate() - a.rate()) / se;
  const boost::math::normal_distribution<double, MathPolicy> normal;
  result.p_value = 2.0 * boost::math::cdf(boost::math::complement(normal, std::fabs(result.z)));
  return result;
}

std::optional<double> FisherExactPValue(const ProportionSample& a, const ProportionSample& b) {
  if (a.n <= 0 || b.n <= 0) return std::nullopt;
  if (a.n + b.n > int64_t{std::numeric_limits<unsigned>::max()}) return std::nullopt;
  // The table [[s_a, n_a − s_a], [s_b, n_b − s_b]]; X = successes of side a, which given the
  // margins is hypergeometric: r = all successes, n = n_a drawn, N = n_a + n_b.
  const auto successes = static_cast<unsigned>(a.successes + b.successes);
  const auto drawn = static_cast<unsigned>(a.n);
  const auto total = static_cast<unsigned>(a.n + b.n);
  const boost::math::hypergeometric_distribution<double, MathPolicy> distribution(successes, drawn, total);
  const unsigned lo = drawn + successes > total ? drawn + successes - total : 0;
  const unsigned hi = std::min(successes, drawn);
  const double observed = boost::math::pdf(distribution, static_cast<unsigned>(a.successes));
  const double threshold = observed * (1.0 + 1e-7);
  double p_value = 0;
  for (unsigned x = lo; x <= hi; ++x) {
    const double probability = boost::math::pdf(distribution, x);
    if (probability <= threshold) p_value += probability;
  }
  return std::min(1.0, p_value);
}

bool NeedsExactTest(const ProportionSample& a, const ProportionSample& b) {
  const double total = static_cast<double>(a.n + b.n);
  if (total <= 0) return false;
  const double success_share = static_cast<double>(a.successes + b.successes) / total;
  for (const ProportionSample* side : {&a, &b}) {
    const double n = static_cast<double>(side->n);
    if (n * success_share < 5.0 || n * (1.0 - success_share) < 5.0) return true;
  }
  return false;
}

std::optional<ProportionTest> CompareProportions(const ProportionSample& a, const ProportionSample& b) {
  if (NeedsExactTest(a, b)) {
    if (std::optional<double> p_value = FisherExactPValue(a, b)) return ProportionTest{"fisher_exact", *p_value};
  }
  std::optional<ZTestResult> z = TwoProportionZTest(a, b);
  if (!z) return std::nullopt;
  return ProportionTest{"two_proportion_z", z->p_value};
}

}  // namespace mltrack::analytics::stats
