#pragma once
// Scores of a comparison matrix (model × metric): each column's raw values mapped to 0..1,
// 1 the best row and 0 the worst, whichever way "best" points.

#include <optional>
#include <span>
#include <vector>

namespace mltrack::analytics {

enum class Better { kLower, kHigher };
enum class ScoreScale {
  kLinear,  // (v − worst) / (best − worst)
  kLog,     // the same on log(v), for positive figures spanning decades (latency, cost); a
            // non-positive value is then scored as the column's lowest value
};

// Scores of one column. A missing value has no score; a column whose values are all equal
// scores every present value 1 (nothing is worse than anything else).
std::vector<std::optional<double>> ScoreColumn(std::span<const std::optional<double>> values, Better better,
                                               ScoreScale scale);

}  // namespace mltrack::analytics
