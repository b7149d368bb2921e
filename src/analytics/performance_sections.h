#pragma once
// The sections of the Performance dashboard (performance.h), one query group each, filling a
// PerformanceReport. Internal to performance*.cc; each states the QuerySpecs it runs.

#include <map>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

#include "analytics/performance.h"

namespace mltrack::analytics {

// The key of events without a value of the dimension (no model, no error_type, ...).
inline constexpr const char* kNoValue = "(none)";

// One query grouped by (provider, model) over the range: calls, error and cache rates, the
// latency percentile levels of the box/violin and pNN, TTFT pNN, tokens/s p50 and p90, cost and
// tokens.
// Fills models (top N), errors_by_model, errors_by_provider and models_total.
Status AddModelSection(const DashboardParams& params, const PerformanceOptions& options,
                       const QueryRunner& run, PerformanceReport& report);

// The bucketed query (latency/TTFT pNN, error and cache rates per bucket), the same figures
// ungrouped for the range and the previous period, and the SLO query when asked for.
Status AddSeriesSection(const DashboardParams& params, const PerformanceOptions& options,
                        const QueryRunner& run, PerformanceReport& report);

// Errors by bucket × error_type × http_status, calls and errors by endpoint, and error types
// of the previous period. Needs `report.buckets` (AddSeriesSection) for the per-bucket totals.
Status AddErrorSection(const DashboardParams& params, const QueryRunner& run, PerformanceReport& report);

// The TTFT × output-length histogram of a time sample of the streamed calls of the top models
// (performance_scatter.cc). Needs report.models and report.now.
Status AddScatterSection(const DashboardParams& params, const QueryRunner& run, PerformanceReport& report);

// The queries of the sections above, for RunAhead (performance.cc): each section builds its
// specs with these, so a spec named ahead is the one it asks for.
Result<query::QuerySpec> OverallSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms);
Result<query::QuerySpec> SeriesSpec(const DashboardParams& params, const query::BucketWidth& width, bool slo);
// Calls faster than slo_ms per bucket, of any status or (`errors`) errors only: the SLO's good
// calls are the first less the second. Two queries read less than one filtered by status = ok
// and latency: a rare status's rows are listed per block (docs/query.md, "Execution").
Result<query::QuerySpec> FastCallsSpec(const DashboardParams& params, const query::BucketWidth& width, double slo_ms,
                                       bool errors);
Result<query::QuerySpec> ModelSpec(const DashboardParams& params);
// Errors by bucket × type × status × endpoint, error types of the previous period, calls by
// endpoint; empty when they cannot be built.
std::vector<query::QuerySpec> ErrorSpecs(const DashboardParams& params, const query::BucketWidth& bucket,
                                         int64_t previous_from_ms);

// The comparison matrix of `models` (the top models): columns, raw values and scores.
Matrix BuildMatrix(const std::vector<ModelPerformance>& models);

// A slice with its rate (errors / calls; null without calls).
ErrorSlice Slice(std::string key, int64_t calls, int64_t errors);
// One slice per map entry (key → calls, errors).
std::vector<ErrorSlice> Slices(const std::map<std::string, std::pair<int64_t, int64_t>>& counts);
// Slices by errors (then calls, then key), the first `top` kept and the rest folded into one
// "(other)" slice, so that the counts still add up to the whole.
std::vector<ErrorSlice> TopSlices(std::vector<ErrorSlice> slices, size_t top);

// Sets `index` to the column `name` of `result`; Internal when it is missing (a bug here).
Status FindColumn(const query::QueryResult& result, std::string_view name, size_t& index);

// "p2.5:latency_ms" for level 2.5 of field latency_ms.
std::string PercentileMetric(double level, std::string_view field);

// The number of events a rate covers, back from rate × calls (a rate is errors / calls rounded
// once, so this is exact).
int64_t CountFromRate(std::optional<double> rate, int64_t calls);

}  // namespace mltrack::analytics
