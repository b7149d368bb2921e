#include "analytics/stats/power.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analytics/stats/holm.h"

namespace mltrack::analytics::stats {
namespace {

TEST(PowerTest, MdeFactorIsTheSumOfTheNormalQuantiles) {
  // z_0.975 = 1.959963985, z_0.8 = 0.841621234 (any normal table).
  EXPECT_NEAR(MdeFactor(), 1.959963984540054 + 0.8416212335729143, 1e-12);
}

TEST(PowerTest, MeansAgreeWithTheTextbookSampleSize) {
  // Cohen (1988), ch. 2: a medium effect d = 0.5 at α = 0.05 two-sided and power 0.8 needs
  // n = 2(z_{.975} + z_{.8})² / d² = 62.8 → 63 per group under the normal approximation (Cohen's
  // t-based table says 64). So with 63 per group and σ = 1 the MDE is just below 0.5:
  // 2.8015852 · sqrt(2 / 63) = 0.4991701.
  std::optional<double> mde = MinimumDetectableDifference({63, 0.0, 1.0}, {63, 0.0, 1.0});
  ASSERT_TRUE(mde);
  EXPECT_NEAR(*mde, 0.4991700964775746, 1e-12);
  EXPECT_FALSE(MinimumDetectableDifference({1, 0.0, 1.0}, {63, 0.0, 1.0}));
}

TEST(PowerTest, ProportionsUseThePooledRate) {
  // 100 of 10,000 vs 120 of 10,000: p̄ = 0.011; MDE = 2.8015852 · sqrt(0.011 · 0.989 · 2 / 10,000).
  std::optional<double> mde = MinimumDetectableRateDifference({10'000, 100}, {10'000, 120});
  ASSERT_TRUE(mde);
  EXPECT_NEAR(*mde, MdeFactor() * std::sqrt(0.011 * 0.989 * 2.0 / 10'000), 1e-15);
  EXPECT_NEAR(*mde, 0.0041325, 1e-7);
  EXPECT_FALSE(MinimumDetectableRateDifference({0, 0}, {10, 1}));
}

TEST(HolmTest, AdjustsStepDownAndKeepsTheInputOrder) {
  // By hand: sorted 0.01, 0.02, 0.03, 0.04, 0.05 → ×5, ×4, ×3, ×2, ×1 = 0.05, 0.08, 0.09, 0.08,
  // 0.05, then the running maximum: 0.05, 0.08, 0.09, 0.09, 0.09 (as R's p.adjust(.., "holm")).
  std::vector<std::optional<double>> adjusted = HolmAdjust({0.04, 0.01, std::nullopt, 0.05, 0.03, 0.02});
  ASSERT_EQ(adjusted.size(), 6u);
  EXPECT_NEAR(*adjusted[0], 0.09, 1e-15);
  EXPECT_NEAR(*adjusted[1], 0.05, 1e-15);
  EXPECT_FALSE(adjusted[2]);
  EXPECT_NEAR(*adjusted[3], 0.09, 1e-15);
  EXPECT_NEAR(*adjusted[4], 0.09, 1e-15);
  EXPECT_NEAR(*adjusted[5], 0.08, 1e-15);
  EXPECT_EQ(*HolmAdjust({0.6, 0.7})[1], 1.0);  // capped at 1
}

}  // namespace
}  // namespace mltrack::analytics::stats
