#include "analytics/overview.h"
#include "core/time.h"
#include "query/query_executor.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

analytics::QueryParams DashboardQueryParams(const HttpRequest& request) {
  analytics::QueryParams params;
  for (const auto& [key, value] : request.query) params.emplace_back(key, value);
  return params;
}

analytics::QueryRunner SnapshotRunner(std::shared_ptr<const store::TableSnapshot> snapshot,
                                      query::QueryCache* cache, query::QueryLimits limits) {
  return [snapshot = std::move(snapshot), cache, limits](const query::QuerySpec& spec) {
    query::QuerySpec limited = spec;
    limited.limits = limits;
    return query::ExecuteQuery(limited, *snapshot, cache);
  };
}

namespace {

// Whether the store holds demo traffic: an experiment named demo-* (a dictionary walk, no scan).
bool HasDemoExperiments(const store::TableSnapshot& snapshot) {
  const store::Dictionary* experiments = snapshot.dictionary(FieldId::kExperiment);
  bool demo = false;
  if (experiments == nullptr) return false;
  experiments->ForEach(experiments->size(), [&demo](uint32_t, std::string_view name) {
    demo |= name.starts_with("demo-");
  });
  return demo;
}

}  // namespace

// GET /api/analytics/overview: the Executive Dashboard. Every query of one response reads the
// same snapshot, so the cards and charts agree with each other.
HttpResponse HandleOverview(AppContext& context, const HttpRequest& request) {
  Result<analytics::DashboardParams> params =
      analytics::ParseDashboardParams(DashboardQueryParams(request), NowMs());
  if (!params.ok()) return ErrorResponse(params.status(), "invalid_query");
  std::shared_ptr<const store::TableSnapshot> snapshot = context.store->Snapshot();
  analytics::OverviewContext overview_context;
  overview_context.demo = HasDemoExperiments(*snapshot);
  Result<std::string> body =
      analytics::OverviewJson(*params,
                              SnapshotRunner(std::move(snapshot), &context.query_cache, context.QueryLimitsFromNow()),
                              overview_context);
  if (!body.ok()) return ErrorResponse(body.status(), "invalid_query");
  return HttpResponse::Json(200, std::move(*body));
}

}  // namespace mltrack::server
