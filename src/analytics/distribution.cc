#include "analytics/distribution.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mltrack::analytics {
namespace {

constexpr double kGridStep = 2.5;
constexpr int kGridIntervals = 40;  // 100 / kGridStep

constexpr std::array<double, 56> MakeLevels() {
  std::array<double, 56> levels{};
  size_t out = 0;
  for (double level : {0.01, 0.1, 0.5, 1.0}) levels[out++] = level;
  for (int step = 0; step <= kGridIntervals; ++step) levels[out++] = step * kGridStep;
  for (double level : {98.0, 98.5, 99.0, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99}) levels[out++] = level;
  levels[out++] = 0.05;
  levels[out++] = 99.995;
  // Insertion sort: constexpr and tiny.
  for (size_t idx = 1; idx < levels.size(); ++idx) {
    for (size_t back = idx; back > 0 && levels[back - 1] > levels[back]; --back) {
      double tmp = levels[back];
      levels[back] = levels[back - 1];
      levels[back - 1] = tmp;
    }
  }
  return levels;
}

constexpr std::array<double, 56> kLevels = MakeLevels();

size_t IndexOf(double level) {
  return static_cast<size_t>(std::lower_bound(kLevels.begin(), kLevels.end(), level - 1e-9) - kLevels.begin());
}

}  // namespace

std::span<const double> DistributionLevels() { return kLevels; }

std::optional<BoxViolin> BoxViolinFromPercentiles(std::span<const std::optional<double>> values) {
  if (values.size() != kLevels.size()) return std::nullopt;
  std::array<double, kLevels.size()> at{};
  for (size_t idx = 0; idx < kLevels.size(); ++idx) {
    if (!values[idx]) return std::nullopt;
    // Percentile estimates are each within their own error bound; force them monotone.
    at[idx] = idx == 0 ? *values[idx] : std::max(*values[idx], at[idx - 1]);
  }
  auto value = [&](double level) { return at[IndexOf(level)]; };
  BoxViolin box;
  box.min = value(0);
  box.q1 = value(25);
  box.median = value(50);
  box.q3 = value(75);
  box.max = value(100);
  const double iqr = box.q3 - box.q1;
  box.whisker_low = std::max(box.min, box.q1 - 1.5 * iqr);
  box.whisker_high = std::min(box.max, box.q3 + 1.5 * iqr);
  for (size_t idx = 0; idx < kLevels.size(); ++idx) {
    const double v = at[idx];
    if ((v < box.whisker_low || v > box.whisker_high) && (box.outliers.empty() || box.outliers.back() != v)) {
      box.outliers.push_back(v);
    }
  }

  // Density: the 40 equal-mass intervals, clipped to the whiskers (mass spread evenly inside
  // an interval), narrow ones merged forward.
  const double span = box.whisker_high - box.whisker_low;
  if (!(span > 0)) {
    box.density.push_back({box.whisker_low, box.whisker_high, 1.0});
    return box;
  }
  const double min_width = span / 400;
  DensityBin pending{box.whisker_low, box.whisker_low, 0};
  for (int step = 0; step < kGridIntervals; ++step) {
    double lo = value(step * kGridStep), hi = value((step + 1) * kGridStep);
    double mass = kGridStep / 100;
    if (hi <= box.whisker_low || lo >= box.whisker_high) continue;
    if (hi > lo) {
      const double clipped_lo = std::max(lo, box.whisker_low), clipped_hi = std::min(hi, box.whisker_high);
      mass *= (clipped_hi - clipped_lo) / (hi - lo);
      lo = clipped_lo;
      hi = clipped_hi;
    }
    pending.share += mass;
    pending.hi = std::max(pending.hi, hi);
    if (pending.hi - pending.lo >= min_width) {
      box.density.push_back(pending);
      pending = DensityBin{pending.hi, pending.hi, 0};
    }
  }
  if (pending.share > 0) {
    if (box.density.empty()) {
      pending.hi = std::max(pending.hi, pending.lo + min_width);
      box.density.push_back(pending);
    } else {
      box.density.back().hi = std::max(box.density.back().hi, pending.hi);
      box.density.back().share += pending.share;
    }
  }
  return box;
}

}  // namespace mltrack::analytics
