#pragma once
// Wilson's score interval for one proportion, and Newcombe's hybrid score interval for the
// difference of two (Newcombe 1998, "Interval estimation for the difference between independent
// proportions", method 10), which is built from the two Wilson intervals. Both stay inside
// [0, 1] (resp. [−1, 1]) and behave at rates near 0, where the Wald interval collapses.

#include <optional>

#include "analytics/stats/summary.h"

namespace mltrack::analytics::stats {

// (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), z the normal quantile at (1+c)/2.
// nullopt for n = 0.
std::optional<Interval> WilsonInterval(const ProportionSample& sample, double confidence = kConfidence95);

// The interval of rate_b − rate_a: (d − sqrt((p_b − l_b)² + (u_a − p_a)²),
// d + sqrt((u_b − p_b)² + (p_a − l_a)²)) with [l, u] each side's Wilson interval.
// nullopt when a side has n = 0.
std::optional<Interval> NewcombeDifferenceInterval(const ProportionSample& a, const ProportionSample& b,
                                                   double confidence = kConfidence95);

}  // namespace mltrack::analytics::stats
