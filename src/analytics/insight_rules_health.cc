// The rules of /api/analytics/insights that point at missing or failing things: unpriced
// models, budgets heading past their amount, regressions after an annotation
// (docs/analytics/insights.md).

#include <algorithm>

#include "analytics/budget_status.h"
#include "analytics/dashboard_support.h"
#include "analytics/insight_rules.h"
#include "analytics/insight_support.h"
#include "analytics/local_calendar.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;
// Regression after an annotation: 24 hours before against up to 24 hours after (at least one).
constexpr double kMinRegressionCalls = 20;
constexpr double kErrorRateRise = 0.02;   // absolute, and
constexpr double kErrorRateRatio = 1.5;   // relative
constexpr double kLatencyRatio = 1.3;     // p95, and
constexpr double kLatencyRiseMs = 50;     // absolute
constexpr size_t kMaxAnnotations = 20;    // the most recent deploys and config changes

struct Window {
  double calls = 0;
  std::optional<double> error_rate;
  std::optional<double> p95;
};

Result<Window> MeasureWindow(const RuleInput& input, const Annotation& annotation, int64_t from, int64_t to) {
  query::QuerySpec spec = BaseSpec(input.params, from, to);
  if (annotation.scope) spec.filters.push_back(EqFilter(annotation.scope->field, annotation.scope->value));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "rate:error", "p95:latency_ms"}));
  Result<query::QueryResult> result = input.run(spec);
  if (!result.ok()) return result.status();
  return Window{CellNumber(SingleCell(*result, "count")).value_or(0), CellNumber(SingleCell(*result, "rate:error")),
                CellNumber(SingleCell(*result, "p95:latency_ms"))};
}

// The annotation's scope as a dashboard filter parameter, when the dashboards have one for it.
void AppendScopeFilter(const AnnotationScope& scope, std::vector<std::pair<std::string, std::string>>& filters) {
  switch (scope.field.id) {
    case FieldId::kExperiment:
    case FieldId::kModel:
    case FieldId::kProvider:
    case FieldId::kUser:
    case FieldId::kTeam: filters.emplace_back(scope.field.Name(), scope.value); break;
    case FieldId::kTag: filters.emplace_back("tag", scope.field.key + ":" + scope.value); break;
    default: break;
  }
}

}  // namespace

Result<query::QuerySpec> UnpricedModelSpec(const RuleInput& input) {
  query::QuerySpec spec = BaseSpec(input.params, input.params.from_ms, input.params.to_ms);
  spec.group_by = {FieldRef{FieldId::kModel, ""}};
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "count:cost_usd", "sum:input_tokens", "sum:output_tokens"}));
  return spec;
}

Result<std::string> UnpricedModelRule(const RuleInput& input, std::vector<Insight>& out) {
  Result<query::QuerySpec> spec = UnpricedModelSpec(input);
  if (!spec.ok()) return spec.status();
  Result<query::QueryResult> result = input.run(*spec);
  if (!result.ok()) return result.status();
  for (const auto& row : result->rows) {
    if (IsNullCell(row[0])) continue;
    const std::string model(CellString(row[0]));
    const double calls = CellNumber(row[1]).value_or(0), unpriced = calls - CellNumber(row[2]).value_or(0);
    if (unpriced <= 0) continue;
    Insight insight;
    insight.kind = "unpriced_model";
    insight.subject = "model " + model;
    insight.title = "Add a price for " + model;
    insight.detail = FormatCount(unpriced) + " calls of " + model + " (" + FormatPct(unpriced / calls) +
                     " of its calls) have no cost: they are missing from every spend figure and budget. Add the "
                     "model to the price catalogue, or send cost_usd with each call.";
    insight.severity = InsightSeverity::kWarning;
    insight.evidence = {{"unpriced calls", unpriced, FigureUnit::kCount},
                        {"share of its calls", unpriced / calls, FigureUnit::kShare},
                        {"input tokens", CellNumber(row[3]).value_or(0), FigureUnit::kTokens},
                        {"output tokens", CellNumber(row[4]).value_or(0), FigureUnit::kTokens}};
    insight.link = DashboardLink("/cost", {{"model", model}});
    out.push_back(std::move(insight));
  }
  return std::string();
}

namespace {

// "; 80 % interval 2026-01-21 to 2026-01-28" for a budget not yet exceeded whose band of dates
// is wider than one day; empty otherwise.
std::string BandText(const BudgetStatus& status) {
  const SpendProjection& projection = status.projection;
  if (projection.spent >= status.budget.amount || !projection.exceeds_earliest_ms) return "";
  const std::string earliest = LocalDate(status.budget.timezone, *projection.exceeds_earliest_ms);
  const std::string latest = projection.exceeds_latest_ms ? LocalDate(status.budget.timezone, *projection.exceeds_latest_ms)
                                                          : std::string("after the period");
  return earliest == latest ? "" : "; 80 % interval " + earliest + " to " + latest;
}

}  // namespace

