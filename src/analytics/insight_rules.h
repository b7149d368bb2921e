#pragma once
// The rules behind /api/analytics/insights, one function each (docs/analytics/insights.md states
// each rule's condition, thresholds and saving). A rule appends its insights and returns an
// empty string, or returns the reason it could not run.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analytics/insights.h"

namespace mltrack::analytics {

struct RuleInput {
  const DashboardParams& params;
  const std::string& quality_score;
  const InsightsContext& context;
  const QueryRunner& run;
  // 30 / length of [from, to) in days: a saving seen over the window, times this, is monthly.
  double month_factor = 1;
};

// The field that carries a hash of the call's input (the exact-cache rule groups by it).
inline constexpr std::string_view kInputHashField = "input_hash";

// Repeated identical prompts (same input hash) an exact cache would have answered.
Result<std::string> ExactCacheRule(const RuleInput& input, std::vector<Insight>& out);
// An expensive model used for short outputs where a cheaper model in the same experiment has a
// similar measured quality score and error rate.
Result<std::string> CheaperModelRule(const RuleInput& input, std::vector<Insight>& out);
// Experiments and users whose last 7 days cost well above their own previous 21 days.
Result<std::string> RunawaySpendRule(const RuleInput& input, std::vector<Insight>& out);
// The same request (caller, model, input hash or trace) sent ≥ 4 times within 15 minutes after
// failing, in the last 7 days of the range: what such a storm's calls cost beyond its dearest
// call is waste.
Result<std::string> RetryStormRule(const RuleInput& input, std::vector<Insight>& out);
// Models with calls but no price: their spend is missing from every cost figure.
Result<std::string> UnpricedModelRule(const RuleInput& input, std::vector<Insight>& out);
// Budgets whose projected spend at the end of the period passes their amount.
Result<std::string> BudgetOverrunRule(const RuleInput& input, std::vector<Insight>& out);
// Error-rate and p95-latency regressions in the day after a deploy or config annotation.
Result<std::string> RegressionAfterAnnotationRule(const RuleInput& input, std::vector<Insight>& out);

// The queries the rules ask before any answer, in the order they ask them: ComputeInsights runs
// them as one batch (RunAhead), so that the specs with the same filters share one scan — all but
// the retry rule's, which runs on its own thread beside them. Each is exactly the spec its rule
// builds.
Result<query::QuerySpec> ExactCacheSpec(const RuleInput& input);
Result<std::vector<query::QuerySpec>> CheaperModelSpecs(const RuleInput& input);  // calls and cost, failures
// Cost by `by` (experiment or user); period 0: the last 7 days, 1: the 21 before.
Result<query::QuerySpec> RunawaySpendSpec(const RuleInput& input, int period, FieldId by);
Result<query::QuerySpec> UnpricedModelSpec(const RuleInput& input);
Result<std::vector<query::QuerySpec>> RetryCandidateSpecs(const RuleInput& input);  // failures by hash, by trace

// "/cost?experiment=a&model=b" (values percent-encoded), for links into the filtered dashboard.
std::string DashboardLink(std::string_view path, const std::vector<std::pair<std::string, std::string>>& filters);

}  // namespace mltrack::analytics
