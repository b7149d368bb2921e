#include "analytics/forecast.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/forecast (docs/analytics/forecast.md): a daily forecast of cost or calls.
HttpResponse HandleForecast(AppContext& context, const HttpRequest& request) {
  Result<analytics::ForecastRequest> parsed = analytics::ParseForecastRequest(DashboardQueryParams(request), NowMs());
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "invalid_query");
  Result<analytics::ForecastReport> report = analytics::ForecastMetric(*parsed, context.backend->Reader());
  if (!report.ok()) return ErrorResponse(report.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::ForecastReportJson(*report));
}

}  // namespace mltrack::server
