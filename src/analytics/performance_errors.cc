// The error breakdowns of the Performance dashboard beyond the per-model query: errors per
// bucket × error_type × http_status × endpoint (only error rows are grouped), calls per endpoint
// (a count-only query, tallied per dictionary code), and the error types of the previous period.
#include <algorithm>
#include <map>

#include "analytics/dashboard_support.h"
#include "analytics/performance_sections.h"

namespace mltrack::analytics {
namespace {

query::Filter ErrorsOnly() {
  query::Filter filter;
  filter.field = FieldRef{FieldId::kStatus, {}};
  filter.op = query::FilterOp::kEq;
  filter.values.emplace_back(std::string("error"));
  return filter;
}

std::string KeyOf(const query::Cell& cell) {
  if (std::optional<int64_t> number = CellInt(cell)) return std::to_string(*number);
  std::string_view text = CellString(cell);
  return text.empty() ? kNoValue : std::string(text);
}

}  // namespace

std::vector<query::QuerySpec> ErrorSpecs(const DashboardParams& params, const query::BucketWidth& bucket,
                                         int64_t previous_from_ms) {
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.filters.push_back(ErrorsOnly());
  SetBucket(spec, bucket);
  spec.group_by = {FieldRef{FieldId::kErrorType, {}}, FieldRef{FieldId::kHttpStatus, {}},
                   FieldRef{FieldId::kEndpoint, {}}};
  spec.limit = query::kMaxQueryLimit;
  query::QuerySpec previous = BaseSpec(params, previous_from_ms, params.from_ms);
  previous.filters.push_back(ErrorsOnly());
  previous.group_by = {FieldRef{FieldId::kErrorType, {}}};
  previous.limit = query::kMaxQueryLimit;
  query::QuerySpec endpoints = BaseSpec(params, params.from_ms, params.to_ms);
  endpoints.group_by = {FieldRef{FieldId::kEndpoint, {}}};
  endpoints.limit = query::kMaxQueryLimit;
  std::vector<query::QuerySpec> specs = {std::move(spec), std::move(previous), std::move(endpoints)};
  for (query::QuerySpec& each : specs) {
    if (!AddMetrics(each, {"count"}).ok()) return {};
  }
  return specs;
}

Status AddErrorSection(const DashboardParams& params, const QueryRunner& run, PerformanceReport& report) {
  // Errors per bucket, error type, HTTP status and endpoint.
  const std::vector<query::QuerySpec> specs = ErrorSpecs(params, report.bucket, report.previous_from_ms);
  if (specs.size() != 3) return Status::Internal("the error section's queries could not be built");
  Result<query::QueryResult> errors = run(specs[0]);
  if (!errors.ok()) return errors.status();
  std::map<int64_t, std::map<std::string, int64_t>> by_bucket;
  std::map<std::string, int64_t> by_type, by_status, by_endpoint;
  for (const auto& row : errors->rows) {
    const int64_t count = CellInt(row[4]).value_or(0);
    const std::string type = KeyOf(row[1]);
    by_bucket[CellInt(row[0]).value_or(0)][type] += count;
    by_type[type] += count;
    by_status[KeyOf(row[2])] += count;
    by_endpoint[KeyOf(row[3])] += count;
  }
  for (BucketFigures& bucket : report.buckets) {
    auto found = by_bucket.find(bucket.t);
    if (found != by_bucket.end()) bucket.errors_by_type = std::move(found->second);
  }

  // The same error types over the previous period of equal length.
  Result<query::QueryResult> before = run(specs[1]);
  if (!before.ok()) return before.status();
  std::map<std::string, int64_t> previous_by_type;
  for (const auto& row : before->rows) previous_by_type[KeyOf(row[0])] += CellInt(row[1]).value_or(0);

  int64_t total = 0;
  for (const auto& [type, count] : by_type) total += count;
  for (const auto& [type, count] : by_type) {
    ErrorTypeFigures figures;
    figures.error_type = type;
    figures.errors = count;
    auto found = previous_by_type.find(type);
    figures.previous = found == previous_by_type.end() ? 0 : found->second;
    figures.change_pct = ChangePct(static_cast<double>(figures.errors), static_cast<double>(figures.previous));
    figures.share = static_cast<double>(count) / static_cast<double>(total);
    report.error_types.push_back(std::move(figures));
  }
  // Types that only the previous period had: 0 now, a change of −100 %.
  for (const auto& [type, count] : previous_by_type) {
    if (by_type.count(type)) continue;
    report.error_types.push_back({type, 0, count, ChangePct(0.0, static_cast<double>(count)), 0.0});
  }
  std::sort(report.error_types.begin(), report.error_types.end(), [](const ErrorTypeFigures& a, const ErrorTypeFigures& b) {
    if (a.errors != b.errors) return a.errors > b.errors;
    if (a.previous != b.previous) return a.previous > b.previous;
    return a.error_type < b.error_type;
  });
  for (const ErrorTypeFigures& figures : report.error_types) {
    if (figures.errors > 0) report.error_type_order.push_back(figures.error_type);
  }
  for (const auto& [status, count] : by_status) {
    report.errors_by_http_status.push_back({status, count, static_cast<double>(count) / static_cast<double>(total)});
  }
  std::stable_sort(report.errors_by_http_status.begin(), report.errors_by_http_status.end(),
                   [](const HttpStatusErrors& a, const HttpStatusErrors& b) { return a.errors > b.errors; });

  // Calls per endpoint, with the errors counted above.
  Result<query::QueryResult> per_endpoint = run(specs[2]);
  if (!per_endpoint.ok()) return per_endpoint.status();
  std::map<std::string, std::pair<int64_t, int64_t>> endpoint_counts;
  for (const auto& row : per_endpoint->rows) endpoint_counts[KeyOf(row[0])].first += CellInt(row[1]).value_or(0);
  for (const auto& [endpoint, count] : by_endpoint) endpoint_counts[endpoint].second += count;
  report.errors_by_endpoint = TopSlices(Slices(endpoint_counts), 10);
  return Status::OK();
}

}  // namespace mltrack::analytics
