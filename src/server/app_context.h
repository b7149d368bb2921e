#pragma once

#include <chrono>

#include "analytics/annotation_store.h"
#include "backend/backend.h"
#include "core/price_catalogue.h"

namespace mltrack::alerts {
class AlertLog;
class WebhookStore;
class WebhookDelivery;
}  // namespace mltrack::alerts
namespace mltrack::analytics {
class BudgetStore;
class BudgetMonitor;
class ReportStore;
class BudgetGate;
}  // namespace mltrack::analytics
namespace mltrack::proxy {
class Proxy;
}
namespace mltrack::mlflow {
class TrackingStore;
}  // namespace mltrack::mlflow
namespace mltrack::server::auth {
class Authenticator;
}
namespace mltrack::server::live {
class LiveHub;
}

namespace mltrack::server {

// What the HTTP handlers share: the backend that holds the events and the price catalogue,
// both thread-safe for the uses handlers make of them. Owned by the serve command, which
// outlives the server. Handlers reach events only through `backend` (DESIGN.md §2).
struct AppContext {
  backend::Backend* backend = nullptr;
  // API keys and browser sessions (/api/v1/session); null: no keys, sign-in answers 409.
  auth::Authenticator* authenticator = nullptr;
  const PriceCatalogue* prices = nullptr;
  // Spend control (budgets, alerts, webhooks); null where the server runs without it (tests of
  // other routes), and its routes then answer 503.
  analytics::BudgetStore* budgets = nullptr;
  alerts::AlertLog* alert_log = nullptr;
  alerts::WebhookStore* webhooks = nullptr;
  alerts::WebhookDelivery* webhook_delivery = nullptr;
  proxy::Proxy* proxy = nullptr;  // the LLM proxy under /proxy/ (nullptr: not served)
  // Spent enforced budgets: the proxy refuses calls in their scope (nullptr: none enforced).
  const analytics::BudgetGate* budget_gate = nullptr;
  // Annotations (deploys, incidents) in the data directory; null where none are kept (tests
  // that need none): the annotation routes then answer 503.
  analytics::AnnotationStore* annotations = nullptr;
  // MLflow experiments and runs (/api/2.0/mlflow/); null: those routes answer 503.
  mlflow::TrackingStore* mlflow = nullptr;
  // Saved reports of the report builder; null where none are kept: their routes then answer 503.
  analytics::ReportStore* reports = nullptr;
  // The live hub behind WebSocket /api/analytics/live; null: that route answers 503.
  live::LiveHub* live = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class Router;

// Adds every API route (ingest, OTLP, proxy, query, fields, health, dashboards) to `router`.
void AddApiRoutes(Router& router, AppContext& context);

}  // namespace mltrack::server
