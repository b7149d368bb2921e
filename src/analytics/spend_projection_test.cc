#include "analytics/spend_projection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

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

TEST(SpendProjectionTest, EtsProjectsTheRestOfThePeriodByWeekday) {
  // A perfectly regular history: ETS's weekly season reproduces it. Spent 25; rest of Wednesday 10 × 0.5 = 5; Thursday and Friday 10 each; the weekend 2 each.
  SpendProjection projection = ProjectSpend(Week(40 * kUsd));
  EXPECT_EQ(projection.spent, 25 * kUsd);
  EXPECT_EQ(projection.projected, 54 * kUsd);
  EXPECT_EQ(projection.method, ProjectionMethod::kEts);
  // No one-step error in the history: no spread.
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

TEST(SpendProjectionTest, AOneOffSpikeBarelyMovesTheProjection) {
  ProjectionInput input = Week(40 * kUsd);
  input.history[0].cost = 1000 * kUsd;  // one Monday with a batch job, clipped to $15 first
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.method, ProjectionMethod::kEts);
  // The clipped day still starts ETS's weekly season (the first week initialises it): a little
  // error, against $1,000 unclipped.
  EXPECT_NEAR(static_cast<double>(projection.projected) / kUsd, 54.0, 2.0);
  EXPECT_LT(static_cast<double>(projection.high - projection.low) / kUsd, 10.0);
  // The same spike in the last week, once the season is learnt, moves it less.
  input = Week(40 * kUsd);
  input.history[21].cost = 1000 * kUsd;
  projection = ProjectSpend(input);
  EXPECT_NEAR(static_cast<double>(projection.projected) / kUsd, 54.0, 1.0);
}

TEST(SpendProjectionTest, ASustainedRiseMovesTheLevel) {
  ProjectionInput input = Week(40 * kUsd);
  for (size_t idx = 18; idx < input.history.size(); ++idx) input.history[idx].cost *= 2;  // the last 10 days
  SpendProjection projection = ProjectSpend(input);
  // Unchanged: 54. Fully at the new level: 25 + 2 × 29 = 83. The clip (≤ 1.5× a weekday's median)
  // and the smoothing keep it between.
  EXPECT_GT(static_cast<double>(projection.projected) / kUsd, 64.0);
  EXPECT_LT(static_cast<double>(projection.projected) / kUsd, 83.0);
  EXPECT_LE(projection.low, projection.projected);
  EXPECT_GE(projection.high, projection.projected);
}

// A known process: weekdays N(10, 2²), weekends N(2, 0.5²), independent. Over many seeds the
// projected week's 80 % interval holds the week's actual total about 80 % of the time, and the
// central projection is unbiased.
TEST(SpendProjectionTest, TheIntervalCoversAKnownProcessAtAboutItsNominalRate) {
  std::mt19937_64 rng(20261206);
  std::normal_distribution<double> noise(0.0, 1.0);
  auto draw = [&](int weekday) {
    const double usd = weekday >= 5 ? 2.0 + 0.5 * noise(rng) : 10.0 + 2.0 * noise(rng);
    return static_cast<NanoUsd>(std::max(0.0, usd) * kUsd);
  };
  const int trials = 400;
  int inside = 0;
  double bias = 0;
  for (int trial = 0; trial < trials; ++trial) {
    ProjectionInput input = Week(1000 * kUsd);
    for (DaySpend& day : input.history) day.cost = draw(day.weekday);
    for (DaySpend& day : input.period_days) day.cost = 0;
    input.today_index = 0;  // Monday morning: the whole week ahead
    input.today_elapsed = 0;
    SpendProjection projection = ProjectSpend(input);
    NanoUsd actual = 0;
    for (int weekday = 0; weekday < 7; ++weekday) actual += draw(weekday);
    inside += actual >= projection.low && actual <= projection.high;
    bias += static_cast<double>(projection.projected - actual) / kUsd / trials;
  }
  const double coverage = static_cast<double>(inside) / trials;
  EXPECT_GT(coverage, 0.70) << coverage;
  EXPECT_LT(coverage, 0.90) << coverage;
  EXPECT_NEAR(bias, 0.0, 1.0);  // the week totals $54 on average
}

TEST(SpendProjectionTest, TheDateBandBracketsTheCentralDate) {
  ProjectionInput input = Week(40 * kUsd);
  bool low = true;
  for (DaySpend& day : input.history) {
    if (day.weekday < 5) day.cost = (low ? 7 : 13) * kUsd, low = !low;
  }
  SpendProjection projection = ProjectSpend(input);
  ASSERT_TRUE(projection.exceeds_on_ms && projection.exceeds_earliest_ms);
  EXPECT_LE(*projection.exceeds_earliest_ms, *projection.exceeds_on_ms);
  if (projection.exceeds_latest_ms) EXPECT_GE(*projection.exceeds_latest_ms, *projection.exceeds_on_ms);
  EXPECT_LT(projection.low, projection.projected);
  EXPECT_GT(projection.high, projection.projected);
}

TEST(SpendProjectionTest, OneOrTwoHistoryDaysGiveTheirMeanRate) {
  ProjectionInput input = Week(1000 * kUsd);
  for (size_t idx = 0; idx + 2 < input.history.size(); ++idx) input.history[idx].cost = 0;
  input.history[26].cost = 4 * kUsd;
  input.history[27].cost = 8 * kUsd;
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.method, ProjectionMethod::kRunRate);
  EXPECT_EQ(projection.history_days, 2);
  // 25 spent + 6 × 0.5 for the rest of today + 4 days × 6.
  EXPECT_EQ(projection.projected, 52 * kUsd);
  EXPECT_EQ(projection.low, projection.high);
}

TEST(SpendProjectionTest, WithoutHistoryTodaysRateIsExtrapolated) {
  ProjectionInput input = Week(1000 * kUsd);
  input.history.clear();
  input.today_elapsed = 0.25;  // $5 in a quarter day: $20 a day
  SpendProjection projection = ProjectSpend(input);
  EXPECT_EQ(projection.history_days, 0);
  EXPECT_EQ(projection.method, ProjectionMethod::kTodayRate);
  // 25 spent + 15 for the rest of today + 4 days × 20.
  EXPECT_EQ(projection.projected, 120 * kUsd);
}

}  // namespace
}  // namespace mltrack::analytics
