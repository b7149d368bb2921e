#include "analytics/anomaly_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
// Three weeks of history before the judged buckets (the endpoint loads four): the weekly model
// needs two weeks and a day, and before it the first weekends are news to any detector.
constexpr size_t kHistory = 21 * 24;

// 35 days of hourly buckets: a daily wave, quiet weekends and Gaussian noise (σ = 4), seeded.
std::vector<std::optional<double>> SeasonalNoise(uint64_t seed, size_t hours = 35 * 24) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 4.0);
  std::vector<std::optional<double>> values(hours);
  for (size_t hour = 0; hour < hours; ++hour) {
    const double day_phase = 2.0 * M_PI * static_cast<double>(hour % 24) / 24.0;
    const bool weekend = (hour / 24) % 7 >= 5;
    values[hour] = (weekend ? 150.0 : 200.0) + 40.0 * std::sin(day_phase) + noise(rng);
  }
  return values;
}

std::set<size_t> Reported(const std::vector<JudgedBucket>& judged) {
  std::set<size_t> out;
  for (size_t idx = 0; idx < judged.size(); ++idx) {
    if (judged[idx].reported) out.insert(idx);
  }
  return out;
}

// Spikes and drops of 15σ to 28σ of the noise planted in five seeded series: recall ≥ 0.9 and precision ≥ 0.9.
TEST(AnomalyDetectorTest, FindsPlantedSpikesAndDropsInSeasonalNoise) {
  int planted_total = 0, found = 0, reported_total = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    std::vector<std::optional<double>> values = SeasonalNoise(seed);
    std::mt19937_64 rng(seed * 7919);
    std::set<size_t> planted;
    for (size_t at = kHistory + rng() % 24; at < values.size(); at += 40 + rng() % 30) {
      const double size = 4.0 * (15.0 + static_cast<double>(rng() % 14));
      *values[at] += (rng() % 2 == 0) ? size : -size;
      planted.insert(at);
    }
    std::set<size_t> reported = Reported(JudgeSeries(values, kHourMs, kHistory, DetectorParams{}));
    planted_total += static_cast<int>(planted.size());
    reported_total += static_cast<int>(reported.size());
    for (size_t at : planted) found += reported.count(at) ? 1 : 0;
  }
  const double recall = static_cast<double>(found) / planted_total;
  const double precision = static_cast<double>(found) / reported_total;
  EXPECT_GE(recall, 0.9) << found << " of " << planted_total;
  EXPECT_GE(precision, 0.9) << found << " of " << reported_total << " reports";
}

TEST(AnomalyDetectorTest, CleanSeasonalNoiseRaisesAlmostNothing) {
  int reported = 0;
  for (uint64_t seed = 11; seed <= 15; ++seed) {
    reported += static_cast<int>(Reported(JudgeSeries(SeasonalNoise(seed), kHourMs, kHistory, DetectorParams{})).size());
  }
  EXPECT_LE(reported, 2) << "false alarms in 5 × 336 clean buckets";
}

TEST(AnomalyDetectorTest, LearnsTheDailyShapeInsteadOfAlarmingEveryAfternoon) {
  std::vector<JudgedBucket> judged = JudgeSeries(SeasonalNoise(3), kHourMs, 0, DetectorParams{});
  EXPECT_EQ(judged.back().seasonality, Seasonality::kWeekly);
  // The band follows the wave: the expected value at the daily peak is far above the trough's.
  const size_t peak = 30 * 24 + 6, trough = 30 * 24 + 18;
  EXPECT_GT(*judged[peak].expected - *judged[trough].expected, 50.0);
}

TEST(AnomalyDetectorTest, AnAnomalyInTheHistoryDoesNotHideTheNextOne) {
  std::vector<std::optional<double>> values = SeasonalNoise(4);
  // The same spike on the same hour of three consecutive weeks, and on the next day.
  const std::vector<size_t> spikes = {21 * 24 + 14, 22 * 24 + 14, 28 * 24 + 14, 29 * 24 + 14};
  for (size_t at : spikes) *values[at] += 120.0;
  std::set<size_t> reported = Reported(JudgeSeries(values, kHourMs, kHistory, DetectorParams{}));
  for (size_t at : spikes) EXPECT_TRUE(reported.count(at)) << "spike at bucket " << at;
  // The day after a spike, the same hour is not reported as a drop.
  EXPECT_FALSE(reported.count(23 * 24 + 14));
}

// Documented in docs/analytics/anomalies.md: a sustained level shift is reported once and stops
// being above the threshold within level_window / 2 + 1 buckets.
TEST(AnomalyDetectorTest, ALevelShiftIsReportedOnceAndThenRelearnt) {
  for (double shift : {150.0, -70.0}) {
    std::vector<std::optional<double>> values = SeasonalNoise(5);
    const size_t shift_at = 22 * 24 + 9;  // a Tuesday morning
    for (size_t at = shift_at; at < values.size(); ++at) *values[at] += shift;
    DetectorParams params;
    std::vector<JudgedBucket> judged = JudgeSeries(values, kHourMs, kHistory, params);
    EXPECT_TRUE(judged[shift_at].reported) << shift;
    const size_t settled = shift_at + static_cast<size_t>(params.level_window / 2 + 1);
    for (size_t at = settled; at < values.size(); ++at) {
      EXPECT_FALSE(judged[at].above_threshold) << "shift " << shift << " still alarming at +" << at - shift_at;
    }
    EXPECT_EQ(Reported(judged).size(), 1u) << shift;
  }
}

