#pragma once
// Holm's step-down adjustment of p-values for testing several metrics at once (Holm 1979): an
// A/B comparison tests cost, latency, TTFT, tokens and every score together, and at α = 0.05
// per metric one of ten would look "significant" by chance every other time. Holm controls the
// family-wise error rate at α without assuming independence, and is uniformly more powerful
// than Bonferroni. Same values as R's p.adjust(p, method = "holm").

#include <optional>
#include <vector>

namespace mltrack::analytics::stats {

// Sorted ascending p_(1) ≤ … ≤ p_(m): adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)),
// returned in the input order. Missing p-values (nullopt) stay missing and do not count in m.
std::vector<std::optional<double>> HolmAdjust(const std::vector<std::optional<double>>& p_values);

}  // namespace mltrack::analytics::stats
