#include "analytics/cost_report.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/cost: the Cost Analysis dashboard, every figure from one view of the events.
HttpResponse HandleCost(AppContext& context, const HttpRequest& request) {
  const analytics::QueryParams query = DashboardQueryParams(request);
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(query, NowMs(), analytics::CostParamNames());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  Result<analytics::CostOptions> options = analytics::ParseCostOptions(query);
  if (!options.ok()) return ErrorResponse(options.status(), "invalid_query");
  analytics::CostContext cost_context;
  cost_context.demo = context.backend->Fields().demo;
  cost_context.prices = context.prices;
  Result<analytics::CostReport> report =
      analytics::ComputeCostReport(*params, *options, context.backend->Reader(), cost_context);
  if (!report.ok()) return ErrorResponse(report.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::CostReportJson(*report));
}

}  // namespace mltrack::server
