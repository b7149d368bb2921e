#pragma once
// The Model Comparison dashboard (seed brief §4; DESIGN.md §7 `/api/analytics/models/compare`;
// JSON and every definition in docs/api.md): per model cost per 1K tokens, quality scores with
// 95 % intervals, latency and TTFT percentiles, tokens/s, error rate with a Wilson interval, cache
// hit rate and feature support; then a radar, cost-vs-quality points with the Pareto frontier
// and a weighted decision matrix (model_ranking.h). Two QuerySpecs through `run`: models and
// providers by calls (a count), then every figure of the chosen models in one grouped scan.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/model_facts.h"
#include "analytics/query_runner.h"
#include "analytics/stats/summary.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::analytics {

inline constexpr size_t kDefaultCompareModels = 5;
inline constexpr size_t kMaxCompareModels = 10;

// The dashboard's own parameters (beyond the common ones).
struct CompareRequest {
  std::vector<std::string> models;  // empty = the top kDefaultCompareModels by calls
  std::string quality;              // "scores.<name>"; empty = the best covered score
  std::vector<std::pair<std::string, double>> weights;  // metric → weight, as given
};

// The names of the parameters CompareRequest takes, for ParseDashboardParams' extra_allowed.
const std::vector<std::string>& CompareParamNames();

// Parses models (comma-separated, at most kMaxCompareModels, no duplicates), quality and weights
// (`metric:weight,...`; default cost:0.4,quality:0.4,latency:0.2). InvalidArgument naming the
// parameter. Metric names and score names are checked later, against the data.
Result<CompareRequest> ParseCompareRequest(const QueryParams& params);

struct ScoreSummary {
  std::string name;  // without "scores."
  stats::SampleSummary sample;
  std::optional<stats::Interval> ci95;  // t interval of the mean
};

struct Percentiles {
  std::optional<double> p50, p90, p95, p99;
};

// One model's figures over the selected events. Missing data is nullopt, never 0.
struct ModelFigures {
  std::string model;
  std::string provider;  // the events' provider with most of the model's calls
  int64_t calls = 0;
  int64_t priced_calls = 0;
  NanoUsd cost = 0;  // of the priced calls
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  std::optional<double> cost_per_call_usd;     // cost / priced calls
  // Blended: cost per priced call / (input + output tokens per call) × 1000.
  std::optional<double> cost_per_1k_usd;
  std::optional<double> list_input_per_1k_usd;  // the catalogue's list prices
  std::optional<double> list_output_per_1k_usd;
  Percentiles latency_ms;
  Percentiles ttft_ms;
  std::optional<double> tokens_per_s;  // median output tokens per second of a call
  int64_t errors = 0;
  std::optional<double> error_rate;
  std::optional<stats::Interval> error_rate_ci95;  // Wilson
  std::optional<double> cache_hit_rate;
  std::optional<double> streaming_share;  // share of calls streamed
  int64_t reasoning_calls = 0;            // calls that reported reasoning tokens
  std::vector<ScoreSummary> scores;       // scores with at least one value, by name
  bool in_catalogue = false;
  ModelFacts facts;
};

// The models compared, in the order asked (or by calls, descending, for the default).
struct ModelComparison {
  std::vector<ModelFigures> models;
  std::vector<std::string> score_names;  // every score name of the store (the query asked each)
  bool default_models = false;           // `models` was not given
};

struct CompareContext {
  std::vector<std::string> score_names;  // the store's score names (backend Fields())
  ModelFactsLookup facts;                // may be empty: no catalogue
};

// The figures of the models. InvalidArgument naming `models` when a named model has no event in
// the range and filters. An empty result (no models) when nothing matches and none were named.
Result<ModelComparison> CompareModels(const DashboardParams& params, const CompareRequest& request,
                                      const QueryRunner& run, const CompareContext& context);

// The whole response body: the comparison plus radar, cost_quality and decision. InvalidArgument
// naming `quality` or `weights` for a score or metric the comparison does not have.
Result<std::string> ModelCompareJson(const DashboardParams& params, const CompareRequest& request,
                                     const QueryRunner& run, const CompareContext& context);

}  // namespace mltrack::analytics
