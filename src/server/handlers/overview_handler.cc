#include "analytics/overview.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

analytics::QueryParams DashboardQueryParams(const HttpRequest& request) {
  analytics::QueryParams params;
  for (const auto& [key, value] : request.query) params.emplace_back(key, value);
  return params;
}

// GET /api/analytics/overview: the Executive Dashboard. Every query of one response reads the
// same view of the events, so the cards and charts agree with each other.
HttpResponse HandleOverview(AppContext& context, const HttpRequest& request) {
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(DashboardQueryParams(request), NowMs());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  analytics::OverviewContext overview_context;
  overview_context.demo = context.backend->Fields().demo;
  Result<std::string> body =
      analytics::OverviewJson(*params, context.backend->Reader(), overview_context);
  if (!body.ok()) return ErrorResponse(body.status(), "invalid_query");
  return HttpResponse::Json(200, std::move(*body));
}

}  // namespace mltrack::server
