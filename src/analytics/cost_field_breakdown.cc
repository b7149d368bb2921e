// A breakdown by a dimension with many values (user, tags.<key>): the top N by cost in one query,
// then the previous period's cost of those N values in another (filtered to them: not all 10,000
// users); "(other)" by difference from the totals.
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
  if (!AddMetrics(spec, {"count", "count:cost_usd", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens"}).ok()) {
    return {};
  }
  spec.order_by = {{"sum:cost_usd", true}, {"count", true}};
  spec.limit = static_cast<int64_t>(top);
  return {std::move(spec)};
}

std::optional<QuerySpec> PreviousBreakdownSpec(const DashboardParams& params, const FieldRef& field,
                                               const QueryResult& current) {
  const int64_t length = params.to_ms - params.from_ms;
  QuerySpec before = BaseSpec(params, params.from_ms - length, params.from_ms);
  before.group_by = {field};
  if (!AddMetrics(before, {"sum:cost_usd"}).ok()) return std::nullopt;
  before.order_by = {{"sum:cost_usd", true}};
  before.limit = kPreviousValues;
  // Only the current top values' previous cost is shown, so only they are asked for — unless one
  // is "(none)" (absent), which an `in` filter cannot name: then every value, as before.
  query::Filter top_values;
  top_values.field = field;
  top_values.op = query::FilterOp::kIn;
  for (const auto& cells : current.rows) {
    const std::string* value = std::get_if<std::string>(&cells[0]);
    if (value == nullptr || value->empty()) return before;
    top_values.values.emplace_back(*value);
  }
  if (top_values.values.empty()) return before;
  before.filters.push_back(std::move(top_values));
  before.order_by.clear();  // at most `top` rows: all of them fit
  return before;
}

Result<Breakdown> FieldBreakdown(const DashboardParams& params, const FieldRef& field,
                                 const CostTotals& totals, size_t top, const QueryRunner& run) {
  const std::vector<QuerySpec> specs = BreakdownSpecs(params, field, top);
  if (specs.size() != 1) return Status::Internal("the breakdown query of " + field.Name() + " could not be built");
  Result<QueryResult> current = run(specs[0]);
  if (!current.ok()) return current.status();
  const std::optional<QuerySpec> previous_spec = PreviousBreakdownSpec(params, field, *current);
  if (!previous_spec) return Status::Internal("the previous breakdown query of " + field.Name() + " could not be built");
  Result<QueryResult> previous = run(*previous_spec);
  if (!previous.ok()) return previous.status();
  std::unordered_map<std::string, NanoUsd> previous_cost;
  for (const auto& cells : previous->rows) {
    previous_cost[KeyOf(cells[0])] = CellNanoUsd(cells[1]).value_or(0);
  }
  // A value missing from a complete previous result had no events then: 0. From a truncated one
  // it is unknown.
  const bool previous_complete = !previous->truncated;

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
    row.priced_calls = CellInt(cells[2]).value_or(0);
    row.cost = CellNanoUsd(cells[3]).value_or(0);
    row.tokens = CellInt(cells[4]).value_or(0) + CellInt(cells[5]).value_or(0);
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
