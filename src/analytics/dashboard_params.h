#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// The common parameters of every dashboard endpoint (DESIGN.md §7), parsed and turned into
// QuerySpec pieces: a time range and the filters that every query of the dashboard carries.
struct DashboardParams {
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive
  std::vector<query::Filter> filters;
  std::string bucket = "auto";  // as given; "auto" or a duration like "1h", "1d"
  // The zone whose local time aligns the dashboard's buckets (an IANA name, validated); BaseSpec
  // copies it into every spec. A dashboard without buckets is not affected by it.
  std::string tz = "UTC";
};

// One query-string parameter, in request order; keys may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Parses from (default now-30d), to (default now), experiment/model/provider/user/team
// (repeatable: any of the values), tag=key:value (repeatable: all must hold), bucket and tz
// (default UTC; an unknown or malformed zone is an InvalidArgument naming tz).
// Parameters in `extra_allowed` are accepted and left to the caller; anything else is an
// InvalidArgument naming the parameter, so typos never silently widen a dashboard. An empty
// value of any accepted parameter ("score=", "group_by=") is an InvalidArgument naming it too:
// leaving a parameter out gives its default, an empty one is a mistake.
Result<DashboardParams> ParseDashboardParams(const QueryParams& params, int64_t now_ms,
                                             const std::vector<std::string>& extra_allowed = {});

}  // namespace mltrack::analytics
