#include "analytics/ab_comparison.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/ab: an A/B comparison of two values of one dimension, over one view.
HttpResponse HandleAb(AppContext& context, const HttpRequest& request) {
  const analytics::QueryParams query = DashboardQueryParams(request);
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(query, NowMs(), analytics::AbParamNames());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  Result<analytics::AbRequest> ab = analytics::ParseAbRequest(query);
  if (!ab.ok()) return ErrorResponse(ab.status(), "invalid_query");
  Result<analytics::AbComparison> comparison =
      analytics::CompareAb(*params, *ab, context.backend->Reader(), context.backend->Fields().score_names);
  if (!comparison.ok()) return ErrorResponse(comparison.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::AbComparisonJson(*params, *comparison));
}

}  // namespace mltrack::server
