// A breakdown by a dimension with many values (user, tags.<key>): the top N by cost in one query
// (with only the figures it ranks by: merging 10,000 users' figures is its cost), then, in one
// batch, the other figures of those N values and their previous period's cost (both filtered to
// them); "(other)" by difference from the totals.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <variant>

#include "analytics/cost_sections.h"
#include "analytics/dashboard_support.h"

namespace mltrack::analytics::cost {
namespace {

using query::QueryResult;
using query::QuerySpec;

// The previous period's cost per value; at most this many values are kept (more are "unknown").
constexpr int64_t kPreviousValues = 10'000;

}  // namespace

std::vector<QuerySpec> BreakdownSpecs(const DashboardParams& params, const FieldRef& field, size_t top) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {field};
  if (!AddMetrics(spec, {"count", "sum:cost_usd"}).ok()) return {};
  spec.order_by = {{"sum:cost_usd", true}, {"count", true}};
  spec.limit = static_cast<int64_t>(top);
  return {std::move(spec)};
}

namespace {

// `field` in the values of `current`'s rows; nullopt when one of them is "(none)" (absent), which
// an `in` filter cannot name, or there are none.
std::optional<query::Filter> TopValuesFilter(const FieldRef& field, const QueryResult& current) {
  query::Filter top_values;
  top_values.field = field;
  top_values.op = query::FilterOp::kIn;
  for (const auto& cells : current.rows) {
    const std::string* value = std::get_if<std::string>(&cells[0]);
    if (value == nullptr || value->empty()) return std::nullopt;
    top_values.values.emplace_back(*value);
  }
  if (top_values.values.empty()) return std::nullopt;
  return top_values;
}

}  // namespace

