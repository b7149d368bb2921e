#pragma once

#include <cstdint>
#include <string>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "core/status.h"

namespace mltrack::analytics {

// The Executive Dashboard (brief §1; DESIGN.md §7 `/api/analytics/overview`; the JSON shape and
// every definition are in docs/api.md): metric cards with value, previous period and change,
// the cost trend with a 30-day rolling mean, model usage, latency percentiles and histogram,
// and success/failure over time — all computed by QuerySpecs through `run`.
//
// What the overview needs to know beyond the queries.
struct OverviewContext {
  bool demo = false;  // the store holds demo traffic (experiments named demo-*)
};

// Returns the response body. Errors are those of the queries (InvalidArgument for a bad
// bucket). Thread-safe when `run` is.
Result<std::string> OverviewJson(const DashboardParams& params, const QueryRunner& run,
                                 const OverviewContext& context);

}  // namespace mltrack::analytics
