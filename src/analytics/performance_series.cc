// The time series of the Performance dashboard: one bucketed query for latency/TTFT percentiles
// and error and cache rates per bucket, the same figures ungrouped for the range and for the
// previous period (mostly answered from block summaries), and the SLO query.
#include <cmath>
#include <cstdio>
#include <map>

#include "analytics/dashboard_support.h"
#include "analytics/performance_sections.h"

namespace mltrack::analytics {
namespace {

constexpr double kPnn[4] = {50, 90, 95, 99};

struct SeriesColumns {
  size_t count = 0, error = 0, cache = 0;
  std::optional<size_t> latency_count;  // with an SLO
  size_t latency[4] = {0, 0, 0, 0};
  size_t ttft[4] = {0, 0, 0, 0};
};

// count:latency_ms (the SLO's denominator) only with an SLO: each metric a bucketed scan reads
// costs time per row.
Status AddSeriesMetrics(query::QuerySpec& spec, bool with_slo) {
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "rate:error", "rate:cache_hit"}));
  if (with_slo) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "count:latency_ms"));
  for (double level : kPnn) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, PercentileMetric(level, "latency_ms")));
  for (double level : kPnn) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, PercentileMetric(level, "ttft_ms")));
  return Status::OK();
}

Result<SeriesColumns> FindColumns(const query::QueryResult& result) {
  SeriesColumns columns;
  auto find = [&](std::string_view name, size_t& out) { return FindColumn(result, name, out); };
  MLTRACK_RETURN_IF_ERROR(find("count", columns.count));
  MLTRACK_RETURN_IF_ERROR(find("rate:error", columns.error));
  MLTRACK_RETURN_IF_ERROR(find("rate:cache_hit", columns.cache));
  if (Result<size_t> index = ColumnIndex(result, "count:latency_ms"); index.ok()) columns.latency_count = *index;
  for (int idx = 0; idx < 4; ++idx) {
    MLTRACK_RETURN_IF_ERROR(find(PercentileMetric(kPnn[idx], "latency_ms"), columns.latency[idx]));
    MLTRACK_RETURN_IF_ERROR(find(PercentileMetric(kPnn[idx], "ttft_ms"), columns.ttft[idx]));
  }
  return columns;
}

Percentiles ReadPercentiles(const std::vector<query::Cell>& row, const size_t (&index)[4]) {
  return Percentiles{CellNumber(row[index[0]]), CellNumber(row[index[1]]), CellNumber(row[index[2]]),
                     CellNumber(row[index[3]])};
}

// The figures of one result row: the range's, the previous period's, or a bucket's.
OverallFigures ReadFigures(const std::vector<query::Cell>& row, const SeriesColumns& columns, int64_t* latency_calls) {
  OverallFigures figures;
  figures.calls = CellInt(row[columns.count]).value_or(0);
  figures.error_rate = CellNumber(row[columns.error]);
  figures.errors = CountFromRate(figures.error_rate, figures.calls);
  figures.cache_hit_rate = CellNumber(row[columns.cache]);
  figures.latency = ReadPercentiles(row, columns.latency);
  figures.ttft = ReadPercentiles(row, columns.ttft);
  if (latency_calls && columns.latency_count) *latency_calls = CellInt(row[*columns.latency_count]).value_or(0);
  return figures;
}

Result<OverallFigures> Overall(const DashboardParams& params, int64_t from_ms, int64_t to_ms, const QueryRunner& run) {
  Result<query::QuerySpec> spec = OverallSpec(params, from_ms, to_ms);
  if (!spec.ok()) return spec.status();
  Result<query::QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  Result<SeriesColumns> columns = FindColumns(*result);
  if (!columns.ok()) return columns.status();
  if (result->rows.empty()) return OverallFigures{};
  return ReadFigures(result->rows.front(), *columns, nullptr);
}

// Calls per bucket of a FastCallsSpec's result.
std::map<int64_t, int64_t> CountsPerBucket(const query::QueryResult& result) {
  std::map<int64_t, int64_t> counts;
  for (const auto& row : result.rows) counts[CellInt(row[0]).value_or(0)] = CellInt(row[1]).value_or(0);
  return counts;
}

