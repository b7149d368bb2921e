#include "analytics/annotation_store.h"
#include "analytics/budget_store.h"
#include "analytics/insights.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/insights (docs/analytics/insights.md): ranked recommendations with their
// evidence, a dashboard link and an estimated monthly saving.
HttpResponse HandleInsights(AppContext& context, const HttpRequest& request) {
  const int64_t now_ms = NowMs();
  Result<analytics::InsightsRequest> parsed = analytics::ParseInsightsRequest(DashboardQueryParams(request), now_ms);
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "invalid_query");
  analytics::InsightsContext insights_context;
  insights_context.now_ms = now_ms;
  if (context.annotations != nullptr) {
    insights_context.annotations = context.annotations->List(parsed->params.from_ms, parsed->params.to_ms);
  }
  if (context.budgets != nullptr) insights_context.budgets = context.budgets->List();
  Result<analytics::InsightsReport> report =
      analytics::ComputeInsights(*parsed, insights_context, context.backend->Reader());
  if (!report.ok()) return ErrorResponse(report.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::InsightsReportJson(*report));
}

}  // namespace mltrack::server
