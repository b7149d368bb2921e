#include "nab_scorer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mltrack::nab {
namespace {

// 100 rows one minute apart; probation = floor(0.15 · 100) = 15 rows.
LabelledSeries Hundred(std::vector<std::pair<int, int>> windows) {
  LabelledSeries series;
  for (int row = 0; row < 100; ++row) series.timestamps.push_back(row * 60'000);
  for (auto [first, last] : windows) series.windows.emplace_back(first * 60'000, last * 60'000);
  return series;
}

std::vector<bool> At(std::vector<int> rows) {
  std::vector<bool> detected(100, false);
  for (int row : rows) detected[row] = true;
  return detected;
}

TEST(NabScorerTest, ScaledSigmoidMatchesNabsPublishedValues) {
  EXPECT_NEAR(ScaledSigmoid(-1.0), 0.98661, 1e-5);
  EXPECT_NEAR(ScaledSigmoid(-0.5), 0.84828, 1e-5);
  EXPECT_NEAR(ScaledSigmoid(0.0), 0.0, 1e-12);
  EXPECT_NEAR(ScaledSigmoid(1.0), -0.98661, 1e-5);
  EXPECT_EQ(ScaledSigmoid(3.0), -1.0);
}

TEST(NabScorerTest, NoDetectionIsTheNullScoreAndEarliestDetectionIsPerfect) {
  LabelledSeries series = Hundred({{40, 49}});
  FileScore none = ScoreFile(series, At({}));
  EXPECT_DOUBLE_EQ(none.raw, -1.0);
  EXPECT_DOUBLE_EQ(none.null_raw, -1.0);
  // Row 40 is the left edge: position −(49 − 40 + 1)/10 = −1, weighted to exactly 1.
  FileScore early = ScoreFile(series, At({40, 45}));
  EXPECT_NEAR(early.raw, 1.0, 1e-12);
  EXPECT_EQ(early.detected_windows, 1);
  EXPECT_NEAR(NormalisedScore({early}), 100.0, 1e-9);
  EXPECT_NEAR(NormalisedScore({none}), 0.0, 1e-9);
  // Row 45: position −(49 − 45 + 1)/10 = −0.5.
  EXPECT_NEAR(ScoreFile(series, At({45})).raw, ScaledSigmoid(-0.5) / ScaledSigmoid(-1.0), 1e-12);
}

TEST(NabScorerTest, FalsePositivesCostByDistanceFromThePreviousWindow) {
  LabelledSeries series = Hundred({{40, 49}});
  // Before any window: the full −0.11.
  EXPECT_NEAR(ScoreFile(series, At({20})).raw, -1.0 - 0.11, 1e-12);
  // Row 58: |49 − 58| / (10 − 1) = 1 window past the end → 0.11 · scaledSigmoid(1).
  EXPECT_NEAR(ScoreFile(series, At({58})).raw, -1.0 + 0.11 * ScaledSigmoid(1.0), 1e-12);
  // Probationary rows are not scored at all.
  EXPECT_NEAR(ScoreFile(series, At({3, 14})).raw, -1.0, 1e-12);
}

TEST(NabScorerTest, AWindowInsideTheProbationIsNotScored) {
  LabelledSeries series = Hundred({{2, 8}, {60, 69}});
  FileScore none = ScoreFile(series, At({}));
  EXPECT_DOUBLE_EQ(none.null_raw, -1.0);
  EXPECT_EQ(none.windows, 2);  // the perfect score still counts both (NAB's normalisation)
  FileScore hit = ScoreFile(series, At({60}));
  EXPECT_NEAR(NormalisedScore({hit}), 100.0 * (1.0 - -1.0) / (2.0 - -1.0), 1e-9);
}

}  // namespace
}  // namespace mltrack::nab
