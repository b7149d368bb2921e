#pragma once
// Welch's unequal-variances t-test for the difference of two means, and the t interval of one
// mean. Student's t distribution from Boost.Math (boost/math/distributions/students_t.hpp).

#include <optional>

#include "analytics/stats/summary.h"

namespace mltrack::analytics::stats {

struct WelchResult {
  double diff = 0;       // mean_b − mean_a
  double std_error = 0;  // sqrt(var_a / n_a + var_b / n_b)
  double df = 0;         // Welch–Satterthwaite degrees of freedom
  double t = 0;          // diff / std_error
  double p_value = 1;    // two-sided
  Interval ci;           // of diff, at the requested confidence, with the t quantile at df
};

// nullopt when either side has fewer than 2 values (no variance to test with). When both
// variances are 0 the standard error is 0: p is 1 for equal means and 0 otherwise, the interval
// the point [diff, diff]. Published check: R's t.test(extra ~ group, data = sleep) (welch_test.cc).
std::optional<WelchResult> WelchTest(const SampleSummary& a, const SampleSummary& b,
                                     double confidence = kConfidence95);

// mean ± t_{(1+c)/2, n−1} · sd / √n; nullopt for n < 2.
std::optional<Interval> MeanInterval(const SampleSummary& sample, double confidence = kConfidence95);

// The relative difference mean_b / mean_a − 1 and its interval by the delta method on the ratio
// R = mean_b / mean_a: Var(R) ≈ R² · (var_a / (n_a mean_a²) + var_b / (n_b mean_b²)), interval
// (R − 1) ± z · sqrt(Var(R)) with the normal quantile (an asymptotic interval, good for the
// hundreds of values an A/B test has). nullopt when n < 2 on a side or either mean is 0.
struct RelativeDifference {
  double value = 0;
  Interval ci;
};
std::optional<RelativeDifference> RelativeMeanDifference(const SampleSummary& a, const SampleSummary& b,
                                                         double confidence = kConfidence95);

}  // namespace mltrack::analytics::stats
