#include "analytics/histogram.h"

#include <cmath>

namespace mltrack::analytics {
namespace {

constexpr int kBins = 20;

query::Filter Bound(const FieldRef& field, query::FilterOp op, double value) {
  query::Filter filter;
  filter.field = field;
  filter.op = op;
  filter.values.emplace_back(value);
  return filter;
}

}  // namespace

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
  std::vector<HistogramBin> out;
  Result<query::MetricSpec> count = query::ParseMetric("count");
  if (!count.ok()) return count.status();
  for (int bin_idx = 0; bin_idx <= bins; ++bin_idx) {
    query::QuerySpec spec = base;
    spec.metrics = {*count};
    spec.group_by.clear();
    spec.bucket_ms = 0;
    spec.bucket_months = 0;
    HistogramBin bin;
    bin.lo = bin_idx * width;
    spec.filters.push_back(Bound(field, query::FilterOp::kGte, bin.lo));
    if (bin_idx < bins) {
      bin.hi = (bin_idx + 1) * width;
      spec.filters.push_back(Bound(field, query::FilterOp::kLt, *bin.hi));
    }
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    bin.count = result->rows.empty() ? 0 : CellInt(result->rows.front()[0]).value_or(0);
    out.push_back(bin);
  }
  return out;
}

}  // namespace mltrack::analytics
