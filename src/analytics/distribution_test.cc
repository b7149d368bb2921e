#include "analytics/distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace mltrack::analytics {
namespace {

// numpy's default percentile (linear interpolation), written out here on purpose.
double Percentile(std::vector<double> values, double level) {
  std::sort(values.begin(), values.end());
  const double h = level / 100.0 * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(h));
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (h - static_cast<double>(low)) * (values[high] - values[low]);
}

std::vector<std::optional<double>> LevelsOf(const std::vector<double>& values) {
  std::vector<std::optional<double>> out;
  for (double level : DistributionLevels()) out.push_back(Percentile(values, level));
  return out;
}

TEST(DistributionTest, LevelsAreAscendingAndHoldTheBoxAndTheGrid) {
  std::span<const double> levels = DistributionLevels();
  EXPECT_TRUE(std::is_sorted(levels.begin(), levels.end()));
  EXPECT_EQ(std::adjacent_find(levels.begin(), levels.end()), levels.end());
  for (double wanted : {0.0, 2.5, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 100.0}) {
    EXPECT_NE(std::find(levels.begin(), levels.end(), wanted), levels.end()) << wanted;
  }
}

// 0, 1, ..., 100: the percentile at level L is L. Box 25/50/75, fences −50 and 150 clipped to
// the extremes, no outliers, forty bars of 2.5 each holding 2.5 % of the values.
TEST(DistributionTest, UniformValuesGiveTheTextbookBox) {
  std::vector<double> values(101);
  std::iota(values.begin(), values.end(), 0.0);
  std::optional<BoxViolin> box = BoxViolinFromPercentiles(LevelsOf(values));
  ASSERT_TRUE(box);
  EXPECT_DOUBLE_EQ(box->min, 0);
  EXPECT_DOUBLE_EQ(box->q1, 25);
  EXPECT_DOUBLE_EQ(box->median, 50);
  EXPECT_DOUBLE_EQ(box->q3, 75);
  EXPECT_DOUBLE_EQ(box->max, 100);
  EXPECT_DOUBLE_EQ(box->whisker_low, 0);
  EXPECT_DOUBLE_EQ(box->whisker_high, 100);
  EXPECT_TRUE(box->outliers.empty());
  ASSERT_EQ(box->density.size(), 40u);
  for (const DensityBin& bin : box->density) {
    EXPECT_NEAR(bin.hi - bin.lo, 2.5, 1e-9);
    EXPECT_NEAR(bin.share, 0.025, 1e-12);
  }
}

// A long tail: whiskers at the fences, tail levels beyond them are the outliers (max included),
// and the density covers exactly the whisker span with the share that lies inside it.
TEST(DistributionTest, TailBeyondTheFenceIsSampledAsOutliers) {
  std::vector<double> values;
  for (int idx = 0; idx < 1000; ++idx) values.push_back(100 + idx % 100);  // 100..199
  for (int idx = 0; idx < 30; ++idx) values.push_back(1000 + idx * 100);   // 1000..3900
  std::optional<BoxViolin> box = BoxViolinFromPercentiles(LevelsOf(values));
  ASSERT_TRUE(box);
  const double q1 = Percentile(values, 25), q3 = Percentile(values, 75);
  EXPECT_DOUBLE_EQ(box->q1, q1);
  EXPECT_DOUBLE_EQ(box->q3, q3);
  EXPECT_DOUBLE_EQ(box->whisker_high, q3 + 1.5 * (q3 - q1));
  EXPECT_DOUBLE_EQ(box->whisker_low, 100);  // the fence is below the minimum
  ASSERT_FALSE(box->outliers.empty());
  EXPECT_DOUBLE_EQ(box->outliers.back(), 3900);
  for (double outlier : box->outliers) EXPECT_GT(outlier, box->whisker_high);
  EXPECT_TRUE(std::is_sorted(box->outliers.begin(), box->outliers.end()));
  EXPECT_DOUBLE_EQ(box->density.front().lo, box->whisker_low);
  EXPECT_DOUBLE_EQ(box->density.back().hi, box->whisker_high);
  double share = 0;
  for (const DensityBin& bin : box->density) share += bin.share;
  // Between the whiskers lie the values up to ~199: 1000 of 1030, up to one grid step.
  EXPECT_NEAR(share, 1000.0 / 1030.0, 0.025);
}

// Half the values equal: zero-width intervals merge into one narrow, tall bar instead of
// dividing by zero; no bar is narrower than 1/400 of the whisker span.
TEST(DistributionTest, RepeatedValuesMergeIntoOneBar) {
  std::vector<double> values(500, 50.0);
  for (int idx = 0; idx < 500; ++idx) values.push_back(idx * 0.2);
  std::optional<BoxViolin> box = BoxViolinFromPercentiles(LevelsOf(values));
  ASSERT_TRUE(box);
  const double span = box->whisker_high - box->whisker_low;
  double share = 0, widest_share = 0;
  for (const DensityBin& bin : box->density) {
    EXPECT_GE(bin.hi - bin.lo, span / 400 - 1e-12);
    share += bin.share;
    widest_share = std::max(widest_share, bin.share);
  }
  // The box is the spike: q1 = 49.95, q3 = 50, so only the 501 values of 50 lie between the
  // whiskers (49.875 and 50.075), up to the share of one grid step.
  EXPECT_NEAR(share, 0.501, 0.025);
  EXPECT_GE(widest_share, 0.45);
}

TEST(DistributionTest, AllEqualValuesAndMissingLevels) {
  std::optional<BoxViolin> box = BoxViolinFromPercentiles(LevelsOf({7.0, 7.0, 7.0}));
  ASSERT_TRUE(box);
  EXPECT_DOUBLE_EQ(box->whisker_low, 7);
  EXPECT_DOUBLE_EQ(box->whisker_high, 7);
  ASSERT_EQ(box->density.size(), 1u);
  EXPECT_DOUBLE_EQ(box->density[0].share, 1.0);

  std::vector<std::optional<double>> missing(DistributionLevels().size());
  EXPECT_FALSE(BoxViolinFromPercentiles(missing));
  EXPECT_FALSE(BoxViolinFromPercentiles(std::vector<std::optional<double>>(3, 1.0)));
}

}  // namespace
}  // namespace mltrack::analytics
