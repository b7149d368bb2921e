#include "query/aggregate/quantile.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mltrack::query::aggregate {

double LogBuckets::Representative(int32_t index) {
  const double low = std::bit_cast<double>(static_cast<uint64_t>(index) << kShift);
  const double high = std::bit_cast<double>(static_cast<uint64_t>(index + 1) << kShift);
  if (!std::isfinite(high) || !std::isfinite(low)) return low;
  // The point whose relative distance to both ends is equal: the bound's minimiser. For
  // magnitudes past 1e154 the product overflows; the same point in a form that does not.
  const double point = 2 * low * high / (low + high);
  return std::isfinite(point) ? point : low * (2 / (1 + low / high));
}

void LogBuckets::Add(int32_t index, uint64_t count) {
  if (counts_.empty()) {
    lowest_ = index;
    counts_.assign(1, 0);
  } else if (index < lowest_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(lowest_ - index), 0);
    lowest_ = index;
  } else if (static_cast<size_t>(index - lowest_) >= counts_.size()) {
    counts_.resize(static_cast<size_t>(index - lowest_) + 1, 0);
  }
  counts_[static_cast<size_t>(index - lowest_)] += count;
}

void LogBuckets::Merge(const LogBuckets& other) {
  if (other.counts_.empty()) return;
  // Make room for the whole range once, then add.
  Add(other.lowest_, 0);
  Add(other.lowest_ + static_cast<int32_t>(other.counts_.size()) - 1, 0);
  const size_t offset = static_cast<size_t>(other.lowest_ - lowest_);
  for (size_t idx = 0; idx < other.counts_.size(); ++idx) counts_[offset + idx] += other.counts_[idx];
}

void LogBuckets::AddCounts(int32_t lowest, const uint32_t* counts, size_t size) {
  if (size == 0) return;
  Add(lowest, 0);
  Add(lowest + static_cast<int32_t>(size) - 1, 0);
  const size_t offset = static_cast<size_t>(lowest - lowest_);
  for (size_t idx = 0; idx < size; ++idx) counts_[offset + idx] += counts[idx];
}

void LogBuckets::AddCounts(int32_t lowest, const uint8_t* small, size_t size,
                           const std::pair<uint32_t, uint32_t>* large, size_t large_count) {
  if (size == 0) return;
  Add(lowest, 0);
  Add(lowest + static_cast<int32_t>(size) - 1, 0);
  uint64_t* counts = counts_.data() + static_cast<size_t>(lowest - lowest_);
  for (size_t idx = 0; idx < size; ++idx) counts[idx] += small[idx];
  // A listed count was added as 255 above.
  for (size_t idx = 0; idx < large_count; ++idx) counts[large[idx].first] += large[idx].second - 255u;
}

void Quantile::AddToSketch(State& state, double value, uint64_t count) {
  if (state.count == 0) {
    state.min = value;
    state.max = value;
  } else {
    state.min = std::min(state.min, value);
    state.max = std::max(state.max, value);
  }
  state.count += count;
  if (value > 0) {
    state.positive.Add(LogBuckets::IndexOf(value), count);
  } else if (value < 0) {
    state.negative.Add(LogBuckets::IndexOf(-value), count);
  } else {
    state.zeros += count;
  }
}

void Quantile::ToSketch(State& state) {
  if (state.sketched) return;
  state.sketched = true;
  std::vector<double> values;
  values.swap(state.values);
  for (double value : values) AddToSketch(state, value, 1);
}

void Quantile::UpdateMany(State& state, const double* values, size_t count) {
  size_t idx = 0;
  while (idx < count && (!state.sketched || state.count == 0 || state.positive.empty())) {
    if (!std::isnan(values[idx])) Update(state, values[idx]);
    ++idx;
  }
  // Sketched with a positive range: the common case in a tight loop over locals.
  double low = state.min;
  double high = state.max;
  uint64_t added = 0;
  for (; idx < count; ++idx) {
    const double value = values[idx];
    if (!(value > 0) || !state.positive.TryAddOne(LogBuckets::IndexOf(value))) {
      if (std::isnan(value)) continue;
      state.min = low;
      state.max = high;
      state.count += added;
      added = 0;
      AddToSketch(state, value, 1);
      low = state.min;
      high = state.max;
      continue;
    }
    ++added;
    low = value < low ? value : low;
    high = value > high ? value : high;
  }
  state.min = low;
  state.max = high;
  state.count += added;
}

