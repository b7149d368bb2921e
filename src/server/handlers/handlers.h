#pragma once
// The API's request handlers, one file each under src/server/handlers/. Each is a plain
// function of the shared AppContext and the request; api_routes.cc binds them to paths.
// All are thread-safe (the server runs several at once on its worker threads).

#include <memory>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "server/app_context.h"
#include "server/http_types.h"
#include "server/websocket_types.h"

namespace mltrack::server {

HttpResponse HandleHealth(AppContext& context, const HttpRequest& request);
HttpResponse HandleMetrics(AppContext& context, const HttpRequest& request);  // Prometheus text
HttpResponse HandleFields(AppContext& context, const HttpRequest& request);
HttpResponse HandleIngestEvents(AppContext& context, const HttpRequest& request);
HttpResponse HandleQuery(AppContext& context, const HttpRequest& request);
HttpResponse HandleOverview(AppContext& context, const HttpRequest& request);
HttpResponse HandleAnomalies(AppContext& context, const HttpRequest& request);
HttpResponse HandleForecast(AppContext& context, const HttpRequest& request);
HttpResponse HandleInsights(AppContext& context, const HttpRequest& request);
HttpResponse HandleCost(AppContext& context, const HttpRequest& request);
// Spend control: /api/v1/budgets[/<id>], /api/v1/alerts, /api/v1/webhooks[/<id>].
HttpResponse HandleBudgets(AppContext& context, const HttpRequest& request);
HttpResponse HandleBudget(AppContext& context, const HttpRequest& request);
HttpResponse HandleAlerts(AppContext& context, const HttpRequest& request);
HttpResponse HandleWebhooks(AppContext& context, const HttpRequest& request);
HttpResponse HandleWebhook(AppContext& context, const HttpRequest& request);
HttpResponse HandleOtlpTraces(AppContext& context, const HttpRequest& request);
HttpResponse HandleProxy(AppContext& context, const HttpRequest& request);
HttpResponse HandleOpenApi(AppContext& context, const HttpRequest& request);
HttpResponse HandlePerformance(AppContext& context, const HttpRequest& request);
HttpResponse HandleCreateAnnotation(AppContext& context, const HttpRequest& request);
HttpResponse HandleListAnnotations(AppContext& context, const HttpRequest& request);
HttpResponse HandleDeleteAnnotation(AppContext& context, const HttpRequest& request);
HttpResponse HandleUsers(AppContext& context, const HttpRequest& request);
HttpResponse HandleModelsCompare(AppContext& context, const HttpRequest& request);
HttpResponse HandleAb(AppContext& context, const HttpRequest& request);
// The MLflow REST 2.0 subset under /api/2.0/mlflow/ (experiments and runs; MLflow's errors).
HttpResponse HandleMlflow(AppContext& context, const HttpRequest& request);
// Saved reports of the report builder: /api/v1/reports[/<id>].
HttpResponse HandleReports(AppContext& context, const HttpRequest& request);
HttpResponse HandleReport(AppContext& context, const HttpRequest& request);
// The raw-event views (docs/events_search.md): one page of a search; a trace's / session's calls.
HttpResponse HandleEventSearch(AppContext& context, const HttpRequest& request);
HttpResponse HandleTrace(AppContext& context, const HttpRequest& request);
HttpResponse HandleSession(AppContext& context, const HttpRequest& request);
// WebSocket /api/analytics/live (live_handler.cc): the conversation of one client, or a refusal
// (503) when the server runs without a live hub.
std::unique_ptr<WebSocketConversation> AcceptLive(AppContext& context, const HttpRequest& request,
                                                  std::shared_ptr<WebSocketPeer> peer, HttpResponse& refusal);

// Shared by the dashboard handlers: the request's query string as dashboard parameters. A
// dashboard reads through `context.backend->Reader()`, one consistent view per response.
analytics::QueryParams DashboardQueryParams(const HttpRequest& request);

}  // namespace mltrack::server
