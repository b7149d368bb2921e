#pragma once
// Tests for the difference of two proportions (error rate, cache-hit rate): the two-proportion
// z-test with the pooled standard error, and Fisher's exact test on the 2×2 table when an
// expected count is below 5 (where the normal approximation fails). Distributions from
// Boost.Math (normal; hypergeometric for Fisher).

#include <optional>
#include <string_view>

#include "analytics/stats/summary.h"

namespace mltrack::analytics::stats {

// z = (p_b − p_a) / sqrt(p̄(1 − p̄)(1/n_a + 1/n_b)), p̄ the pooled rate; two-sided p-value
// (the same p as R's prop.test(correct = FALSE)). nullopt when a side has n = 0. When the pooled
// rate is 0 or 1 both rates are equal: z = 0, p = 1.
struct ZTestResult {
  double z = 0;
  double p_value = 1;
};
std::optional<ZTestResult> TwoProportionZTest(const ProportionSample& a, const ProportionSample& b);

// Fisher's exact test, two-sided as R's fisher.test: the probability, under the hypergeometric
// distribution of the table with both margins fixed, of every table at most as likely as the
// observed one (with R's relative tolerance 1e-7 for ties). nullopt when a side has n = 0 or
// the table has more than 2³² − 1 trials (Boost's hypergeometric counts are unsigned).
std::optional<double> FisherExactPValue(const ProportionSample& a, const ProportionSample& b);

// True when any of the four expected counts (n_side · pooled rate of success or failure) is
// below 5: then FisherExactPValue is the test to use.
bool NeedsExactTest(const ProportionSample& a, const ProportionSample& b);

// The test for rate_b − rate_a: Fisher's exact test when NeedsExactTest (and the table fits it),
// else the z-test.
struct ProportionTest {
  std::string_view test;  // "fisher_exact" or "two_proportion_z"
  double p_value = 1;
};
std::optional<ProportionTest> CompareProportions(const ProportionSample& a, const ProportionSample& b);

}  // namespace mltrack::analytics::stats
