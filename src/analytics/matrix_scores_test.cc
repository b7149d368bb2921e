#include "analytics/matrix_scores.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mltrack::analytics {
namespace {

TEST(MatrixScoresTest, LinearLowerIsBetter) {
  std::vector<std::optional<double>> values = {0.01, 0.05, std::nullopt, 0.03};
  auto scores = ScoreColumn(values, Better::kLower, ScoreScale::kLinear);
  ASSERT_EQ(scores.size(), 4u);
  EXPECT_DOUBLE_EQ(*scores[0], 1.0);
  EXPECT_DOUBLE_EQ(*scores[1], 0.0);
  EXPECT_FALSE(scores[2]);
  EXPECT_DOUBLE_EQ(*scores[3], 0.5);
}

TEST(MatrixScoresTest, LogHigherIsBetter) {
  // 10, 100, 1000 tokens/s: equal steps on a log scale.
  std::vector<std::optional<double>> values = {100.0, 10.0, 1000.0};
  auto scores = ScoreColumn(values, Better::kHigher, ScoreScale::kLog);
  EXPECT_NEAR(*scores[0], 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(*scores[1], 0.0);
  EXPECT_DOUBLE_EQ(*scores[2], 1.0);
}

TEST(MatrixScoresTest, LogLowerIsBetterWithAZero) {
  // A zero sits at the lowest positive value of the column on a log scale: as good as it.
  std::vector<std::optional<double>> values = {0.0, 0.001, 0.1};
  auto scores = ScoreColumn(values, Better::kLower, ScoreScale::kLog);
  EXPECT_DOUBLE_EQ(*scores[0], 1.0);
  EXPECT_DOUBLE_EQ(*scores[1], 1.0);
  EXPECT_DOUBLE_EQ(*scores[2], 0.0);
}

TEST(MatrixScoresTest, EqualValuesAllScoreOneAndEmptyColumnsNone) {
  std::vector<std::optional<double>> same = {3.0, 3.0};
  for (auto score : ScoreColumn(same, Better::kLower, ScoreScale::kLog)) EXPECT_DOUBLE_EQ(*score, 1.0);
  std::vector<std::optional<double>> none = {std::nullopt, std::nullopt};
  for (auto score : ScoreColumn(none, Better::kHigher, ScoreScale::kLinear)) EXPECT_FALSE(score);
  std::vector<std::optional<double>> zeros = {0.0, 0.0};
  for (auto score : ScoreColumn(zeros, Better::kLower, ScoreScale::kLog)) EXPECT_DOUBLE_EQ(*score, 1.0);
}

}  // namespace
}  // namespace mltrack::analytics
