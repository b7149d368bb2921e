#include "analytics/model_compare.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/models/compare: the Model Comparison dashboard, over one view of the events.
HttpResponse HandleModelsCompare(AppContext& context, const HttpRequest& request) {
  const analytics::QueryParams query = DashboardQueryParams(request);
  const int64_t now_ms = NowMs();
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(query, now_ms, analytics::CompareParamNames());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  Result<analytics::CompareRequest> compare = analytics::ParseCompareRequest(query);
  if (!compare.ok()) return ErrorResponse(compare.status(), "invalid_query");
  analytics::CompareContext compare_context;
  compare_context.score_names = context.backend->Fields().score_names;
  compare_context.facts = analytics::CatalogueFacts(context.prices, now_ms);
  Result<std::string> body =
      analytics::ModelCompareJson(*params, *compare, context.backend->Reader(), compare_context);
  if (!body.ok()) return ErrorResponse(body.status(), "invalid_query");
  return HttpResponse::Json(200, std::move(*body));
}

}  // namespace mltrack::server
