#pragma once
// /api/analytics/insights (docs/analytics/insights.md): ranked recommendations, each with the
// figures behind it, a link into the filtered dashboard and, where money can be saved, an
// estimated monthly saving. Every rule is a few QuerySpecs through the QueryRunner
// (insight_rules.h). Thread-safe when the runner is.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analytics/annotation.h"
#include "analytics/budget.h"
#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "core/status.h"

namespace mltrack::analytics {

enum class FigureUnit : uint8_t { kUsd, kCount, kShare, kMs, kTokens, kScore };

struct InsightFigure {
  std::string label;
  double value = 0;
  FigureUnit unit = FigureUnit::kCount;
};

enum class InsightSeverity : uint8_t { kInfo, kWarning, kCritical };

struct Insight {
  std::string kind;     // exact_cache, cheaper_model, runaway_spend, unpriced_model, budget_overrun, regression_after_annotation, retry_storm
  std::string subject;  // what it is about ("experiment support-bot"); with kind, a stable id
  std::string title;
  std::string detail;   // the recommendation, one or two sentences
  InsightSeverity severity = InsightSeverity::kInfo;
  std::optional<double> monthly_saving_usd;
  std::vector<InsightFigure> evidence;
  std::string link;  // path and query of the filtered dashboard, e.g. "/cost?experiment=support-bot"
};

// What the rules need besides the events.
struct InsightsContext {
  std::vector<Annotation> annotations;  // annotations overlapping the window
  std::vector<Budget> budgets;
  int64_t now_ms = 0;                   // budgets' periods are the current ones
};

struct InsightsReport {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::vector<Insight> insights;  // ranked: saving (largest first), then severity, kind, subject
  std::vector<std::pair<std::string, std::string>> skipped;  // rule kind → why it did not run
};

struct InsightsRequest {
  DashboardParams params;
  std::string quality_score = "quality";  // the score that tells whether a cheaper model is as good
};

// The dashboard parameters (from default now-30d) and `score` (a score name, default quality);
// anything else is an InvalidArgument naming it.
Result<InsightsRequest> ParseInsightsRequest(const QueryParams& query, int64_t now_ms);

Result<InsightsReport> ComputeInsights(const InsightsRequest& request, const InsightsContext& context,
                                       const QueryRunner& run);

std::string InsightsReportJson(const InsightsReport& report);

}  // namespace mltrack::analytics