Result<std::string> BudgetOverrunRule(const RuleInput& input, std::vector<Insight>& out) {
  if (input.context.budgets.empty()) return std::string("no budgets are set");
  Result<std::vector<BudgetStatus>> statuses = ComputeBudgetStatuses(input.context.budgets, input.run,
                                                                     input.context.now_ms);
  if (!statuses.ok()) return statuses.status();
  for (const BudgetStatus& status : *statuses) {
    const SpendProjection& projection = status.projection;
    if (projection.projected <= status.budget.amount) continue;
    const bool exceeded = projection.spent >= status.budget.amount;
    const std::string on = projection.exceeds_on_ms
                               ? LocalDate(status.budget.timezone, *projection.exceeds_on_ms)
                               : std::string("before the period ends");
    Insight insight;
    insight.kind = "budget_overrun";
    insight.subject = "budget " + status.budget.id;
    insight.title = "Budget " + status.budget.name + (exceeded ? " is exceeded" : " is on course to be exceeded");
    insight.detail = "Spent " + FormatUsd(Usd(projection.spent)) + " of " + FormatUsd(Usd(status.budget.amount)) +
                     "; the projection for the end of the period is " + FormatUsd(Usd(projection.projected)) +
                     (exceeded ? " (reached on " : " (reaching the amount on ") + on + BandText(status) + ").";
    insight.severity = exceeded ? InsightSeverity::kCritical : InsightSeverity::kWarning;
    insight.evidence = {{"spent", Usd(projection.spent), FigureUnit::kUsd},
                        {"amount", Usd(status.budget.amount), FigureUnit::kUsd},
                        {"projected", Usd(projection.projected), FigureUnit::kUsd},
                        {"projected_low", Usd(projection.low), FigureUnit::kUsd},
                        {"projected_high", Usd(projection.high), FigureUnit::kUsd}};
    insight.link = "/budgets";
    out.push_back(std::move(insight));
  }
  return std::string();
}

Result<std::string> RegressionAfterAnnotationRule(const RuleInput& input, std::vector<Insight>& out) {
  std::vector<const Annotation*> changes;
  for (const Annotation& annotation : input.context.annotations) {
    if (annotation.kind == AnnotationKind::kIncident) continue;
    if (annotation.ts_ms < input.params.from_ms || annotation.ts_ms + kHourMs > input.params.to_ms) continue;
    if (!AnnotationConcerns(annotation, input.params.filters)) continue;
    changes.push_back(&annotation);
  }
  if (changes.empty()) return std::string("no deploy or config annotation in the range");
  std::sort(changes.begin(), changes.end(), [](const Annotation* a, const Annotation* b) { return a->ts_ms > b->ts_ms; });
  if (changes.size() > kMaxAnnotations) changes.resize(kMaxAnnotations);
  for (const Annotation* annotation : changes) {
    const int64_t ts = annotation->ts_ms, after_end = std::min(ts + kDayMs, input.params.to_ms);
    Result<Window> before = MeasureWindow(input, *annotation, std::max(ts - kDayMs, input.params.from_ms), ts);
    if (!before.ok()) return before.status();
    Result<Window> after = MeasureWindow(input, *annotation, ts, after_end);
    if (!after.ok()) return after.status();
    if (before->calls < kMinRegressionCalls || after->calls < kMinRegressionCalls) continue;
    const double err_before = before->error_rate.value_or(0), err_after = after->error_rate.value_or(0);
    const bool errors = err_after - err_before >= kErrorRateRise && err_after >= kErrorRateRatio * err_before;
    const bool latency = before->p95 && after->p95 && *after->p95 >= kLatencyRatio * *before->p95 &&
                         *after->p95 - *before->p95 >= kLatencyRiseMs;
    if (!errors && !latency) continue;
    Insight insight;
    insight.kind = "regression_after_annotation";
    insight.subject = "annotation " + std::to_string(annotation->id);
    const std::string what = errors && latency ? "Errors and latency" : errors ? "Error rate" : "p95 latency";
    insight.title = what + " rose after \"" + annotation->text + "\"";
    std::string detail = "In the day after this " + std::string(AnnotationKindName(annotation->kind)) + ", ";
    if (errors) detail += "the error rate went from " + FormatPct(err_before) + " to " + FormatPct(err_after);
    if (errors && latency) detail += " and ";
    if (latency) detail += "p95 latency went from " + FormatCount(*before->p95) + " ms to " + FormatCount(*after->p95) + " ms";
    insight.detail = detail + "; consider rolling it back.";
    insight.severity = errors ? InsightSeverity::kCritical : InsightSeverity::kWarning;
    insight.evidence = {{"error rate before", err_before, FigureUnit::kShare},
                        {"error rate after", err_after, FigureUnit::kShare}};
    if (before->p95) insight.evidence.push_back({"p95 latency before", *before->p95, FigureUnit::kMs});
    if (after->p95) insight.evidence.push_back({"p95 latency after", *after->p95, FigureUnit::kMs});
    insight.evidence.push_back({"calls before", before->calls, FigureUnit::kCount});
    insight.evidence.push_back({"calls after", after->calls, FigureUnit::kCount});
    std::vector<std::pair<std::string, std::string>> filters = {
        {"from", std::to_string(std::max(ts - kDayMs, input.params.from_ms))}, {"to", std::to_string(after_end)}};
    if (annotation->scope) AppendScopeFilter(*annotation->scope, filters);
    insight.link = DashboardLink("/performance", filters);
    out.push_back(std::move(insight));
  }
  return std::string();
}

}  // namespace mltrack::analytics
