#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_set>
#include <vector>

#include "query/aggregate/avg.h"
#include "query/aggregate/count.h"
#include "query/aggregate/days.h"
#include "query/aggregate/max.h"
#include "query/aggregate/min.h"
#include "query/aggregate/quantile.h"
#include "query/aggregate/rate.h"
#include "query/aggregate/sum.h"
#include "query/aggregate/uniq.h"

namespace mltrack::query::aggregate {
namespace {

TEST(CountTest, UpdateCombineFinalize) {
  Count::State left, right;
  Count::Update(left);
  Count::Update(left);
  Count::UpdateMany(right, 5);
  EXPECT_EQ(Count::Finalize(left), 2);
  Count::Combine(left, right);
  EXPECT_EQ(Count::Finalize(left), 7);
  EXPECT_EQ(Count::Finalize(Count::State{}), 0);
}

TEST(SumTest, IntegerSumsAreExact) {
  Sum<int64_t>::State left, right;
  // 0.1 USD + 0.2 USD in nano-USD: exact, unlike 0.1 + 0.2 in double.
  Sum<int64_t>::Update(left, 100'000'000);
  Sum<int64_t>::Update(right, 200'000'000);
  Sum<int64_t>::Combine(left, right);
  EXPECT_EQ(Sum<int64_t>::Finalize(left), 300'000'000);
  EXPECT_EQ(Sum<int64_t>::Finalize(Sum<int64_t>::State{}), 0);
}

TEST(SumTest, DoubleSum) {
  Sum<double>::State state;
  Sum<double>::Update(state, 1.5);
  Sum<double>::Update(state, 2.25);
  EXPECT_DOUBLE_EQ(Sum<double>::Finalize(state).sum, 3.75);
  // Past a double's range the total spills into long double instead of becoming inf.
  Sum<double>::State huge;
  Sum<double>::Update(huge, 1.7e308);
  Sum<double>::Update(huge, 1.7e308);
  Sum<double>::Update(huge, -1.7e308);
  EXPECT_TRUE(Sum<double>::Finalize(huge).spilled());
  EXPECT_DOUBLE_EQ(static_cast<double>(static_cast<long double>(Sum<double>::Finalize(huge))), 1.7e308);
  Avg<double>::State mean;
  Avg<double>::Update(mean, 1.7e308);
  Avg<double>::Update(mean, 1.7e308);
  EXPECT_DOUBLE_EQ(*Avg<double>::Finalize(mean), 1.7e308);
  // Integer sums add in 128 bits.
  Sum<int64_t>::State wide;
  for (int idx = 0; idx < 3; ++idx) Sum<int64_t>::Update(wide, INT64_MAX);
  EXPECT_TRUE(Sum<int64_t>::Finalize(wide) == static_cast<__int128>(INT64_MAX) * 3);
}

TEST(AvgTest, EmptyIsNullAndCombineWeighsByCount) {
  Avg<double>::State left, right;
  EXPECT_EQ(Avg<double>::Finalize(left), std::nullopt);
  Avg<double>::Update(left, 1);
  Avg<double>::Update(right, 2);
  Avg<double>::Update(right, 3);
  Avg<double>::Combine(left, right);
  EXPECT_DOUBLE_EQ(*Avg<double>::Finalize(left), 2.0);
  Avg<int64_t>::State ints;
  Avg<int64_t>::Update(ints, 1);
  Avg<int64_t>::Update(ints, 2);
  EXPECT_DOUBLE_EQ(*Avg<int64_t>::Finalize(ints), 1.5);
}

TEST(MinMaxTest, EmptyIsNullAndCombineKeepsExtremes) {
  Min<int64_t>::State min_left, min_right;
  Max<int64_t>::State max_left, max_right;
  EXPECT_EQ(Min<int64_t>::Finalize(min_left), std::nullopt);
  EXPECT_EQ(Max<int64_t>::Finalize(max_left), std::nullopt);
  for (int64_t value : {5, -3, 9}) {
    Min<int64_t>::Update(min_left, value);
    Max<int64_t>::Update(max_left, value);
  }
  for (int64_t value : {-7, 4}) {
    Min<int64_t>::Update(min_right, value);
    Max<int64_t>::Update(max_right, value);
  }
  Min<int64_t>::Combine(min_left, min_right);
  Max<int64_t>::Combine(max_left, max_right);
  EXPECT_EQ(Min<int64_t>::Finalize(min_left), -7);
  EXPECT_EQ(Max<int64_t>::Finalize(max_left), 9);
  // Combining an empty state changes nothing (and does not inject a default 0).
  Min<int64_t>::Combine(min_left, Min<int64_t>::State{});
  Max<int64_t>::State negative;
  Max<int64_t>::Update(negative, -2);
  Max<int64_t>::Combine(negative, Max<int64_t>::State{});
  EXPECT_EQ(Max<int64_t>::Finalize(negative), -2);
}

TEST(RateTest, ShareOfEventsWhereItHolds) {
  Rate::State left, right;
  EXPECT_EQ(Rate::Finalize(left), std::nullopt);
  Rate::Update(left, true);
  Rate::Update(left, false);
  Rate::Update(right, false);
  Rate::Update(right, false);
  Rate::Combine(left, right);
  EXPECT_DOUBLE_EQ(*Rate::Finalize(left), 0.25);
}

TEST(UniqTest, CountsDistinctAcrossCombine) {
  Uniq::State left, right;
  EXPECT_EQ(Uniq::Finalize(left), 0);
  for (uint64_t value : {1, 2, 2, 3}) Uniq::Update(left, value);
  for (uint64_t value : {3, 4}) Uniq::Update(right, value);
  Uniq::Combine(left, right);
  EXPECT_EQ(Uniq::Finalize(left), 4);
}

// numpy.percentile(values, p) with the default method="linear", written out independently.
double NumpyLinear(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  size_t below = static_cast<size_t>(rank);
  size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

TEST(QuantileTest, KnownValues) {
  Quantile::State state;
  for (double value : {1.0, 2.0, 3.0, 4.0}) Quantile::Update(state, value);
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(state, 50), 2.5);   // numpy: 2.5
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(state, 0), 1.0);
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(state, 100), 4.0);
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(state, 90), 3.7);   // numpy: 3.7
  Quantile::State single;
  Quantile::Update(single, 42);
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(single, 99.9), 42);
  Quantile::State empty;
  EXPECT_EQ(Quantile::Finalize(empty, 50), std::nullopt);
}

