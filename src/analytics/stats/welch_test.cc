#include "analytics/stats/welch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mltrack::analytics::stats {
namespace {

// The summary of a data set, computed here the textbook way (two passes).
SampleSummary Summarize(const std::vector<double>& values) {
  SampleSummary summary;
  summary.n = static_cast<int64_t>(values.size());
  for (double value : values) summary.mean += value;
  summary.mean /= static_cast<double>(summary.n);
  for (double value : values) summary.variance += (value - summary.mean) * (value - summary.mean);
  summary.variance /= static_cast<double>(summary.n - 1);
  return summary;
}

// R's `sleep` data set (Cushny & Peebles 1905, as in Student 1908): extra hours of sleep with
// drug 1 and drug 2.
const std::vector<double> kSleepGroup1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kSleepGroup2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(WelchTest, MatchesRsTTestOnTheSleepData) {
  // R 4.x, example(t.test):  t.test(extra ~ group, data = sleep)
  //   Welch Two Sample t-test
  //   t = -1.8608, df = 17.776, p-value = 0.07939
  //   95 percent confidence interval: -3.3654832  0.2054832
  //   mean in group 1 0.75, mean in group 2 2.33
  // R's difference is group 1 − group 2, ours is b − a: so a = group 2, b = group 1.
  std::optional<WelchResult> result = WelchTest(Summarize(kSleepGroup2), Summarize(kSleepGroup1));
  ASSERT_TRUE(result);
  EXPECT_NEAR(result->diff, 0.75 - 2.33, 1e-12);
  EXPECT_NEAR(result->t, -1.8608, 5e-5);
  EXPECT_NEAR(result->df, 17.776, 5e-4);
  EXPECT_NEAR(result->p_value, 0.07939, 5e-6);
  EXPECT_NEAR(result->ci.lo, -3.3654832, 1e-7);
  EXPECT_NEAR(result->ci.hi, 0.2054832, 1e-7);
}

TEST(WelchTest, MatchesAnIndependentComputationForUnequalSizesAndTinyP) {
  // References computed with an independent implementation (Python: the regularized incomplete
  // beta by the continued fraction of Numerical Recipes §6.4, t quantile by bisection), which
  // reproduces the R sleep output above to all printed digits.
  std::optional<WelchResult> unequal = WelchTest({12, 10.0, 4.0}, {30, 11.5, 25.0});
  ASSERT_TRUE(unequal);
  EXPECT_NEAR(unequal->df, 39.976982097186706, 1e-9);
  EXPECT_NEAR(unequal->t, 1.3887301496588271, 1e-12);
  EXPECT_NEAR(unequal->p_value, 0.17260395397916428, 1e-9);
  EXPECT_NEAR(unequal->ci.lo, -0.6830500773025037, 1e-9);
  EXPECT_NEAR(unequal->ci.hi, 3.6830500773025037, 1e-9);

  // Cost per call of two prompt versions, n in the thousands: p far below any printed bound.
  std::optional<WelchResult> large = WelchTest({4210, 0.0123, 0.006 * 0.006}, {4187, 0.0108, 0.0055 * 0.0055});
  ASSERT_TRUE(large);
  EXPECT_NEAR(large->df, 8339.830265786653, 1e-6);
  EXPECT_NEAR(large->t, -11.942504018808089, 1e-9);
  EXPECT_NEAR(large->p_value / 1.3094246025214862e-32, 1.0, 1e-6);
  EXPECT_NEAR(large->ci.lo, -0.0017462107368127536, 1e-12);
  EXPECT_NEAR(large->ci.hi, -0.0012537892631872456, 1e-12);
}

TEST(WelchTest, DegenerateSamples) {
  EXPECT_FALSE(WelchTest({1, 5.0, 0.0}, {10, 5.0, 1.0}));  // one value: no variance
  std::optional<WelchResult> same = WelchTest({3, 2.0, 0.0}, {4, 2.0, 0.0});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->p_value, 1.0);
  std::optional<WelchResult> apart = WelchTest({3, 2.0, 0.0}, {4, 3.0, 0.0});
  ASSERT_TRUE(apart);
  EXPECT_EQ(apart->p_value, 0.0);
  EXPECT_EQ(apart->ci.lo, 1.0);
  EXPECT_EQ(apart->ci.hi, 1.0);
}

TEST(MeanIntervalTest, MatchesRsOneSampleTTest) {
  // R: t.test(sleep$extra[sleep$group == 1])
  //   95 percent confidence interval: -0.5297804  2.0297804
  std::optional<Interval> interval = MeanInterval(Summarize(kSleepGroup1));
  ASSERT_TRUE(interval);
  EXPECT_NEAR(interval->lo, -0.5297804, 1e-7);
  EXPECT_NEAR(interval->hi, 2.0297804, 1e-7);
  EXPECT_FALSE(MeanInterval({1, 3.0, 0.0}));
}

TEST(RelativeMeanDifferenceTest, DeltaMethodOnTheRatio) {
  // By hand: R = 9 / 10 = 0.9; Var(R) = 0.81 · (4 / (100 · 100) + 9 / (400 · 81)) = 0.81 · 0.00067778
  // = 0.000549; sd 0.0234307; z 1.959964 → −0.1 ± 0.0459234.
  std::optional<RelativeDifference> rel = RelativeMeanDifference({100, 10.0, 4.0}, {400, 9.0, 9.0});
  ASSERT_TRUE(rel);
  EXPECT_NEAR(rel->value, -0.1, 1e-12);
  EXPECT_NEAR(rel->ci.lo, -0.1 - 1.959963984540054 * std::sqrt(0.81 * (4.0 / 10000 + 9.0 / 32400)), 1e-12);
  EXPECT_NEAR(rel->ci.hi, -0.1 + 0.0459234, 1e-6);
  EXPECT_FALSE(RelativeMeanDifference({100, 0.0, 4.0}, {400, 9.0, 9.0}));
}

}  // namespace
}  // namespace mltrack::analytics::stats