std::optional<QuerySpec> DetailBreakdownSpec(const DashboardParams& params, const FieldRef& field,
                                             const QueryResult& current) {
  QuerySpec details = BaseSpec(params, params.from_ms, params.to_ms);
  details.group_by = {field};
  if (!AddMetrics(details, {"count:cost_usd", "sum:input_tokens", "sum:output_tokens"}).ok()) return std::nullopt;
  std::optional<query::Filter> top_values = TopValuesFilter(field, current);
  if (top_values) {
    details.filters.push_back(std::move(*top_values));
  } else {
    // The same rows as `current`'s: its order and limit, ties broken the same way.
    details.metrics.clear();
    if (!AddMetrics(details, {"count", "count:cost_usd", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens"}).ok()) {
      return std::nullopt;
    }
    details.order_by = {{"sum:cost_usd", true}, {"count", true}};
    details.limit = std::max<int64_t>(static_cast<int64_t>(current.rows.size()), 1);
  }
  return details;
}

std::optional<QuerySpec> PreviousBreakdownSpec(const DashboardParams& params, const FieldRef& field,
                                               const QueryResult& current) {
  const int64_t length = params.to_ms - params.from_ms;
  QuerySpec before = BaseSpec(params, params.from_ms - length, params.from_ms);
  before.group_by = {field};
  if (!AddMetrics(before, {"sum:cost_usd"}).ok()) return std::nullopt;
  // Only the current top values' previous cost is shown, so only they are asked for — unless one
  // is "(none)": then every value, as many as kPreviousValues.
  std::optional<query::Filter> top_values = TopValuesFilter(field, current);
  if (top_values) {
    before.filters.push_back(std::move(*top_values));  // at most `top` rows: all of them fit
  } else {
    before.order_by = {{"sum:cost_usd", true}};
    before.limit = kPreviousValues;
  }
  return before;
}

Result<Breakdown> FieldBreakdown(const DashboardParams& params, const FieldRef& field,
                                 const CostTotals& totals, size_t top, const QueryRunner& run) {
  const std::vector<QuerySpec> specs = BreakdownSpecs(params, field, top);
  if (specs.size() != 1) return Status::Internal("the breakdown query of " + field.Name() + " could not be built");
  Result<QueryResult> current = run(specs[0]);
  if (!current.ok()) return current.status();
  std::optional<QuerySpec> details_spec = DetailBreakdownSpec(params, field, *current);
  std::optional<QuerySpec> previous_spec = PreviousBreakdownSpec(params, field, *current);
  if (!details_spec || !previous_spec) {
    return Status::Internal("the breakdown queries of " + field.Name() + " could not be built");
  }
  const QuerySpec dependent[] = {std::move(*details_spec), std::move(*previous_spec)};
  std::vector<Result<QueryResult>> answers = run.RunBatch(dependent);
  for (const Result<QueryResult>& answer : answers) {
    if (!answer.ok()) return answer.status();
  }
  const QueryResult& details = *answers[0];
  const QueryResult& previous = *answers[1];
  // count:cost_usd, sum:input_tokens and sum:output_tokens of each current value, from the
  // columns of those names.
  struct Detail {
    int64_t priced_calls = 0;
    int64_t tokens = 0;
  };
  auto column = [&details](std::string_view name) {
    for (size_t idx = 0; idx < details.columns.size(); ++idx) {
      if (details.columns[idx] == name) return idx;
    }
    return details.columns.size();
  };
  const size_t priced_column = column("count:cost_usd");
  const size_t input_column = column("sum:input_tokens");
  const size_t output_column = column("sum:output_tokens");
  if (output_column == details.columns.size() || priced_column == details.columns.size() ||
      input_column == details.columns.size()) {
    return Status::Internal("the breakdown details of " + field.Name() + " lack a column");
  }
  std::unordered_map<std::string, Detail> detail_of;
  for (const auto& cells : details.rows) {
    detail_of[KeyOf(cells[0])] = {CellInt(cells[priced_column]).value_or(0),
                                  CellInt(cells[input_column]).value_or(0) + CellInt(cells[output_column]).value_or(0)};
  }
  std::unordered_map<std::string, NanoUsd> previous_cost;
  for (const auto& cells : previous.rows) {
    previous_cost[KeyOf(cells[0])] = CellNanoUsd(cells[1]).value_or(0);
  }
  // A value missing from a complete previous result had no events then: 0. From a truncated one
  // it is unknown.
  const bool previous_complete = !previous.truncated;

  Breakdown breakdown;
  breakdown.dimension = field.Name();
  breakdown.distinct = static_cast<int64_t>(current->total_groups);
  BreakdownRow other;
  other.key = std::string(kOther);
  other.cost = totals.cost;
  other.calls = totals.calls;
  other.priced_calls = totals.priced_calls;
  other.tokens = totals.tokens;
  NanoUsd previous_of_top = 0;
  bool previous_of_top_known = true;
  for (const auto& cells : current->rows) {
    BreakdownRow row;
    row.key = KeyOf(cells[0]);
    row.calls = CellInt(cells[1]).value_or(0);
    row.cost = CellNanoUsd(cells[2]).value_or(0);
    const Detail& detail = detail_of[row.key];
    row.priced_calls = detail.priced_calls;
    row.tokens = detail.tokens;
    auto found = previous_cost.find(row.key);
    if (found != previous_cost.end()) {
      row.previous_cost = found->second;
    } else if (previous_complete) {
      row.previous_cost = 0;
    }
    if (row.previous_cost) {
      previous_of_top += *row.previous_cost;
    } else {
      previous_of_top_known = false;
    }
    other.cost -= row.cost;
    other.calls -= row.calls;
    other.priced_calls -= row.priced_calls;
    other.tokens -= row.tokens;
    breakdown.rows.push_back(std::move(row));
  }
  if (current->total_groups > current->rows.size()) {
    if (previous_of_top_known) other.previous_cost = totals.previous_cost - previous_of_top;
    breakdown.rows.push_back(std::move(other));
  }
  return breakdown;
}

}  // namespace mltrack::analytics::cost
