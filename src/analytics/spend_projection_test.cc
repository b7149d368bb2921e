#include "analytics/spend_projection.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr NanoUsd kUsd = kNanoPerUsd;

// 28 history days ending the day before Monday `week_start`: weekdays cost $10, weekends $2.
std::vector<DaySpend> History(int64_t week_start) {
  std::vector<DaySpend> days;
  for (int day = 28; day >= 1; --day) {
    const int weekday = ((-day % 7) + 7) % 7;  // week_start is a Monday (0)
    days.push_back({week_start - day * kDayMs, weekday, (weekday >= 5 ? 2 : 10) * kUsd});
  }
  return days;
}

// A week from Monday; today is Wednesday, half over, with $5 spent so far today.
ProjectionInput Week(NanoUsd amount) {
  const int64_t start = 1'767'571'200'000;  // Monday 2026-01-05
  ProjectionInput input;
  input.amount = amount;
  for (int day = 0; day < 7; ++day) input.period_days.push_back({start + day * kDayMs, day, 0});
  input.period_days[0].cost = 10 * kUsd;
  input.period_days[1].cost = 10 * kUsd;
  input.period_days[2].cost = 5 * kUsd;
  input.today_index = 2;
  input.today_elapsed = 0.5;
  input.history = History(start);
  return input;
}

TEST(SpendProjectionTest, WeekdayRatesProjectTheRestOfThePeriod) {
  // Spent 25; rest of Wednesday 10 × 0.5 = 5; Thursday and Friday 10 each; the weekend 2 each.
  SpendProjection projection = ProjectSpend(Week(40 * kUsd));
  EXPECT_EQ(projection.spent, 25 * kUsd);
  EXPECT_EQ(projection.projected, 54 * kUsd);
  // Every history day equals its weekday's median: no spread.
  EXPECT_EQ(projection.low, 54 * kUsd);
  EXPECT_EQ(projection.high, 54 * kUsd);
  EXPECT_EQ(projection.history_days, 28);
  // Cumulative: Mon 10, Tue 20, Wed 30, Thu 40 = the amount.
  ASSERT_TRUE(projection.exceeds_on_ms.has_value());
  EXPECT_EQ(*projection.exceeds_on_ms, 1'767'571'200'000 + 3 * kDayMs);
  EXPECT_FALSE(ProjectSpend(Week(100 * kUsd)).exceeds_on_ms.has_value());
}

TEST(SpendProjectionTest, AnAmountAlreadyReachedGivesThePastDay) {
  SpendProjection projection = ProjectSpend(Week(15 * kUsd));
  EXPECT_EQ(*projection.exceeds_on_ms, 1'767'571'200'000 + kDayMs);  // Tuesday: 20 ≥ 15
}

TEST(SpendProjectionTest, AOneOffSpikeMovesNeitherTheExpectationNorTheInterval) {
  ProjectionInput input = Week(40 * kUsd);
  input.history[0].cost = 1000 * kUsd;  // one Tuesday with a batch job
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.projected, 54 * kUsd);
  EXPECT_EQ(projection.high, 54 * kUsd);
}

TEST(SpendProjectionTest, NoisyHistoryWidensTheIntervalAroundTheProjection) {
  ProjectionInput input = Week(40 * kUsd);
  // Weekdays alternate 8 and 12 (median 10, relative deviation 0.2); weekends stay 2.
  bool low = true;
  for (DaySpend& day : input.history) {
    if (day.weekday < 5) day.cost = (low ? 8 : 12) * kUsd, low = !low;
  }
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.projected, 54 * kUsd);
  // Median relative deviation over all 28 days: 20 weekday values at 0.2, 8 weekend at 0 → 0.2;
  // σ per weekday = 1.4826 × 0.2 × 10 = 2.9652 (weekend 0.59304); remaining: half of Wednesday,
  // Thursday, Friday, Saturday, Sunday → variance = (0.5 × 2.9652)² + 2 × 2.9652² + 2 × 0.59304².
  const double sigma = std::sqrt(0.25 * 2.9652 * 2.9652 + 2 * 2.9652 * 2.9652 + 2 * 0.59304 * 0.59304);
  EXPECT_NEAR(static_cast<double>(projection.high - projection.projected) / kUsd, 1.2815515655446004 * sigma, 1e-6);
  EXPECT_NEAR(static_cast<double>(projection.projected - projection.low) / kUsd, 1.2815515655446004 * sigma, 1e-6);
}

TEST(SpendProjectionTest, WithoutHistoryTodaysRateIsExtrapolated) {
  ProjectionInput input = Week(1000 * kUsd);
  input.history.clear();
  input.today_elapsed = 0.25;  // $5 in a quarter day: $20 a day
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.history_days, 0);
  // 25 spent + 15 for the rest of today + 4 days × 20.
  EXPECT_EQ(projection.projected, 120 * kUsd);
}

}  // namespace
}  // namespace mltrack::analytics