TEST(AnomalyDetectorTest, IsCausalAndSkipsGaps) {
  std::vector<std::optional<double>> values = SeasonalNoise(6);
  for (size_t at = 200; at < 260; ++at) values[at].reset();  // a 60-hour outage of the data
  std::vector<JudgedBucket> before = JudgeSeries(values, kHourMs, 0, DetectorParams{});
  std::vector<std::optional<double>> changed = values;
  for (size_t at = 500; at < changed.size(); ++at) changed[at] = 1e6;
  std::vector<JudgedBucket> after = JudgeSeries(changed, kHourMs, 0, DetectorParams{});
  for (size_t at = 0; at < 500; ++at) {
    EXPECT_EQ(before[at].expected, after[at].expected) << at;
    EXPECT_EQ(before[at].reported, after[at].reported) << at;
  }
  for (size_t at = 200; at < 260; ++at) EXPECT_FALSE(before[at].score.has_value());
  EXPECT_TRUE(after[500].reported);
}

TEST(AnomalyDetectorTest, SparseCountsDoNotAlarmOnEveryExtraCall) {
  std::mt19937_64 rng(9);
  std::poisson_distribution<int> calls(0.4);
  std::vector<std::optional<double>> values(30 * 24);
  for (auto& value : values) value = calls(rng);
  DetectorParams params;
  params.counts = true;
  EXPECT_LE(Reported(JudgeSeries(values, kHourMs, 0, params)).size(), 1u);
  values[600] = 40;  // a burst of calls is still found
  EXPECT_TRUE(JudgeSeries(values, kHourMs, 0, params)[600].reported);
}

// An error rate over hours of few calls: one failed call among 3 to 8 (12 % to 33 %) is binomial
// noise, not an anomaly; once the hours are busy (200 calls at 1 %, and the spread learnt in the
// sparse days has faded), 30 % of 200 calls is one.
TEST(AnomalyDetectorTest, ARateOfFewCallsDoesNotAlarmOnOneFailedCall) {
  std::mt19937_64 rng(11);
  std::vector<std::optional<double>> rates(30 * 24);
  std::vector<double> calls(rates.size());
  for (size_t hour = 0; hour < rates.size(); ++hour) {
    calls[hour] = static_cast<double>(3 + rng() % 6);
    rates[hour] = (rng() % 10 == 0) ? 1.0 / calls[hour] : 0.0;
  }
  DetectorParams params;
  EXPECT_TRUE(Reported(JudgeSeries(rates, kHourMs, 0, params, calls)).empty());
  EXPECT_FALSE(Reported(JudgeSeries(rates, kHourMs, 0, params)).empty());  // without the calls it would
  for (size_t hour = 300; hour < rates.size(); ++hour) {
    calls[hour] = 200;
    rates[hour] = 0.01;
  }
  rates[650] = 0.30;
  EXPECT_EQ(Reported(JudgeSeries(rates, kHourMs, 0, params, calls)), std::set<size_t>{650});
}

// The demo's provider incident as the Performance page saw it for a demo started at about
// 21:00–24:00 UTC (commit fece69c): hourly error rates of a busy day (900 calls an hour at 1.5 %)
// and quiet nights (30 calls, where one client's burst of failed copies makes 10 % and more), and
// two hours at 14:00 of 8 % of 900 calls. One spread for every hour, learnt mostly from the noisy
// nights, put that 8 % just under the threshold; learnt in units of each hour's binomial error,
// the nights' noise no longer widens the afternoon's band.
TEST(AnomalyDetectorTest, ABusyHourRateIsNotHiddenByTheNoiseOfQuietHours) {
  std::mt19937_64 rng(5);
  std::vector<std::optional<double>> rates(35 * 24);
  std::vector<double> calls(rates.size());
  const size_t incident = 30 * 24 + 14;
  for (size_t hour = 0; hour < rates.size(); ++hour) {
    const size_t hour_of_day = hour % 24;
    calls[hour] = hour_of_day >= 8 && hour_of_day < 20 ? 900.0 : 30.0;
    std::binomial_distribution<int> errors(static_cast<int>(calls[hour]), 0.015);
    double failed = errors(rng);
    if (calls[hour] < 100 && rng() % 4 == 0) failed += 3.0 + static_cast<double>(rng() % 3);  // a retry burst
    if (hour == incident || hour == incident + 1) failed = 0.08 * calls[hour];
    rates[hour] = failed / calls[hour];
  }
  const std::set<size_t> found = Reported(JudgeSeries(rates, kHourMs, kHistory, DetectorParams{}, calls));
  EXPECT_TRUE(found.contains(incident)) << found.size() << " others";
  EXPECT_LE(found.size(), 2u);  // the incident and at most one burst of a quiet hour
}

TEST(AnomalyDetectorTest, HistoryBeforeFirstJudgedIsNeverReported) {
  std::vector<std::optional<double>> values = SeasonalNoise(7);
  *values[100] += 200.0;
  *values[700] += 200.0;
  std::set<size_t> reported = Reported(JudgeSeries(values, kHourMs, 300, DetectorParams{}));
  EXPECT_FALSE(reported.count(100));
  EXPECT_TRUE(reported.count(700));
}

}  // namespace
}  // namespace mltrack::analytics
