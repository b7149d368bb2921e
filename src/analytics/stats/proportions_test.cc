#include "analytics/stats/proportions.h"

#include <gtest/gtest.h>

namespace mltrack::analytics::stats {
namespace {

TEST(TwoProportionZTest, MatchesTheClosedForm) {
  // 48/80 vs 56/70: pooled 104/150; z = (0.8 − 0.6) / sqrt(p̄(1 − p̄)(1/80 + 1/70)) = 2.6501720,
  // p = 2Φ(−|z|) = 0.0080451 (by hand with Python's math.erfc; z² = 7.0234 is the X-squared R's
  // prop.test(c(56, 48), c(70, 80), correct = FALSE) prints).
  std::optional<ZTestResult> result = TwoProportionZTest({80, 48}, {70, 56});
  ASSERT_TRUE(result);
  EXPECT_NEAR(result->z, 2.6501719512585336, 1e-12);
  EXPECT_NEAR(result->p_value, 0.008045081368196568, 1e-12);
  std::optional<ZTestResult> none = TwoProportionZTest({10, 0}, {12, 0});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->p_value, 1.0);
  EXPECT_FALSE(TwoProportionZTest({0, 0}, {12, 3}));
}

TEST(FisherExactTest, MatchesRsFisherTest) {
  // R documentation, example(fisher.test), "A British woman claimed to be able to distinguish
  // whether milk or tea was added to the cup first": TeaTasting = [[3, 1], [1, 3]],
  // fisher.test(TeaTasting) → p-value = 0.4857 (two-sided).
  std::optional<double> tea = FisherExactPValue({4, 3}, {4, 1});
  ASSERT_TRUE(tea);
  EXPECT_NEAR(*tea, 0.4857, 5e-5);
  EXPECT_NEAR(*tea, 34.0 / 70.0, 1e-12);  // exactly (1 + 16 + 16 + 1) / C(8, 4)
  // Same page, Fisher (1962) convictions of like-sex twins of criminals: [[2, 10], [15, 3]].
  // R prints the one-sided p (0.0004652); the two-sided one, summed exactly in rationals in
  // Python (math.comb), is 0.000536724119143.
  std::optional<double> convictions = FisherExactPValue({12, 2}, {18, 15});
  ASSERT_TRUE(convictions);
  EXPECT_NEAR(*convictions, 0.0005367241191434358, 1e-15);
  // 0/20 vs 5/20, exactly in rationals: 0.0471240471.
  EXPECT_NEAR(*FisherExactPValue({20, 0}, {20, 5}), 0.04712404712404712, 1e-14);
  EXPECT_NEAR(*FisherExactPValue({20, 5}, {20, 0}), 0.04712404712404712, 1e-14);
  EXPECT_FALSE(FisherExactPValue({0, 0}, {20, 5}));
}

TEST(CompareProportionsTest, FisherWhenAnExpectedCountIsBelowFive) {
  // 0/20 vs 5/20: expected successes per side 2.5 < 5.
  EXPECT_TRUE(NeedsExactTest({20, 0}, {20, 5}));
  std::optional<ProportionTest> small = CompareProportions({20, 0}, {20, 5});
  ASSERT_TRUE(small);
  EXPECT_EQ(small->test, "fisher_exact");
  // 48/80 vs 56/70: every expected count is at least 21.
  EXPECT_FALSE(NeedsExactTest({80, 48}, {70, 56}));
  std::optional<ProportionTest> large = CompareProportions({80, 48}, {70, 56});
  ASSERT_TRUE(large);
  EXPECT_EQ(large->test, "two_proportion_z");
  EXPECT_NEAR(large->p_value, 0.008045081368196568, 1e-12);
  // Rare errors over many calls: 3 of 10,000 vs 9 of 10,000 → expected 6 each, z-test; 1 vs 4 → Fisher.
  EXPECT_FALSE(NeedsExactTest({10'000, 3}, {10'000, 9}));
  EXPECT_TRUE(NeedsExactTest({10'000, 1}, {10'000, 4}));
}

}  // namespace
}  // namespace mltrack::analytics::stats
