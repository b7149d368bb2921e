#pragma once
// The search forms MLflow clients send to runs/search and experiments/search: a filter string
// of comparisons joined by AND (`metrics.rmse < 1 and params.model = 'x' and
// tags.\`mlflow.runName\` LIKE 'a%' and attributes.status IN ('FINISHED','FAILED')`) and
// `order_by` entries (`metrics.rmse DESC`, `attributes.start_time`). Grammar and supported
// keys: docs/integrations/mlflow.md#search. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

enum class KeyKind { kAttribute, kMetric, kParam, kTag };

// One comparison: `<kind>.<key> <op> <value>`.
struct Comparison {
  KeyKind kind = KeyKind::kAttribute;
  std::string key;
  std::string op;  // "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN"
  std::vector<std::string> strings;  // the value (one, or the IN list) when a string
  std::optional<double> number;      // the value when a number
};

using SearchFilter = std::vector<Comparison>;  // all must hold

struct OrderKey {
  KeyKind kind = KeyKind::kAttribute;
  std::string key;
  bool ascending = true;
};

// Parses a runs/search filter; empty text is no filter. InvalidArgument names the field
// "filter" and what is wrong (an unknown attribute, a string compared with a metric, ...).
Result<SearchFilter> ParseRunFilter(std::string_view text);
// Parses an experiments/search filter (attribute `name`, `tags.<key>`).
Result<SearchFilter> ParseExperimentFilter(std::string_view text);
bool RunMatches(const SearchFilter& filter, const Run& run);
bool ExperimentMatches(const SearchFilter& filter, const Experiment& experiment);

// Parses runs/search `order_by` entries; InvalidArgument names the field "order_by".
Result<std::vector<OrderKey>> ParseRunOrder(const std::vector<std::string>& entries);
// Sorts by `order` then MLflow's default (start_time descending, then run_id); runs without
// an ordered metric or param go last, as in MLflow.
void SortRuns(std::vector<Run>& runs, const std::vector<OrderKey>& order);

}  // namespace mltrack::mlflow
