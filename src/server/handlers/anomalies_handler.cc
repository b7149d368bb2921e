#include "analytics/anomalies.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/anomalies (docs/analytics/anomalies.md): one bucketed query, the causal
// detector over each of its series, the anomalies with their explanations.
HttpResponse HandleAnomalies(AppContext& context, const HttpRequest& request) {
  Result<analytics::AnomalyRequest> parsed = analytics::ParseAnomalyRequest(DashboardQueryParams(request), NowMs());
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "invalid_query");
  Result<analytics::AnomalyReport> report = analytics::DetectAnomalies(*parsed, context.backend->Reader());
  if (!report.ok()) return ErrorResponse(report.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::AnomalyReportJson(*report, parsed->series));
}

}  // namespace mltrack::server