TEST(QuantileTest, MatchesLinearInterpolationOnRandomDataAfterCombine) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(6.0, 1.0);
  std::vector<double> all;
  Quantile::State left, right;
  for (int idx = 0; idx < 1001; ++idx) {  // ≤ kExactLimit: the exact path
    double value = latency(rng);
    all.push_back(value);
    Quantile::Update(idx % 3 ? left : right, value);
  }
  Quantile::Combine(left, right);
  for (double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    double expected = NumpyLinear(all, p);
    EXPECT_NEAR(*Quantile::Finalize(left, p), expected, std::abs(expected) * 1e-12) << "p" << p;
  }
}

TEST(QuantileTest, SmallGroupsStayExactAndLargeOnesSketch) {
  Quantile::State state;
  for (size_t idx = 0; idx < Quantile::kExactLimit; ++idx) Quantile::Update(state, static_cast<double>(idx));
  EXPECT_FALSE(state.sketched);
  EXPECT_DOUBLE_EQ(*Quantile::Finalize(state, 50), (Quantile::kExactLimit - 1) / 2.0);
  Quantile::Update(state, 5000);
  EXPECT_TRUE(state.sketched);
  EXPECT_TRUE(state.values.empty());
  EXPECT_EQ(*Quantile::Finalize(state, 0), 0);      // exact extremes
  EXPECT_EQ(*Quantile::Finalize(state, 100), 5000);
}

// Every percentile of sketched states is within α = 2^-8 of numpy's, after Combine of exact and
// sketched partial states, for positive data, data with zeros and data of both signs.
TEST(QuantileTest, SketchWithinRelativeErrorOfLinearInterpolation) {
  std::mt19937_64 rng(17);
  std::lognormal_distribution<double> lognormal(3.0, 2.0);
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<double> all;
    Quantile::State parts[3];
    for (int idx = 0; idx < 200'000; ++idx) {
      double value = lognormal(rng);
      if (shape == 1 && idx % 5 == 0) value = 0;
      if (shape == 2 && idx % 2 == 0) value = -value;
      all.push_back(value);
      // The third part stays small (exact) and is combined into a sketched one.
      Quantile::Update(parts[idx % 1000 == 0 ? 2 : idx % 2], value);
    }
    EXPECT_FALSE(parts[2].sketched);
    Quantile::Combine(parts[0], parts[2]);
    Quantile::Combine(parts[0], parts[1]);
    std::sort(all.begin(), all.end());
    for (double p : {0.0, 0.1, 1.0, 5.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 100.0}) {
      const double exact = NumpyLinear(all, p);
      const double estimate = *Quantile::Finalize(parts[0], p);
      // The documented bound: α relative to the larger neighbour's magnitude (= α·|exact| when
      // both neighbours have one sign, which the first two shapes always do).
      const size_t below = static_cast<size_t>(p / 100.0 * static_cast<double>(all.size() - 1));
      const size_t above = std::min(below + 1, all.size() - 1);
      const double scale = shape == 2 ? std::max(std::abs(all[below]), std::abs(all[above])) : std::abs(exact);
      EXPECT_NEAR(estimate, exact, scale / 256) << "shape " << shape << " p" << p;
    }
  }
}

