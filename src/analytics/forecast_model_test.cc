#include "analytics/forecast_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mltrack::analytics {
namespace {

// A known process: a weekly pattern, a slow trend and Gaussian noise (σ = 6), seeded.
std::vector<double> WeeklyProcess(uint64_t seed, int days) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 6.0);
  const double weekly[7] = {20, 25, 22, 24, 18, -50, -59};
  std::vector<double> out;
  for (int day = 0; day < days; ++day) out.push_back(200.0 + 0.3 * day + weekly[day % 7] + noise(rng));
  return out;
}

TEST(ForecastModelTest, LearnsTheWeeklyShapeAndTrend) {
  std::vector<double> history = WeeklyProcess(1, 84);
  Result<Forecast> forecast = ForecastDaily(history, 14);
  ASSERT_TRUE(forecast.ok());
  EXPECT_EQ(forecast->fit.period, 7);
  ASSERT_EQ(forecast->points.size(), 14u);
  // Day 84 is weekday 0 of the pattern (+20), day 89 a weekend day (−50): about 70 apart.
  EXPECT_NEAR(forecast->points[0].value - forecast->points[5].value, 70.0, 15.0);
  EXPECT_NEAR(forecast->points[0].value, 200.0 + 0.3 * 84 + 20, 15.0);
  EXPECT_NEAR(forecast->fit.sigma, 6.0, 2.0);
  for (const ForecastPoint& point : forecast->points) {
    EXPECT_LE(point.lower_95, point.lower_80);
    EXPECT_LE(point.lower_80, point.value);
    EXPECT_LE(point.value, point.upper_80);
    EXPECT_LE(point.upper_80, point.upper_95);
  }
  // Intervals widen with the horizon.
  EXPECT_GT(forecast->points[13].upper_95 - forecast->points[13].lower_95,
            forecast->points[0].upper_95 - forecast->points[0].lower_95);
}

// The intervals cover the truth at about their nominal rate on the known process: 20 seeds ×
// 10 origins × 14 days.
TEST(ForecastModelTest, IntervalsCoverAtAboutTheirNominalRate) {
  double coverage_80 = 0, coverage_95 = 0, smape = 0;
  const int seeds = 20;
  for (int seed = 1; seed <= seeds; ++seed) {
    Backtest backtest = RollingOriginBacktest(WeeklyProcess(100 + seed, 140), 14, 10, 3, 56);
    ASSERT_EQ(backtest.origins, 10);
    coverage_80 += backtest.coverage_80 / seeds;
    coverage_95 += backtest.coverage_95 / seeds;
    smape += backtest.smape_pct / seeds;
  }
  EXPECT_NEAR(coverage_80, 0.80, 0.07);
  EXPECT_NEAR(coverage_95, 0.95, 0.04);
  EXPECT_LT(smape, 5.0);  // noise σ 6 on values around 200
}

TEST(ForecastModelTest, ShortHistoryHasNoSeasonAndTooShortIsAnError) {
  Result<Forecast> forecast = ForecastDaily({10, 12, 11, 13, 12}, 3);
  ASSERT_TRUE(forecast.ok());
  EXPECT_EQ(forecast->fit.period, 0);
  EXPECT_NEAR(forecast->points[0].value, 12.0, 2.0);
  Result<Forecast> too_short = ForecastDaily({1, 2}, 3);
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.status().details().at(0).field, "history");
}

TEST(ForecastModelTest, NonNegativeClampsBounds) {
  Result<Forecast> forecast = ForecastDaily({0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0}, 7);
  ASSERT_TRUE(forecast.ok());
  for (const ForecastPoint& point : forecast->points) EXPECT_GE(point.lower_95, 0.0);
}

}  // namespace
}  // namespace mltrack::analytics
