#include "ingest/json_number.h"

#include <gtest/gtest.h>

#include <limits>

namespace mltrack::ingest {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::optional<int64_t> Nano(std::string_view token, int64_t max = kMax) {
  std::optional<JsonNumber> number = SplitJsonNumber(token);
  EXPECT_TRUE(number.has_value()) << token;
  return number ? JsonNumberToNano(*number, max) : std::nullopt;
}

std::optional<uint64_t> Unsigned(std::string_view token, uint64_t max = 1ULL << 53) {
  std::optional<JsonNumber> number = SplitJsonNumber(token);
  EXPECT_TRUE(number.has_value()) << token;
  return number ? JsonNumberToUnsigned(*number, max) : std::nullopt;
}

TEST(SplitJsonNumber, Grammar) {
  for (std::string_view good : {"0", "-0", "12", "1.5", "-1.5e-3", "1E+9", "0.000123", "1e0"}) {
    EXPECT_TRUE(SplitJsonNumber(good).has_value()) << good;
  }
  for (std::string_view bad : {"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.5.2", "0x10",
                               "1 ", " 1", "Infinity", "NaN", "--1", "1e5x"}) {
    EXPECT_FALSE(SplitJsonNumber(bad).has_value()) << bad;
  }
}

TEST(JsonNumberToUnsigned, IntegersOnly) {
  EXPECT_EQ(Unsigned("0"), 0u);
  EXPECT_EQ(Unsigned("-0"), 0u);
  EXPECT_EQ(Unsigned("12345"), 12345u);
  EXPECT_EQ(Unsigned("9007199254740992"), 9007199254740992u);  // 2^53
  EXPECT_EQ(Unsigned("9007199254740993"), std::nullopt);
  EXPECT_EQ(Unsigned("99999999999999999999999"), std::nullopt);
  EXPECT_EQ(Unsigned("-1"), std::nullopt);
  EXPECT_EQ(Unsigned("1.5"), std::nullopt);
  EXPECT_EQ(Unsigned("12.0"), std::nullopt);
  EXPECT_EQ(Unsigned("1e3"), std::nullopt);
}

TEST(JsonNumberToNano, ExactDecimals) {
  EXPECT_EQ(Nano("0"), 0);
  EXPECT_EQ(Nano("0.0"), 0);
  EXPECT_EQ(Nano("-0"), 0);
  EXPECT_EQ(Nano("1"), 1'000'000'000);
  EXPECT_EQ(Nano("0.000123"), 123'000);
  EXPECT_EQ(Nano("0.1"), 100'000'000);  // exact, where double would be 0.1000000000000000055
  EXPECT_EQ(Nano("12.345678901"), 12'345'678'901);
  EXPECT_EQ(Nano("0.000000001"), 1);
  EXPECT_EQ(Nano("1.23e-4"), 123'000);
  EXPECT_EQ(Nano("123E-6"), 123'000);
  EXPECT_EQ(Nano("1.5e2"), 150'000'000'000);
  EXPECT_EQ(Nano("0.0000000000000000000000000001"), 0);
  EXPECT_EQ(Nano("1e-1000000000000"), 0);
}

TEST(JsonNumberToNano, RoundsBeyondNanoHalfUp) {
  EXPECT_EQ(Nano("0.0000000004"), 0);
  EXPECT_EQ(Nano("0.0000000005"), 1);
  EXPECT_EQ(Nano("0.0000000014999"), 1);
  EXPECT_EQ(Nano("2.0000000025"), 2'000'000'003);
}

TEST(JsonNumberToNano, RejectsNegativeAndTooLarge) {
  EXPECT_EQ(Nano("-0.5"), std::nullopt);
  EXPECT_EQ(Nano("-1e-20"), std::nullopt);
  EXPECT_EQ(Nano("1000000", 1'000'000 * 1'000'000'000LL), 1'000'000 * 1'000'000'000LL);
  EXPECT_EQ(Nano("1000000.000000001", 1'000'000 * 1'000'000'000LL), std::nullopt);
  EXPECT_EQ(Nano("1e30"), std::nullopt);
  EXPECT_EQ(Nano("1e999999999999"), std::nullopt);
  EXPECT_EQ(Nano("9223372036.854775807"), kMax);
  EXPECT_EQ(Nano("9223372036.854775808"), std::nullopt);
}

}  // namespace
}  // namespace mltrack::ingest
