#include "analytics/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

namespace mltrack::analytics {
namespace {

constexpr int kBins = 20;

query::Filter Compare(const FieldRef& field, query::FilterOp op, double value) {
  query::Filter filter;
  filter.field = field;
  filter.op = op;
  filter.values.emplace_back(value);
  return filter;
}

}  // namespace

std::string BinItem(double width, const FieldRef& field) {
  char text[64];
  // Plain decimal digits (the bin syntax has no exponents): as many decimals as the width needs.
  int decimals = 0;
  while (decimals < 15 && std::fabs(width * std::pow(10.0, decimals) - std::round(width * std::pow(10.0, decimals))) >
                              1e-9 * width * std::pow(10.0, decimals)) {
    ++decimals;
  }
  std::snprintf(text, sizeof text, "%.*f", decimals, width);
  return "bin:" + std::string(text) + ":" + field.Name();
}

double NiceBinWidth(double upper, int bins) {
  if (!(upper > 0)) return 1.0;
  double raw = upper / bins;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= step * magnitude) return step * magnitude;
  }
  return 10.0 * magnitude;
}

Result<std::vector<HistogramBin>> NumericHistogram(const query::QuerySpec& base,
                                                   const FieldRef& field, double upper, double largest,
                                                   const QueryRunner& run) {
  double width = NiceBinWidth(upper, kBins);
  if (!(width > 0) || !std::isfinite(width)) width = 1.0;  // an upper bound too close to 0
  const int bins = std::max(1, static_cast<int>(std::ceil(upper / width)));
  const double open_lo = bins * width;
  Result<query::MetricSpec> count = query::ParseMetric("count");
  if (!count.ok()) return count.status();
  auto count_of = [&](std::vector<query::Filter> filters) -> Result<int64_t> {
    query::QuerySpec spec = base;
    spec.metrics = {*count};
    spec.group_by.clear();
    spec.group_bins.clear();
    spec.bucket_ms = 0;
    spec.bucket_months = 0;
    spec.order_by.clear();
    for (query::Filter& filter : filters) spec.filters.push_back(std::move(filter));
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    return result->rows.empty() ? 0 : CellInt(result->rows.front()[0]).value_or(0);
  };

  std::vector<HistogramBin> out(static_cast<size_t>(bins) + 1);
  for (int bin_idx = 0; bin_idx <= bins; ++bin_idx) {
    out[bin_idx].lo = bin_idx * width;
    if (bin_idx < bins) out[bin_idx].hi = (bin_idx + 1) * width;
  }
  Result<std::pair<FieldRef, query::GroupBin>> bin = query::ParseGroupBin(BinItem(width, field));
  if (!bin.ok()) {
    // A width the bin syntax cannot write (values past 10^16 or below 10^-15): one count per bar,
    // and the open bin.
    for (int bin_idx = 0; bin_idx < bins; ++bin_idx) {
      Result<int64_t> bar = count_of({Compare(field, query::FilterOp::kGte, out[bin_idx].lo),
                                      Compare(field, query::FilterOp::kLt, *out[bin_idx].hi)});
      if (!bar.ok()) return bar.status();
      out[bin_idx].count = *bar;
    }
    Result<int64_t> open = count_of({Compare(field, query::FilterOp::kGte, open_lo)});
    if (!open.ok()) return open.status();
    out[bins].count = *open;
    return out;
  }

  // One query: the count per bin of `width`; bins at or past `upper` fold into the open bin.
  // When the largest value is too far above for its bin to be numbered (GroupBin::BinOf), the
  // query keeps to the bars and the open bin is counted on its own.
  const bool far_values = !(std::fabs(largest) / width < 0x1p52);
  query::QuerySpec spec = base;
  spec.metrics = {*count};
  spec.group_by = {bin->first};
  spec.group_bins = {bin->second};
  spec.bucket_ms = 0;
  spec.bucket_months = 0;
  spec.order_by.clear();
  spec.limit = query::kMaxQueryLimit;
  if (far_values) spec.filters.push_back(Compare(field, query::FilterOp::kLt, open_lo));
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  for (const auto& row : result->rows) {
    std::optional<double> lower = CellNumber(row[0]);
    if (!lower || *lower < 0) continue;  // absent values and negatives are in no bar
    const int64_t bin_idx = static_cast<int64_t>(std::llround(*lower / width));
    const int64_t rows = CellInt(row[1]).value_or(0);
    if (bin_idx >= bins || *lower >= open_lo) {
      out[bins].count += rows;
    } else {
      out[bin_idx].count += rows;
    }
  }
  if (far_values || result->truncated) {
    // Counted directly: past kMaxQueryLimit bins (an extreme tail) the rows kept are the lowest
    // bins, so the bounded bars above are complete.
    Result<int64_t> open = count_of({Compare(field, query::FilterOp::kGte, open_lo)});
    if (!open.ok()) return open.status();
    out[bins].count = *open;
  }
  return out;
}

}  // namespace mltrack::analytics
