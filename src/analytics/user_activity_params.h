#pragma once
// The parameters of GET /api/analytics/users beyond the common dashboard ones (docs/api.md).

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/user_usage.h"
#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// One funnel step: events matching `filter` (a dimension equal to a value).
struct FunnelStep {
  std::string label;  // as written: "tags.step:search"
  query::Filter filter;
};

struct UserActivityParams {
  DashboardParams dashboard;
  UsageSort sort = UsageSort::kCost;
  int64_t top = 20;                  // leaderboard rows
  std::vector<FunnelStep> steps;     // empty: no funnel
  int64_t window_ms = 86'400'000;    // funnel window from a user's first step
};

inline constexpr int64_t kMaxLeaderboard = 500;
inline constexpr size_t kMaxFunnelSteps = 10;

// The names UserActivityParams adds to ParseDashboardParams' (its `extra_allowed`).
const std::vector<std::string>& UserActivityParamNames();

// Parses the common parameters and sort (cost|calls|tokens|errors), top (1 … 500), steps (a
// comma list of 2 … 10 `<dimension>:<value>` filters, e.g. tags.step:search,tags.step:answer or
// operation:embedding,operation:chat) and window (a duration, 1m … 90d; default 1d).
// InvalidArgument naming the parameter otherwise.
Result<UserActivityParams> ParseUserActivityParams(const QueryParams& params, int64_t now_ms);

}  // namespace mltrack::analytics
