#pragma once
// The Cost Analysis dashboard (seed brief §2; DESIGN.md §7 `/api/analytics/cost`; the JSON shape
// and every definition are in docs/api.md): totals against the previous period, breakdowns by
// provider, model, experiment, user, team and tag keys, cost over time stacked by a dimension,
// an hour × weekday heatmap, cost flows for sankey diagrams, per-model token efficiency and the
// unpriced calls. Computed as a typed CostReport from QuerySpecs through the runner (never the
// store), then written as JSON in one place (CostReportJson), so a live push, exports and a
// ClickHouse differential test can reuse the result.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "core/event.h"
#include "core/field.h"
#include "core/price_catalogue.h"
#include "core/status.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {

// The cost dashboard's own parameters, beyond the common ones of DashboardParams.
struct CostOptions {
  std::vector<FieldRef> tag_breakdowns;          // breakdown=tags.<key>, repeatable
  FieldRef stack_by{FieldId::kModel, {}};        // stack_by=model|provider|experiment|team|user|tags.<key>
  size_t top = 10;                               // rows per breakdown before "(other)"
};

// The names ParseCostOptions reads (pass them to ParseDashboardParams as `extra_allowed`).
const std::vector<std::string>& CostParamNames();

// Parses breakdown, stack_by and top (tz, which aligns the buckets and the heatmap, is one of the
// common DashboardParams). InvalidArgument naming the parameter otherwise.
Result<CostOptions> ParseCostOptions(const QueryParams& params);

// A figure over the range and over the previous period of equal length.
struct CostTotals {
  NanoUsd cost = 0;
  NanoUsd previous_cost = 0;
  int64_t calls = 0;
  int64_t previous_calls = 0;
  int64_t priced_calls = 0;  // calls with a cost (the rest are unpriced)
  int64_t tokens = 0;        // input + output
  int64_t previous_tokens = 0;
};

struct BreakdownRow {
  std::string key;      // the dimension's value; "(none)" when absent, "(other)" for the tail
  NanoUsd cost = 0;
  int64_t calls = 0;
  int64_t priced_calls = 0;
  int64_t tokens = 0;
  std::optional<NanoUsd> previous_cost;  // nullopt when unknown (a truncated previous query)
};

struct Breakdown {
  std::string dimension;  // "provider", "model", ..., "tags.feature"
  int64_t distinct = 0;   // values in the range, before the top N
  std::vector<BreakdownRow> rows;  // top N by cost, then "(other)" when there are more
};

struct CostSeries {
  std::string name;             // a stack_by value, "(none)" or "(other)"
  std::vector<NanoUsd> cost;    // per bucket of CostOverTime::starts
};

struct CostOverTime {
  std::string stack_by;
  std::string bucket;            // "1h", "6h", "1d", ...
  query::BucketWidth width;
  std::vector<int64_t> starts;   // every bucket of the range, empty ones included
  std::vector<bool> has_events;  // false: a gap (no events in the bucket)
  std::vector<CostSeries> series;  // by total cost, largest first
};

struct HeatCell {
  NanoUsd cost = 0;  // of the priced calls
  int64_t calls = 0;
};

// Totals per local weekday (0 = Monday) and hour of day in `tz`.
struct CostHeatmap {
  std::string tz;
  std::array<std::array<HeatCell, 24>, 7> cells{};
};

struct FlowNode {
  std::string id;    // "<kind>:<name>", unique in the graph
  std::string kind;  // "team", "experiment", "model", "provider"
  std::string name;
  NanoUsd cost = 0;
};

struct FlowLink {
  std::string source;  // node ids
  std::string target;
  NanoUsd cost = 0;
};

struct FlowGraph {
  std::vector<FlowNode> nodes;
  std::vector<FlowLink> links;  // only links that carry cost
};

struct ModelEfficiency {
  std::string provider;
  std::string model;
  int64_t calls = 0;
  int64_t priced_calls = 0;
  NanoUsd cost = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;
  // From the price catalogue (nano-USD per million tokens); nullopt when it does not know the
  // model. Cached input without a cache-read price bills as input, so it saves nothing.
  std::optional<int64_t> list_input_per_mtok;
  std::optional<int64_t> list_cache_read_per_mtok;
  std::optional<int64_t> list_output_per_mtok;
  // The model's cost split into its input and output parts in proportion to their list prices
  // (nullopt without catalogue prices or without cost).
  std::optional<double> input_cost_usd;
  std::optional<double> output_cost_usd;
  std::optional<NanoUsd> caching_saved;  // cached tokens × (input − cache-read list price)
};

struct UnpricedModel {
  std::string provider;
  std::string model;
  int64_t calls = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

struct UnpricedUsage {
  int64_t calls = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  std::vector<UnpricedModel> models;  // most calls first
};

struct CostReport {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  bool demo = false;
  CostTotals totals;
  std::vector<Breakdown> breakdowns;  // provider, model, experiment, user, team, then tag keys
  CostOverTime over_time;
  CostHeatmap heatmap;
  FlowGraph team_flow;      // team → experiment → model
  FlowGraph provider_flow;  // provider → model
  std::vector<ModelEfficiency> efficiency;  // by cost, largest first
  UnpricedUsage unpriced;
};

// What the cost report needs beyond the queries.
struct CostContext {
  bool demo = false;
  const PriceCatalogue* prices = nullptr;  // list prices for efficiency; may be null
};

// Computes the report. Errors are those of the queries (InvalidArgument for a bad bucket).
// Thread-safe when `run` is.
Result<CostReport> ComputeCostReport(const DashboardParams& params, const CostOptions& options,
                                     const QueryRunner& run, const CostContext& context);

// The response body of GET /api/analytics/cost.
std::string CostReportJson(const CostReport& report);

}  // namespace mltrack::analytics
