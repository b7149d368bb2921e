#include "server/app_context.h"
#include "server/auth/session_routes.h"
#include "server/handlers/handlers.h"
#include "server/metrics/metrics.h"
#include "server/router.h"

namespace mltrack::server {

void AddApiRoutes(Router& router, AppContext& context) {
  auto bind = [&context](HttpResponse (*handler)(AppContext&, const HttpRequest&)) {
    return [&context, handler](const HttpRequest& request) { return handler(context, request); };
  };
  router.AddInline("GET", "/api/health", bind(&HandleHealth));  // answers while workers are busy
  // Operations (docs/operations.md "## Metrics"): inline like health, so it answers under overload.
  router.AddInline("GET", "/metrics", bind(&HandleMetrics));
  if (context.backend != nullptr) {  // null where routes are only listed (openapi_spec_test)
    context.backend->AddAppendListener([](const EventBatch&, const backend::AppendResult& result) {
      metrics::Registry::Global().CountAppend(result.accepted, result.duplicates);
    });
  }
  router.Add("GET", "/api/v1/fields", bind(&HandleFields));
  router.Add("GET", "/api/v1/openapi.json", bind(&HandleOpenApi));
  router.Add("POST", "/api/v1/events", bind(&HandleIngestEvents));
  router.Add("POST", "/api/v1/query", bind(&HandleQuery));
  router.Add("GET", "/api/analytics/overview", bind(&HandleOverview));
  router.Add("GET", "/api/analytics/anomalies", bind(&HandleAnomalies));
  router.Add("GET", "/api/analytics/forecast", bind(&HandleForecast));
  router.Add("GET", "/api/analytics/insights", bind(&HandleInsights));
  router.Add("GET", "/api/analytics/cost", bind(&HandleCost));
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, "/api/v1/budgets", bind(&HandleBudgets));
    router.Add(method, "/api/v1/webhooks", bind(&HandleWebhooks));
  }
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    router.AddPrefix(method, "/api/v1/budgets/", bind(&HandleBudget));
    router.AddPrefix(method, "/api/v1/webhooks/", bind(&HandleWebhook));
  }
  router.Add("GET", "/api/v1/alerts", bind(&HandleAlerts));
  router.Add("POST", "/v1/traces", bind(&HandleOtlpTraces));
  router.AddPrefix("POST", "/proxy/", bind(&HandleProxy));
  router.Add("GET", "/api/analytics/performance", bind(&HandlePerformance));
  router.Add("POST", "/api/v1/annotations", bind(&HandleCreateAnnotation));
  router.Add("GET", "/api/v1/annotations", bind(&HandleListAnnotations));
  router.AddPrefix("DELETE", "/api/v1/annotations/", bind(&HandleDeleteAnnotation));
  router.Add("GET", "/api/analytics/users", bind(&HandleUsers));
  router.Add("GET", "/api/analytics/models/compare", bind(&HandleModelsCompare));
  router.Add("GET", "/api/analytics/ab", bind(&HandleAb));
  for (const char* method : {"GET", "POST"}) router.AddPrefix(method, "/api/2.0/mlflow/", bind(&HandleMlflow));
  for (const char* method : {"GET", "POST"}) router.Add(method, "/api/v1/reports", bind(&HandleReports));
  for (const char* method : {"GET", "PUT", "DELETE"}) router.AddPrefix(method, "/api/v1/reports/", bind(&HandleReport));
  router.Add("POST", "/api/v1/events/search", bind(&HandleEventSearch));
  router.AddPrefix("GET", "/api/v1/traces/", bind(&HandleTrace));
  router.AddPrefix("GET", "/api/v1/sessions/", bind(&HandleSession));
  auth::AddSessionRoutes(router, context.authenticator);  // browser sign-in (docs/security.md)
  router.AddWebSocket("/api/analytics/live",
                      [&context](const HttpRequest& request, std::shared_ptr<WebSocketPeer> peer, HttpResponse& refusal) {
                        return AcceptLive(context, request, std::move(peer), refusal);
                      });
}

}  // namespace mltrack::server
