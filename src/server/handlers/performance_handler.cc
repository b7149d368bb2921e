#include "analytics/performance.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/performance: the Performance Monitoring dashboard over one consistent view
// of the events, with the annotations of its range.
HttpResponse HandlePerformance(AppContext& context, const HttpRequest& request) {
  const analytics::QueryParams query = DashboardQueryParams(request);
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(query, NowMs(), analytics::PerformanceParamNames());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  Result<analytics::PerformanceOptions> options = analytics::ParsePerformanceOptions(query);
  if (!options.ok()) return ErrorResponse(options.status(), "invalid_query");
  options->demo = context.backend->Fields().demo;
  std::vector<analytics::Annotation> annotations;
  if (context.annotations) annotations = context.annotations->List(params->from_ms, params->to_ms);
  Result<analytics::PerformanceReport> report =
      analytics::ComputePerformance(*params, *options, context.backend->Reader(), std::move(annotations));
  if (!report.ok()) return ErrorResponse(report.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::PerformanceJson(*report));
}

}  // namespace mltrack::server
