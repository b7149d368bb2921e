#pragma once
// The pieces of the cost report (cost_report.h), one concept per file: the spend grouped by
// team × experiment × model × provider and what folds out of it (cost_spend.cc), breakdowns by a
// high-cardinality dimension (cost_field_breakdown.cc), cost over time and the heatmap
// (cost_time.cc). Internal to analytics/.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/cost_report.h"

namespace mltrack::analytics::cost {

// The label of an absent dimension value, and of the rows beyond the top N.
inline constexpr std::string_view kNone = "(none)";
inline constexpr std::string_view kOther = "(other)";

// One row of the spend query: the events of one (team, experiment, model, provider).
struct SpendRow {
  std::string team;  // "(none)" when absent, like the other three
  std::string experiment;
  std::string model;
  std::string provider;
  int64_t calls = 0;
  int64_t priced_calls = 0;
  NanoUsd cost = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;
};

// The current period's spend, each part from the query that groups it least: the one-dimension
// and (model, provider) queries are answered from the blocks' value slices, the (team,
// experiment, model) cost paths of the flow (and, filtered, the one four-dimension query) from
// their hour cells (store/block_hour_cells.h), without reading rows.
// Internal error when a result is truncated (more than 100,000 groups), which cannot be folded.
struct CurrentSpend {
  std::map<std::string, std::vector<SpendRow>, std::less<>> by_dimension;  // "team" → rows of one team each
  std::vector<SpendRow> by_model;  // one row per (model, provider), every figure: all events once
  std::vector<SpendRow> by_path;   // one row per (team, experiment, model), only the cost
};
std::vector<query::QuerySpec> CurrentSpendSpecs(const DashboardParams& params);
Result<CurrentSpend> QueryCurrentSpend(const DashboardParams& params, const QueryRunner& run);

// The previous period's spend, as far as the report compares with it: totals, and the cost per
// value of each spend dimension. One query per dimension, each answered from the blocks' value
// slices without reading rows (the four-dimension spend query reads every row).
struct PreviousSpend {
  NanoUsd cost = 0;
  int64_t calls = 0;
  int64_t tokens = 0;                                                         // input + output
  std::map<std::string, std::map<std::string, NanoUsd>, std::less<>> cost_by;  // dimension → value → cost
};
std::vector<query::QuerySpec> PreviousSpendSpecs(const DashboardParams& params, int64_t from_ms, int64_t to_ms);
Result<PreviousSpend> QueryPreviousSpend(const DashboardParams& params, int64_t from_ms, int64_t to_ms,
                                         const QueryRunner& run);

// Totals of rows that hold every event once (CurrentSpend::by_model) and of the previous period.
CostTotals FoldTotals(const std::vector<SpendRow>& now, const PreviousSpend& before);

// Breakdown of `dimension` ("provider", "model", "experiment", "team") from its rows.
Breakdown SpendBreakdown(std::string_view dimension, const std::vector<SpendRow>& now, const PreviousSpend& before,
                         size_t top);

// team → experiment → model and provider → model, each layer cut to its `top` nodes by cost.
FlowGraph TeamFlow(const std::vector<SpendRow>& rows, size_t top);
FlowGraph ProviderFlow(const std::vector<SpendRow>& rows, size_t top);

// Per (provider, model): tokens, cost, list prices at `at_ms`, the input/output cost split and
// what prompt caching saved. `prices` may be null.
std::vector<ModelEfficiency> Efficiency(const std::vector<SpendRow>& rows,
                                        const PriceCatalogue* prices, int64_t at_ms);

// Unpriced calls and tokens by model. Folds from the spend rows when every model is wholly
// priced or wholly unpriced; otherwise asks one more query (cost_usd absent, by model).
Result<UnpricedUsage> Unpriced(const DashboardParams& params, const std::vector<SpendRow>& rows,
                               const QueryRunner& run);

// Breakdown of any dimension by its own queries (the top N by cost, BreakdownSpecs; then those
// N values' other figures, DetailBreakdownSpec, and previous cost, PreviousBreakdownSpec), for
// dimensions with many values (user, tags.<key>). `totals` gives the "(other)" row by difference.
Result<Breakdown> FieldBreakdown(const DashboardParams& params, const FieldRef& field,
                                 const CostTotals& totals, size_t top, const QueryRunner& run);

// The specs the functions above run, for RunAhead (cost_report.cc): the spend query; the first
// query of FieldBreakdown (the current top N by sum:cost_usd then count, with those two figures;
// empty when it cannot be built); the stacked cost over time in buckets of `width` (hourly first,
// ComputeCostOverTime).
std::vector<query::QuerySpec> BreakdownSpecs(const DashboardParams& params, const FieldRef& field, size_t top);

// FieldBreakdown's second query, which needs the first one's answer `current` (BreakdownSpecs):
// count:cost_usd, sum:input_tokens and sum:output_tokens by `field` over the range, filtered to
// the values of `current`'s rows — or, when one is "(none)", the top N again with every figure.
// nullopt when the spec cannot be built.
std::optional<query::QuerySpec> DetailBreakdownSpec(const DashboardParams& params, const FieldRef& field,
                                                    const query::QueryResult& current);

// FieldBreakdown's third query, which needs the first one's answer `current` (BreakdownSpecs):
// the previous period's cost by `field`, filtered to the values of `current`'s rows — all of the
// field's values (at most 10,000) when one of those rows is "(none)", which no filter names.
// nullopt when the spec cannot be built.
std::optional<query::QuerySpec> PreviousBreakdownSpec(const DashboardParams& params, const FieldRef& field,
                                                      const query::QueryResult& current);
Result<query::QuerySpec> StackSpec(const DashboardParams& params, const FieldRef& stack_by,
                                   const query::BucketWidth& width);
// StackSpec in hourly buckets, whose rows ComputeCostOverTime takes in any order (the result
// is not sorted: ~13,000 rows at 30 days × 18 models).
Result<query::QuerySpec> HourlyStackSpec(const DashboardParams& params, const FieldRef& stack_by);

// Cost over time stacked by options.stack_by, and the hour × weekday heatmap; one hourly scan
// serves both when the bucket is whole hours (or months) and the result fits.
Status ComputeCostOverTime(const DashboardParams& params, const CostOptions& options,
                           const QueryRunner& run, CostReport& report);

// The key of a result cell as a label: its string, "(none)" for null.
std::string KeyOf(const query::Cell& cell);

}  // namespace mltrack::analytics::cost
