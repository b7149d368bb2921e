#pragma once
// The minimum detectable effect (MDE) of a two-sided test at level α with power 1 − β, given
// the sample sizes an A/B test has now: the smallest true difference that the test would find
// significant with probability 1 − β. Normal approximation (the textbook sample-size formula
// n = 2σ²(z_{1−α/2} + z_{1−β})² / δ² solved for δ; Cohen 1988, ch. 2 and 6):
//
//   means:        MDE = (z_{1−α/2} + z_{1−β}) · sqrt(var_a / n_a + var_b / n_b)
//   proportions:  MDE = (z_{1−α/2} + z_{1−β}) · sqrt(p̄(1 − p̄) · (1/n_a + 1/n_b)), p̄ pooled
//
// With α = 0.05 and power 0.8 the factor is 1.95996 + 0.84162 = 2.80159. The MDE is in the
// metric's unit; divide by |mean_a| (or rate_a) for a relative MDE.

#include <optional>

#include "analytics/stats/summary.h"

namespace mltrack::analytics::stats {

inline constexpr double kAlpha = 0.05;
inline constexpr double kPower = 0.8;

// z_{1−α/2} + z_{power}.
double MdeFactor(double alpha = kAlpha, double power = kPower);

// nullopt when either side has n < 2.
std::optional<double> MinimumDetectableDifference(const SampleSummary& a, const SampleSummary& b,
                                                  double alpha = kAlpha, double power = kPower);

// nullopt when either side has n = 0.
std::optional<double> MinimumDetectableRateDifference(const ProportionSample& a, const ProportionSample& b,
                                                      double alpha = kAlpha, double power = kPower);

}  // namespace mltrack::analytics::stats