// Calls that succeeded faster than the objective, per bucket: the calls faster than it less the
// errors among them (a status is ok or error).
Result<std::map<int64_t, int64_t>> GoodCallsPerBucket(const DashboardParams& params, const query::BucketWidth& width,
                                                      double slo_ms, const QueryRunner& run) {
  std::map<int64_t, int64_t> counts[2];
  for (bool errors : {false, true}) {
    Result<query::QuerySpec> spec = FastCallsSpec(params, width, slo_ms, errors);
    if (!spec.ok()) return spec.status();
    Result<query::QueryResult> result = run(*spec);
    if (!result.ok()) return result.status();
    counts[errors] = CountsPerBucket(*result);
  }
  std::map<int64_t, int64_t> good = std::move(counts[0]);
  for (const auto& [bucket, fast_errors] : counts[1]) good[bucket] -= fast_errors;
  return good;
}

SloFigures SloFromCounts(double threshold_ms, double target, int64_t calls, int64_t good) {
  SloFigures slo;
  slo.threshold_ms = threshold_ms;
  slo.target = target;
  slo.calls = calls;
  slo.good = good;
  if (calls > 0) {
    const double bad_share = static_cast<double>(calls - good) / static_cast<double>(calls);
    const double allowed = 1.0 - target / 100.0;
    slo.compliance = 1.0 - bad_share;
    slo.budget_consumed = bad_share / allowed;
  }
  return slo;
}

}  // namespace

Status AddSeriesSection(const DashboardParams& params, const PerformanceOptions& options,
                        const QueryRunner& run, PerformanceReport& report) {
  Result<OverallFigures> now = Overall(params, params.from_ms, params.to_ms, run);
  if (!now.ok()) return now.status();
  report.now = *now;
  Result<OverallFigures> previous = Overall(params, report.previous_from_ms, params.from_ms, run);
  if (!previous.ok()) return previous.status();
  report.previous = *previous;

  Result<query::QuerySpec> spec = SeriesSpec(params, report.bucket, options.slo_ms.has_value());
  if (!spec.ok()) return spec.status();
  Result<query::QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  Result<SeriesColumns> columns = FindColumns(*result);
  if (!columns.ok()) return columns.status();
  std::map<int64_t, const std::vector<query::Cell>*> rows;
  for (const auto& row : result->rows) rows[CellInt(row[0]).value_or(0)] = &row;

  std::map<int64_t, int64_t> good;
  if (options.slo_ms) {
    Result<std::map<int64_t, int64_t>> counted = GoodCallsPerBucket(params, report.bucket, *options.slo_ms, run);
    if (!counted.ok()) return counted.status();
    good = std::move(*counted);
  }
  Result<std::vector<int64_t>> starts = BucketStarts(*spec);  // in the spec's zone
  if (!starts.ok()) return starts.status();
  int64_t slo_calls = 0, slo_good = 0;
  for (int64_t start : *starts) {
    BucketFigures bucket;
    bucket.t = start;
    auto found = rows.find(start);
    if (found != rows.end()) {
      OverallFigures figures = ReadFigures(*found->second, *columns, &bucket.slo_calls);
      bucket.calls = figures.calls;
      bucket.errors = figures.errors;
      bucket.error_rate = figures.error_rate;
      bucket.cache_hit_rate = figures.cache_hit_rate;
      bucket.latency = figures.latency;
      bucket.ttft = figures.ttft;
      auto good_found = good.find(start);
      bucket.slo_good = good_found == good.end() ? 0 : good_found->second;
      slo_calls += bucket.slo_calls;
      slo_good += bucket.slo_good;
    }
    report.buckets.push_back(std::move(bucket));
  }
  if (options.slo_ms) report.slo = SloFromCounts(*options.slo_ms, options.slo_target, slo_calls, slo_good);
  return Status::OK();
}

Result<query::QuerySpec> OverallSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms) {
  query::QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  MLTRACK_RETURN_IF_ERROR(AddSeriesMetrics(spec, false));
  return spec;
}

Result<query::QuerySpec> SeriesSpec(const DashboardParams& params, const query::BucketWidth& width, bool slo) {
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(spec, width);
  MLTRACK_RETURN_IF_ERROR(AddSeriesMetrics(spec, slo));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

// "slo_ms" as a filter literal.
Result<query::QuerySpec> FastCallsSpec(const DashboardParams& params, const query::BucketWidth& width, double slo_ms,
                                       bool errors) {
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(spec, width);
  if (errors) {
    query::Filter error;
    error.field = FieldRef{FieldId::kStatus, {}};
    error.op = query::FilterOp::kEq;
    error.values.emplace_back(std::string("error"));
    spec.filters.push_back(std::move(error));
  }
  query::Filter fast;
  fast.field = FieldRef{FieldId::kLatencyMs, {}};
  fast.op = query::FilterOp::kLt;
  fast.values.emplace_back(slo_ms);
  spec.filters.push_back(std::move(fast));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count"}));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

}  // namespace mltrack::analytics
