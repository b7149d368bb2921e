#pragma once
// The inputs of the tests in this folder: what a query returns per group, exactly (count:F, avg:F
// and var:F are computed from sums over the selected events, not from sketches).

#include <cstdint>

namespace mltrack::analytics::stats {

// n values with their mean and sample variance (n − 1 in the denominator; 0 for n < 2).
struct SampleSummary {
  int64_t n = 0;
  double mean = 0;
  double variance = 0;
};

// n trials of which `successes` hold (errors among calls, cache hits among calls).
struct ProportionSample {
  int64_t n = 0;
  int64_t successes = 0;
  double rate() const { return n > 0 ? static_cast<double>(successes) / static_cast<double>(n) : 0.0; }
};

// A two-sided interval [lo, hi].
struct Interval {
  double lo = 0;
  double hi = 0;
};

// The two-sided 95 % level every dashboard uses; functions take it as a parameter for tests.
inline constexpr double kConfidence95 = 0.95;

}  // namespace mltrack::analytics::stats
