#include "analytics/histogram.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

namespace mltrack::analytics {
namespace {

constexpr int kBins = 20;

query::Filter AtLeast(const FieldRef& field, double value) {
  query::Filter filter;
  filter.field = field;
  filter.op = query::FilterOp::kGte;
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
                                                   const FieldRef& field, double upper,
                                                   const QueryRunner& run) {
  const double width = NiceBinWidth(upper, kBins);
  const int bins = static_cast<int>(std::ceil(upper / width));
  Result<query::MetricSpec> count = query::ParseMetric("count");
  if (!count.ok()) return count.status();
  Result<std::pair<FieldRef, query::GroupBin>> bin = query::ParseGroupBin(BinItem(width, field));
  if (!bin.ok()) return bin.status();

  // One query: the count per bin of `width`; bins at or past `upper` fold into the open bin.
  query::QuerySpec spec = base;
  spec.metrics = {*count};
  spec.group_by = {bin->first};
  spec.group_bins = {bin->second};
  spec.bucket_ms = 0;
  spec.bucket_months = 0;
  spec.order_by.clear();
  spec.limit = query::kMaxQueryLimit;
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();

  std::vector<HistogramBin> out(static_cast<size_t>(bins) + 1);
  for (int bin_idx = 0; bin_idx <= bins; ++bin_idx) {
    out[bin_idx].lo = bin_idx * width;
    if (bin_idx < bins) out[bin_idx].hi = (bin_idx + 1) * width;
  }
  const double open_lo = bins * width;
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
  if (result->truncated) {
    // More than kMaxQueryLimit bins (an extreme tail): count the open bin directly; the rows
    // kept are the lowest bins, so the bounded bars above are complete.
    query::QuerySpec open = base;
    open.metrics = {*count};
    open.group_by.clear();
    open.group_bins.clear();
    open.bucket_ms = 0;
    open.bucket_months = 0;
    open.filters.push_back(AtLeast(field, open_lo));
    Result<query::QueryResult> open_result = run(open);
    if (!open_result.ok()) return open_result.status();
    out[bins].count = open_result->rows.empty() ? 0 : CellInt(open_result->rows.front()[0]).value_or(0);
  }
  return out;
}

}  // namespace mltrack::analytics