TEST(UniqTest, BitmapOfDictionaryIdsAndSetsMerge) {
  constexpr uint32_t kLimit = 10'000;
  Uniq::State dense, sparse, numbers;
  for (uint32_t id = 1; id < 5000; id += 2) Uniq::UpdateId(dense, id, kLimit);
  EXPECT_FALSE(dense.bitmap.empty());  // 2500 ids ≥ 10000 / 256: a bitmap
  for (uint32_t id : {1u, 2u, 3u, 9999u}) Uniq::UpdateId(sparse, id, kLimit);
  EXPECT_TRUE(sparse.bitmap.empty());
  EXPECT_EQ(Uniq::Finalize(dense), 2500);
  Uniq::Combine(sparse, dense);  // set into bitmap's shape
  EXPECT_EQ(Uniq::Finalize(sparse), 2500 + 2);  // 2 and 9999 are new
  Uniq::Combine(dense, sparse);
  EXPECT_EQ(Uniq::Finalize(dense), 2502);
  for (uint64_t value = 0; value < 100'000; ++value) Uniq::Update(numbers, value * 7919 % 65536);
  EXPECT_EQ(Uniq::Finalize(numbers), 65536);
}

// Ids handed out over time lie in narrow ranges: a state's bitmap covers the range it saw, not
// the dictionary, and states of different ranges merge exactly.
TEST(UniqTest, BitmapsCoverTheRangeOfIdsSeen) {
  Uniq::State late;
  for (uint32_t id = 3'000'001; id < 3'040'000; id += 3) Uniq::UpdateId(late, id, 4'000'000);
  ASSERT_FALSE(late.bitmap.empty());
  EXPECT_LE(late.bitmap.size(), 2 * 40'000 / 64 + 2);  // not 4M ids / 64 words
  EXPECT_TRUE(late.set.size() < 64);
  EXPECT_EQ(Uniq::Finalize(late), 13'333);
  Uniq::State sparse;  // 100 ids over 100M: a set
  for (uint32_t id = 1; id <= 100'000'000; id += 1'000'000) Uniq::UpdateId(sparse, id, 200'000'000);
  EXPECT_TRUE(sparse.bitmap.empty());
  EXPECT_EQ(Uniq::Finalize(sparse), 100);
}

TEST(UniqTest, StatesOfAnyRangesCombineToTheDistinctCount) {
  std::mt19937_64 random(17);
  for (int round = 0; round < 40; ++round) {
    std::unordered_set<uint32_t> truth;
    Uniq::State total;
    std::vector<Uniq::State> parts(1 + random() % 12);
    for (Uniq::State& part : parts) {
      // A cluster somewhere (dense, sparse or tiny), now and then an outlier far from it.
      const uint32_t start = 1 + static_cast<uint32_t>(random() % 5'000'000);
      const uint32_t span = 1 + static_cast<uint32_t>(random() % (random() % 2 ? 300 : 200'000));
      const size_t values = random() % 3'000;
      for (size_t v = 0; v < values; ++v) {
        const uint32_t id = random() % 50 == 0 ? 1 + static_cast<uint32_t>(random() % 6'000'000)
                                               : start + static_cast<uint32_t>(random() % span);
        Uniq::UpdateId(part, id, 6'000'001);
        truth.insert(id);
      }
    }
    // Merged in a random order, into an empty state or into one of the parts.
    std::shuffle(parts.begin(), parts.end(), random);
    for (const Uniq::State& part : parts) Uniq::Combine(total, part);
    EXPECT_EQ(Uniq::Finalize(total), static_cast<int64_t>(truth.size())) << "round " << round;
    Uniq::State& last = parts.back();
    for (const Uniq::State& part : parts) {
      if (&part != &last) Uniq::Combine(last, part);
    }
    EXPECT_EQ(Uniq::Finalize(last), static_cast<int64_t>(truth.size())) << "round " << round;
  }
}

TEST(DaysTest, DistinctDaysAscendingAcrossWordsAndBeforeTheEpoch) {
  Days::State left, right, empty;
  EXPECT_TRUE(Days::Finalize(left).empty());
  for (int64_t day : {20'000, 19'999, 20'000, 20'130}) Days::Update(left, day);  // three words apart
  EXPECT_EQ(Days::Finalize(left), (std::vector<int64_t>{19'999, 20'000, 20'130}));
  for (int64_t day : {-1, -64, -65, 0, 63, 64}) Days::Update(right, day);
  EXPECT_EQ(Days::Finalize(right), (std::vector<int64_t>{-65, -64, -1, 0, 63, 64}));
  Days::Combine(left, right);  // into a later range: grows downwards
  Days::Combine(left, empty);
  EXPECT_EQ(Days::Finalize(left), (std::vector<int64_t>{-65, -64, -1, 0, 63, 64, 19'999, 20'000, 20'130}));
  Days::Combine(empty, right);  // into nothing: a copy
  EXPECT_EQ(Days::Finalize(empty), Days::Finalize(right));
}

TEST(DaysTest, RandomDaysMatchASet) {
  std::mt19937_64 rng(5);
  std::vector<Days::State> parts(4);
  std::vector<int64_t> all;
  for (int update = 0; update < 5000; ++update) {
    const int64_t day = static_cast<int64_t>(rng() % 3000) - 500;
    Days::Update(parts[rng() % parts.size()], day);
    all.push_back(day);
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (size_t part = 1; part < parts.size(); ++part) Days::Combine(parts[0], parts[part]);
  EXPECT_EQ(Days::Finalize(parts[0]), all);
}

}  // namespace
}  // namespace mltrack::query::aggregate
