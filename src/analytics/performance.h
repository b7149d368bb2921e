#pragma once
// The Performance Monitoring dashboard (brief §3; DESIGN.md §7 `/api/analytics/performance`;
// the JSON shape and every definition are in docs/api.md): latency and TTFT percentiles over
// time and per model, throughput, box/violin distributions, errors by every dimension with the
// previous period, cache hits, a model × metric matrix, an optional latency SLO, and the
// annotations of the range. Computed by QuerySpecs through `run` into a PerformanceReport,
// written as JSON by PerformanceJson.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/annotation.h"
#include "analytics/dashboard_params.h"
#include "analytics/distribution.h"
#include "analytics/matrix_scores.h"
#include "analytics/query_runner.h"
#include "core/event.h"
#include "core/status.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {

// The parameters beyond the common ones (docs/api.md).
struct PerformanceOptions {
  size_t top_models = 10;             // `top`: models with per-model figures, most calls first
  std::optional<double> slo_ms;       // `slo_ms`: a latency objective
  double slo_target = 99.0;           // `slo_target`: percent of calls meeting it
  bool demo = false;                  // the store holds demo traffic
};

// The parameter names PerformanceOptions reads (for ParseDashboardParams' extra_allowed).
const std::vector<std::string>& PerformanceParamNames();

// Reads top, slo_ms and slo_target; InvalidArgument naming the parameter otherwise.
Result<PerformanceOptions> ParsePerformanceOptions(const QueryParams& params);

struct Percentiles {
  std::optional<double> p50, p90, p95, p99;
};

// Calls and errors of one value of a dimension; `rate` is errors / calls (null without calls).
struct ErrorSlice {
  std::string key;  // the value ("(none)" for events without it); http_status as its number
  int64_t calls = 0;
  int64_t errors = 0;
  std::optional<double> rate;
};

struct ModelPerformance {
  std::string model;     // "(none)" for events without a model
  std::string provider;  // "" when absent
  int64_t calls = 0;
  int64_t errors = 0;
  std::optional<double> error_rate;
  std::optional<double> cache_hit_rate;
  Percentiles latency, ttft;
  int64_t ttft_calls = 0;  // calls with a time to first token (streamed)
  // Output tokens per second of generation (the query model's tokens_per_s = output_tokens /
  // ((latency − ttft) / 1000), over the calls that have all three and latency > ttft).
  std::optional<double> tokens_per_s_p50, tokens_per_s_p90;
  std::optional<double> cost_per_1k_tokens;  // USD; null when unpriced or without tokens
  std::optional<BoxViolin> distribution;     // of latency_ms
};

struct BucketFigures {
  int64_t t = 0;
  int64_t calls = 0;  // 0 = a gap (no events): every figure below is null
  int64_t errors = 0;
  std::optional<double> error_rate, cache_hit_rate;
  Percentiles latency, ttft;
  std::map<std::string, int64_t> errors_by_type;  // "(none)" for errors without error_type
  // With an SLO: calls with a latency, and those that succeeded faster than slo_ms.
  int64_t slo_calls = 0, slo_good = 0;
};

// Errors with one HTTP status ("(none)" when the event has none).
struct HttpStatusErrors {
  std::string http_status;
  int64_t errors = 0;
  double share = 0;  // of all errors in range
};

struct ErrorTypeFigures {
  std::string error_type;
  int64_t errors = 0;
  int64_t previous = 0;  // in the previous period of equal length
  std::optional<double> change_pct;
  double share = 0;  // of this period's errors
};

struct SloFigures {
  double threshold_ms = 0;
  double target = 0;  // percent
  int64_t calls = 0, good = 0;
  std::optional<double> compliance;       // good / calls
  // Share of the range's error budget used: bad / ((1 − target/100) · calls), where bad =
  // calls − good; above 1 the objective is missed. Per bucket the same ratio is the burn rate.
  std::optional<double> budget_consumed;
};

// A cell of the TTFT × output-length histogram, drawn as one point of the scatter.
struct ScatterCell {
  std::string model;
  double output_tokens_lo = 0, output_tokens_hi = 0;
  double ttft_ms_lo = 0, ttft_ms_hi = 0;
  int64_t calls = 0;
};

struct OverallFigures {
  int64_t calls = 0, errors = 0;
  std::optional<double> error_rate, cache_hit_rate;
  Percentiles latency, ttft;
};

// The model × metric comparison: raw values and 0..1 scores (1 = best row of the column).
struct MatrixColumn {
  std::string key;    // "latency_p50_ms", ...
  std::string label;  // "Latency p50"
  std::string unit;   // "ms", "tokens/s", "ratio", "usd"
  bool lower_is_better = true;
};

struct MatrixRow {
  std::string model, provider;
  int64_t calls = 0;
  std::vector<std::optional<double>> values, scores;  // parallel to the columns
};

struct Matrix {
  std::vector<MatrixColumn> columns;
  std::vector<MatrixRow> rows;  // the top models, most calls first
};

struct PerformanceReport {
  int64_t from_ms = 0, to_ms = 0, previous_from_ms = 0;
  query::BucketWidth bucket;
  std::string bucket_label;  // "6h", "1d", ...
  bool demo = false;
  size_t models_total = 0;  // models with events in range (per-model lists hold the top ones)
  OverallFigures now, previous;
  std::vector<BucketFigures> buckets;  // every bucket of the range, gaps included
  std::vector<ModelPerformance> models;    // top models by calls
  std::vector<ErrorSlice> errors_by_model, errors_by_provider, errors_by_endpoint;
  std::vector<HttpStatusErrors> errors_by_http_status;  // by errors, descending
  std::vector<ErrorTypeFigures> error_types;  // by errors, descending
  std::vector<std::string> error_type_order;  // the stack order of errors_by_type per bucket
  Matrix matrix;
  std::optional<SloFigures> slo;
  std::vector<ScatterCell> scatter;
  double scatter_output_width = 0, scatter_ttft_width = 0;
  int64_t scatter_sampled_calls = 0;  // streamed calls the cells count
  bool scatter_sampled = false;       // from time windows (false: every streamed call of the range)
  std::vector<Annotation> annotations;
};

// Computes the report over params' range and filters. `annotations` are those the store holds
// for the range; the report keeps the ones that concern the filtered view. Errors are those of
// the queries (InvalidArgument for a bad bucket). Thread-safe when `run` is.
Result<PerformanceReport> ComputePerformance(const DashboardParams& params, const PerformanceOptions& options,
                                             const QueryRunner& run, std::vector<Annotation> annotations);

// The response body of GET /api/analytics/performance.
std::string PerformanceJson(const PerformanceReport& report);

}  // namespace mltrack::analytics
