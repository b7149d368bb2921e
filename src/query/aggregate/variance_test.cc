// var and stddev against exact two-pass references, including values around 1e9 with a small
// spread, where Σx² − (Σx)²/n loses every digit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "query/aggregate/stddev.h"
#include "query/aggregate/variance.h"

namespace mltrack::query::aggregate {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two passes in long double: the mean, then the squared deviations from it.
double TwoPassVariance(const std::vector<double>& values) {
  long double sum = 0;
  for (double value : values) sum += value;
  const long double mean = sum / static_cast<long double>(values.size());
  long double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return static_cast<double>(squares / static_cast<long double>(values.size() - 1));
}

// The textbook one-pass formula, to show what the data does to it.
double NaiveVariance(const std::vector<double>& values) {
  double sum = 0, squares = 0;
  for (double value : values) {
    sum += value;
    squares += value * value;
  }
  const double n = static_cast<double>(values.size());
  return (squares - sum * sum / n) / (n - 1);
}

// The same values through every path the executor takes: one value at a time; chunks of 2048
// with absent (NaN) values among them (the ungrouped scan); random parts, each fed either way,
// merged in a random order (blocks, threads, segments, cache entries).
std::vector<double> ThroughEveryPath(const std::vector<double>& values, std::mt19937_64& rng) {
  Variance::State one_by_one;
  for (double value : values) Variance::Update(one_by_one, value);

  Variance::State chunked;
  std::vector<double> with_gaps;
  for (double value : values) {
    with_gaps.push_back(value);
    if (rng() % 7 == 0) with_gaps.push_back(kNaN);
  }
  for (size_t begin = 0; begin < with_gaps.size(); begin += 2048) {
    Variance::UpdateMany(chunked, with_gaps.data() + begin, std::min<size_t>(2048, with_gaps.size() - begin));
  }

  std::vector<Variance::State> parts(1 + rng() % 9);
  for (size_t begin = 0; begin < values.size();) {
    const size_t count = std::min<size_t>(1 + rng() % 3000, values.size() - begin);
    Variance::State& part = parts[rng() % parts.size()];
    if (rng() % 2) {
      Variance::UpdateMany(part, values.data() + begin, count);
    } else {
      for (size_t idx = begin; idx < begin + count; ++idx) Variance::Update(part, values[idx]);
    }
    begin += count;
  }
  std::shuffle(parts.begin(), parts.end(), rng);
  Variance::State merged;
  for (const Variance::State& part : parts) Variance::Combine(merged, part);

  std::vector<double> results;
  for (const Variance::State* state : {&one_by_one, &chunked, &merged}) {
    EXPECT_EQ(state->count, values.size());
    results.push_back(*Variance::Finalize(*state));
  }
  return results;
}

TEST(VarianceTest, FewerThanTwoValuesIsNull) {
  Variance::State state;
  EXPECT_EQ(Variance::Finalize(state), std::nullopt);
  EXPECT_EQ(Stddev::Finalize(state), std::nullopt);
  Variance::Update(state, 5);
  EXPECT_EQ(Variance::Finalize(state), std::nullopt);
  Variance::Update(state, 7);
  EXPECT_DOUBLE_EQ(*Variance::Finalize(state), 2.0);  // mean 6, (1 + 1) / (2 − 1)
  EXPECT_DOUBLE_EQ(*Stddev::Finalize(state), std::sqrt(2.0));
  const double only_gaps[] = {kNaN, kNaN};
  Variance::State empty;
  Variance::UpdateMany(empty, only_gaps, 2);
  EXPECT_EQ(empty.count, 0u);
}

TEST(VarianceTest, KnownValues) {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, sample variance 32 / 7.
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  std::mt19937_64 rng(1);
  for (double result : ThroughEveryPath(values, rng)) EXPECT_DOUBLE_EQ(result, 32.0 / 7.0);
  Variance::State constant;
  Variance::AddConstant(constant, 3.5, 4);
  Variance::AddConstant(constant, 3.5, 0);
  EXPECT_EQ(constant.count, 4u);
  EXPECT_EQ(*Variance::Finalize(constant), 0.0);
  Variance::Update(constant, 8.5);  // 3.5 ×4, 8.5: mean 4.5, Σ = 4·1 + 16 = 20, /4
  EXPECT_DOUBLE_EQ(*Variance::Finalize(constant), 5.0);
}

// Values 1e9 + j/128 are exact doubles (a double near 1e9 has 23 fraction bits), so the exact
// variance is var(j) / 128², from integer sums. The textbook formula is off by orders of
// magnitude on the same data; every path here stays within 1e-12.
TEST(VarianceTest, LargeOffsetSmallSpreadIsExact) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const size_t n = 2 + rng() % 200'000;
    std::vector<double> values;
    __int128 sum = 0, squares = 0;
    for (size_t idx = 0; idx < n; ++idx) {
      const int64_t j = static_cast<int64_t>(rng() % 2000);
      values.push_back(1e9 + static_cast<double>(j) / 128.0);
      sum += j;
      squares += static_cast<__int128>(j) * j;
    }
    const __int128 numerator = static_cast<__int128>(n) * squares - sum * sum;  // n·Σj² − (Σj)²
    const double exact = static_cast<double>(static_cast<long double>(numerator) /
                                             (static_cast<long double>(n) * static_cast<long double>(n - 1)) /
                                             16384.0L);
    if (exact == 0) continue;
    for (double result : ThroughEveryPath(values, rng)) {
      EXPECT_NEAR(result, exact, exact * 1e-12) << "n " << n;
    }
    if (n > 1000) {
      EXPECT_GT(std::abs(NaiveVariance(values) - exact), exact * 1e-3) << "n " << n;
    }
  }
}

// General data (both signs, several magnitudes, a shifted first value) against the long double
// two-pass computation.
TEST(VarianceTest, MatchesTwoPassOnMixedData) {
  std::mt19937_64 rng(12);
  std::lognormal_distribution<double> lognormal(4.0, 2.0);
  std::normal_distribution<double> normal(-3e6, 0.25);
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<double> values;
    for (int idx = 0; idx < 50'000; ++idx) {
      double value = shape == 0 ? lognormal(rng) : shape == 1 ? normal(rng) : (rng() % 2 ? 1 : -1) * lognormal(rng);
      if (idx == 0) value = 1e7;  // an outlier becomes the shift of the first state
      values.push_back(value);
    }
    const double expected = TwoPassVariance(values);
    for (double result : ThroughEveryPath(values, rng)) {
      EXPECT_NEAR(result, expected, expected * 1e-11) << "shape " << shape;
    }
    Variance::State state;
    for (double value : values) Stddev::Update(state, value);
    EXPECT_NEAR(*Stddev::Finalize(state), std::sqrt(expected), std::sqrt(expected) * 1e-11);
  }
}

}  // namespace
}  // namespace mltrack::query::aggregate
