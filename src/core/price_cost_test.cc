#include "core/price_cost.h"

#include <gtest/gtest.h>

#include <limits>

namespace mltrack {
namespace {

UnitPrice Flat(int64_t nano_per_unit) { return UnitPrice{nano_per_unit, {}}; }

TEST(ParseDecimalNanoUsdTest, ConvertsDecimalTextExactly) {
  EXPECT_EQ(*ParseDecimalNanoUsd("2.5"), 2'500'000'000);
  EXPECT_EQ(*ParseDecimalNanoUsd("0.075"), 75'000'000);
  EXPECT_EQ(*ParseDecimalNanoUsd("10"), 10'000'000'000);
  EXPECT_EQ(*ParseDecimalNanoUsd("0"), 0);
  EXPECT_EQ(*ParseDecimalNanoUsd("1e-7"), 100);
  EXPECT_EQ(*ParseDecimalNanoUsd("1.5E+2"), 150'000'000'000);
  // Binary-float noise in the data file rounds away at the ninth decimal.
  EXPECT_EQ(*ParseDecimalNanoUsd("0.18000000000000002"), 180'000'000);
  EXPECT_EQ(*ParseDecimalNanoUsd("0.08333333333333334"), 83'333'333);
}

TEST(ParseDecimalNanoUsdTest, RoundsHalfUpAtTheNinthDecimal) {
  EXPECT_EQ(*ParseDecimalNanoUsd("0.0000000005"), 1);
  EXPECT_EQ(*ParseDecimalNanoUsd("0.0000000004999"), 0);
  EXPECT_EQ(*ParseDecimalNanoUsd("1.0000000015"), 1'000'000'002);
  EXPECT_EQ(*ParseDecimalNanoUsd("5e-10"), 1);
}

TEST(ParseDecimalNanoUsdTest, RejectsNonNumbersNegativesAndOverflow) {
  EXPECT_FALSE(ParseDecimalNanoUsd("").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("-1").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("1.2.3").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("abc").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("1e").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("1e30").ok());
  EXPECT_FALSE(ParseDecimalNanoUsd("99999999999").ok());
}

TEST(ParseDateTimeTest, StartDateIsMidnightUtc) {
  EXPECT_EQ(*ParsePriceStartDate("1970-01-01"), 0);
  EXPECT_EQ(*ParsePriceStartDate("2025-06-10"), 1'749'513'600'000);
  EXPECT_FALSE(ParsePriceStartDate("2025-6-10").ok());
  EXPECT_FALSE(ParsePriceStartDate("2025-13-01").ok());
}

TEST(ParseDateTimeTest, TimeOfDayIsConvertedToUtc) {
  EXPECT_EQ(*ParsePriceTimeOfDay("00:30:00Z"), 1800);
  EXPECT_EQ(*ParsePriceTimeOfDay("16:30:00Z"), 59400);
  EXPECT_EQ(*ParsePriceTimeOfDay("08:30:00+08:00"), 1800);
  EXPECT_EQ(*ParsePriceTimeOfDay("00:30:00.250+01:00"), 84600);  // wraps to the previous day
  EXPECT_FALSE(ParsePriceTimeOfDay("00:30:00").ok());            // an offset is required
  EXPECT_FALSE(ParsePriceTimeOfDay("24:00:00Z").ok());
}

TEST(UnitPriceTest, TierAppliesOnlyAboveItsStart) {
  const UnitPrice price{1'250'000'000, {{128'000, 2'500'000'000}, {1'000'000, 4'000'000'000}}};
  EXPECT_EQ(price.At(0), 1'250'000'000);
  EXPECT_EQ(price.At(128'000), 1'250'000'000);
  EXPECT_EQ(price.At(128'001), 2'500'000'000);
  EXPECT_EQ(price.At(1'000'001), 4'000'000'000);
}

TEST(PriceConditionTest, TimeOfDayWindowIsHalfOpenAndMayWrap) {
  PriceCondition day{PriceCondition::Kind::kTimeOfDay, 0, 1800, 59400};
  EXPECT_TRUE(day.Holds(1800 * 1000));
  EXPECT_FALSE(day.Holds(59400 * 1000));
  EXPECT_FALSE(day.Holds(1799 * 1000 + 999));
  PriceCondition night{PriceCondition::Kind::kTimeOfDay, 0, 59400, 1800};
  EXPECT_TRUE(night.Holds(59400 * 1000));
  EXPECT_TRUE(night.Holds(86'400'000 + 100));  // next day, 00:00:00.100
  EXPECT_FALSE(night.Holds(43'200'000));
  EXPECT_TRUE(night.Holds(-1));  // 1969-12-31T23:59:59.999
}

TEST(ModelPricingTest, LastHoldingSetWinsAndFirstIsTheDefault) {
  PriceSet old_prices, new_prices, future;
  old_prices.input_mtok = Flat(1);
  new_prices.input_mtok = Flat(2);
  future.input_mtok = Flat(3);
  ModelPricing pricing;
  pricing.sets.push_back(
      {PriceCondition{PriceCondition::Kind::kStartDate, 5'000, 0, 0}, old_prices});
  pricing.sets.push_back(
      {PriceCondition{PriceCondition::Kind::kStartDate, 10'000, 0, 0}, new_prices});
  pricing.sets.push_back({PriceCondition{PriceCondition::Kind::kStartDate, 20'000, 0, 0}, future});
  EXPECT_EQ(pricing.At(0).input_mtok->base, 1);  // before every start: the first set
  EXPECT_EQ(pricing.At(9'999).input_mtok->base, 1);
  EXPECT_EQ(pricing.At(10'000).input_mtok->base, 2);
  EXPECT_EQ(pricing.At(25'000).input_mtok->base, 3);
}

TEST(ComputeCostTest, CachedAndReasoningTokensComeOutOfTheirTotals) {
  PriceSet prices;
  prices.input_mtok = Flat(3'000'000'000);        // $3 / Mtok
  prices.cache_read_mtok = Flat(300'000'000);     // $0.30
  prices.cache_write_mtok = Flat(3'750'000'000);  // $3.75
  prices.output_mtok = Flat(15'000'000'000);      // $15
  prices.output_reasoning_mtok = Flat(5'000'000'000);
  TokenUsage usage{10'000, 6'000, 2'000, 1'000, 400};
  // 2000×3 + 6000×0.3 + 2000×3.75 + 600×15 + 400×5 = 6000+1800+7500+9000+2000 µ$ = 26,300 µ$.
  EXPECT_EQ(ComputeCost(prices, usage), 26'300'000);
}

TEST(ComputeCostTest, UnpricedPartsStayInTheirParent) {
  PriceSet prices;
  prices.input_mtok = Flat(2'000'000'000);
  prices.output_mtok = Flat(8'000'000'000);
  // No cache or reasoning prices: all 1000 input tokens at $2, all 500 output tokens at $8.
  EXPECT_EQ(ComputeCost(prices, TokenUsage{1'000, 600, 100, 500, 300}), 2'000'000 + 4'000'000);
}

TEST(ComputeCostTest, PartsLargerThanTheTotalAreAddedToIt) {
  PriceSet prices;
  prices.input_mtok = Flat(3'000'000'000);
  prices.cache_read_mtok = Flat(300'000'000);
  prices.output_mtok = Flat(15'000'000'000);
  // Anthropic-style input_tokens=100 excludes the 5000 cache reads; Gemini-style output
  // excludes thinking: bill 100 + 5000 input and 200 + 300 output.
  EXPECT_EQ(ComputeCost(prices, TokenUsage{100, 5'000, 0, 200, 300}),
            300'000 + 1'500'000 + 7'500'000);
}

TEST(ComputeCostTest, RoundsHalfUpOnceAtTheEnd) {
  PriceSet prices;
  prices.input_mtok = Flat(500);  // 0.0005 nano-USD per token
  prices.output_mtok = Flat(500);
  EXPECT_EQ(ComputeCost(prices, TokenUsage{999, 0, 0, 0, 0}), 0);    // 0.4995
  EXPECT_EQ(ComputeCost(prices, TokenUsage{1'000, 0, 0, 0, 0}), 1);  // 0.5 → 1
  // Per-term rounding would give 0 + 0; summing first gives 0.5 → 1.
  EXPECT_EQ(ComputeCost(prices, TokenUsage{500, 0, 0, 500, 0}), 1);
}

TEST(ComputeCostTest, TiersFollowTotalInputForEveryUnit) {
  PriceSet prices;
  prices.input_mtok = UnitPrice{1'250'000'000, {{128'000, 2'500'000'000}}};
  prices.output_mtok = UnitPrice{5'000'000'000, {{128'000, 10'000'000'000}}};
  EXPECT_EQ(ComputeCost(prices, TokenUsage{128'000, 0, 0, 1'000, 0}), 160'000'000 + 5'000'000);
  EXPECT_EQ(ComputeCost(prices, TokenUsage{128'001, 0, 0, 1'000, 0}), 320'002'500 + 10'000'000);
}

TEST(ComputeCostTest, RequestFeeIsChargedPerCall) {
  PriceSet prices;
  prices.input_mtok = Flat(1'000'000'000);
  prices.requests_kcount = Flat(12'000'000'000);  // $12 per 1000 requests
  EXPECT_EQ(ComputeCost(prices, TokenUsage{100, 0, 0, 0, 0}), 100'000 + 12'000'000);
}

TEST(ComputeCostTest, NegativeCountsAreZeroAndOverflowIsNullopt) {
  PriceSet prices;
  prices.input_mtok = Flat(1'000'000'000);
  EXPECT_EQ(ComputeCost(prices, TokenUsage{-5, -1, -1, -1, -1}), 0);
  prices.input_mtok = Flat(std::numeric_limits<int64_t>::max());
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(ComputeCost(prices, TokenUsage{kHuge, 0, 0, 0, 0}), std::nullopt);
}

}  // namespace
}  // namespace mltrack
