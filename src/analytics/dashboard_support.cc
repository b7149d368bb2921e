#include "analytics/dashboard_support.h"

#include <cmath>

#include "query/query_parser.h"

namespace mltrack::analytics {

query::QuerySpec BaseSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms) {
  query::QuerySpec spec;
  spec.from_ms = from_ms;
  spec.to_ms = to_ms;
  spec.filters = params.filters;
  spec.tz = params.tz;
  return spec;
}

Status AddMetric(query::QuerySpec& spec, std::string_view name) {
  Result<query::MetricSpec> metric = query::ParseMetric(name);
  if (!metric.ok()) return metric.status();
  spec.metrics.push_back(std::move(*metric));
  return Status::OK();
}

Status AddMetrics(query::QuerySpec& spec, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, name));
  return Status::OK();
}

const query::Cell& SingleCell(const query::QueryResult& result, std::string_view column) {
  static const query::Cell kNull;
  for (size_t column_idx = 0; column_idx < result.columns.size(); ++column_idx) {
    if (result.columns[column_idx] == column && !result.rows.empty()) {
      return result.rows.front()[column_idx];
    }
  }
  return kNull;
}

std::optional<double> ChangePct(std::optional<double> value, std::optional<double> previous) {
  if (!value || !previous || *previous == 0) return std::nullopt;
  return (*value - *previous) / std::fabs(*previous) * 100.0;
}

Result<std::vector<int64_t>> BucketStarts(const query::QuerySpec& spec) {
  Result<query::TimeBucketer> bucketer = query::MakeTimeBucketer(
      query::BucketWidth{spec.bucket_ms, spec.bucket_months}, spec.from_ms, spec.to_ms, spec.tz);
  if (!bucketer.ok()) return bucketer.status();
  std::vector<int64_t> starts;
  if (!query::HasBucket(spec) || spec.to_ms <= spec.from_ms) return starts;
  const int64_t first = bucketer->Index(spec.from_ms);
  const int64_t last = bucketer->Index(spec.to_ms - 1);
  for (int64_t index = first; index <= last && starts.size() < 100'000; ++index) {
    starts.push_back(bucketer->Start(index));
  }
  return starts;
}

void WriteOptional(JsonWriter& json, std::optional<double> value) {
  if (value) {
    json.Double(*value);
  } else {
    json.Null();
  }
}

void BeginFigure(JsonWriter& json, std::string_view name, std::optional<double> value,
                 std::optional<double> previous) {
  json.Key(name);
  json.BeginObject();
  json.Key("value");
  WriteOptional(json, value);
  json.Key("previous");
  WriteOptional(json, previous);
  json.Key("change_pct");
  WriteOptional(json, ChangePct(value, previous));
}

}  // namespace mltrack::analytics
