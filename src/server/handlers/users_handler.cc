#include "analytics/user_activity.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/analytics/users: the User Activity dashboard (docs/api.md). Every query of one
// response reads the same view of the events.
HttpResponse HandleUsers(AppContext& context, const HttpRequest& request) {
  Result<analytics::UserActivityParams> params =
      analytics::ParseUserActivityParams(DashboardQueryParams(request), NowMs());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  analytics::UserActivityContext activity_context;
  activity_context.demo = context.backend->Fields().demo;
  Result<analytics::UserActivity> activity =
      analytics::ComputeUserActivity(*params, context.backend->Reader(), activity_context);
  if (!activity.ok()) return ErrorResponse(activity.status(), "invalid_query");
  return HttpResponse::Json(200, analytics::UserActivityJson(*activity));
}

}  // namespace mltrack::server
