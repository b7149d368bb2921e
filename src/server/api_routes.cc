#include "server/app_context.h"
#include "server/handlers/handlers.h"
#include "server/router.h"

namespace mltrack::server {

void AddApiRoutes(Router& router, AppContext& context) {
  auto bind = [&context](HttpResponse (*handler)(AppContext&, const HttpRequest&)) {
    return [&context, handler](const HttpRequest& request) { return handler(context, request); };
  };
  router.Add("GET", "/api/health", bind(&HandleHealth));
  router.Add("GET", "/api/v1/fields", bind(&HandleFields));
  router.Add("POST", "/api/v1/events", bind(&HandleIngestEvents));
  router.Add("POST", "/api/v1/query", bind(&HandleQuery));
  router.Add("GET", "/api/analytics/overview", bind(&HandleOverview));
  router.Add("GET", "/api/analytics/performance", bind(&HandlePerformance));
  router.Add("POST", "/api/v1/annotations", bind(&HandleCreateAnnotation));
  router.Add("GET", "/api/v1/annotations", bind(&HandleListAnnotations));
  router.AddPrefix("DELETE", "/api/v1/annotations/", bind(&HandleDeleteAnnotation));
  router.Add("GET", "/api/analytics/models/compare", bind(&HandleModelsCompare));
  router.Add("GET", "/api/analytics/ab", bind(&HandleAb));
}

}  // namespace mltrack::server
