#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "core/price_catalogue.h"
#include "query/query_cache.h"
#include "store/event_store.h"

namespace mltrack::server {

// What the HTTP handlers share: the store and the price catalogue, both thread-safe for the
// uses handlers make of them. Owned by the serve command, which outlives the server.
struct AppContext {
  store::EventStore* store = nullptr;
  const PriceCatalogue* prices = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Per-segment partial aggregates shared by every query and dashboard request (bounded in
  // bytes; QueryCache::SetCapacity(0) turns it off). Thread-safe.
  query::QueryCache query_cache{query::QueryCache::kDefaultCapacityBytes};
  // Every query of one request runs within these (--query-timeout, --query-memory; 0 = none):
  // the timeout counts from the request's start across all of its queries.
  int64_t query_timeout_ms = 10'000;
  size_t query_memory_bytes = 256u << 20;

  query::QueryLimits QueryLimitsFromNow() const {
    return query::QueryLimits::FromNow(query_timeout_ms, query_memory_bytes);
  }
};

class Router;

// Adds every API route (ingest, query, fields, health, dashboards) to `router`.
void AddApiRoutes(Router& router, AppContext& context);

}  // namespace mltrack::server