void Quantile::Combine(State& into, const State& from) {
  if (!from.sketched) {
    for (double value : from.values) Update(into, value);
    return;
  }
  ToSketch(into);
  if (from.count == 0) return;
  if (into.count == 0) {
    into.min = from.min;
    into.max = from.max;
  } else {
    into.min = std::min(into.min, from.min);
    into.max = std::max(into.max, from.max);
  }
  into.count += from.count;
  into.zeros += from.zeros;
  into.positive.Merge(from.positive);
  into.negative.Merge(from.negative);
}

void Quantile::CombineCounts(State& into, uint64_t count, double min, double max, uint64_t zeros,
                             int32_t positive_lowest, const std::vector<uint32_t>& positive,
                             int32_t negative_lowest, const std::vector<uint32_t>& negative) {
  ToSketch(into);
  if (count == 0) return;
  if (into.count == 0) {
    into.min = min;
    into.max = max;
  } else {
    into.min = std::min(into.min, min);
    into.max = std::max(into.max, max);
  }
  into.count += count;
  into.zeros += zeros;
  into.positive.AddCounts(positive_lowest, positive.data(), positive.size());
  into.negative.AddCounts(negative_lowest, negative.data(), negative.size());
}

void Quantile::CombineByteCounts(State& into, uint64_t count, double min, double max, uint64_t zeros,
                                 const ByteCounts& positive, const ByteCounts& negative) {
  CombineCounts(into, count, min, max, zeros, 0, {}, 0, {});
  if (count == 0) return;
  into.positive.AddCounts(positive.lowest, positive.small, positive.size, positive.large, positive.large_count);
  into.negative.AddCounts(negative.lowest, negative.small, negative.size, negative.large, negative.large_count);
}

namespace {

// The value of rank `rank` (0-based, ascending) of a sketched state.
double RankValue(const Quantile::State& state, uint64_t rank) {
  if (rank == 0) return state.min;
  if (rank + 1 >= state.count) return state.max;
  double estimate = state.max;
  uint64_t seen = 0;
  const auto& negative = state.negative.counts();
  bool found = false;
  // Negative values, most negative (largest magnitude) first.
  for (size_t idx = negative.size(); idx-- > 0 && !found;) {
    seen += negative[idx];
    if (rank < seen) {
      estimate = -LogBuckets::Representative(state.negative.lowest() + static_cast<int32_t>(idx));
      found = true;
    }
  }
  if (!found) {
    seen += state.zeros;
    if (rank < seen) {
      estimate = 0;
      found = true;
    }
  }
  const auto& positive = state.positive.counts();
  for (size_t idx = 0; idx < positive.size() && !found; ++idx) {
    seen += positive[idx];
    if (rank < seen) {
      estimate = LogBuckets::Representative(state.positive.lowest() + static_cast<int32_t>(idx));
      found = true;
    }
  }
  return std::clamp(estimate, state.min, state.max);
}

// low + f·(high − low), numpy's form; when high − low overflows (values of opposite sign near
// ±1.8e308) the same point as low·(1 − f) + high·f, which cannot overflow.
double Interpolate(double low_value, double high_value, double fraction) {
  const double value = low_value + fraction * (high_value - low_value);
  if (std::isfinite(value)) return value;
  return low_value * (1 - fraction) + high_value * fraction;
}

}  // namespace

std::optional<double> LinearPercentile(std::vector<double>& values, double percentile) {
  if (values.empty()) return std::nullopt;
  // Same operation order as numpy (quantile = p / 100; index = quantile * (n - 1)).
  const double h = std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lower);
  std::nth_element(values.begin(), values.begin() + lower, values.end());
  const double low_value = values[lower];
  if (fraction == 0 || lower + 1 >= values.size()) return low_value;
  // After nth_element every element past `lower` is ≥ values[lower]; the next order statistic
  // is their minimum.
  const double high_value = *std::min_element(values.begin() + lower + 1, values.end());
  return Interpolate(low_value, high_value, fraction);
}

std::optional<double> Quantile::Finalize(State& state, double percentile) {
  if (!state.sketched) return LinearPercentile(state.values, percentile);
  if (state.count == 0) return std::nullopt;
  const double h = std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(state.count - 1);
  const uint64_t lower = static_cast<uint64_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lower);
  const double low_value = RankValue(state, lower);
  if (fraction == 0 || lower + 1 >= state.count) return low_value;
  const double high_value = RankValue(state, lower + 1);
  return Interpolate(low_value, high_value, fraction);
}

}  // namespace mltrack::query::aggregate
