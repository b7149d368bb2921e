#pragma once

#include <chrono>

#include "analytics/annotation_store.h"
#include "backend/backend.h"
#include "core/price_catalogue.h"

namespace mltrack::server {

// What the HTTP handlers share: the backend that holds the events and the price catalogue,
// both thread-safe for the uses handlers make of them. Owned by the serve command, which
// outlives the server. Handlers reach events only through `backend` (DESIGN.md §2).
struct AppContext {
  backend::Backend* backend = nullptr;
  const PriceCatalogue* prices = nullptr;
  // Annotations (deploys, incidents) in the data directory; null where none are kept (tests
  // that need none): the annotation routes then answer 503.
  analytics::AnnotationStore* annotations = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class Router;

// Adds every API route (ingest, query, fields, health, dashboards) to `router`.
void AddApiRoutes(Router& router, AppContext& context);

}  // namespace mltrack::server
