#pragma once
// A funnel over ordered steps (docs/api.md, "funnel"): which users did step 1, then step 2, …
// in order, within a window that starts at their first step-1 event.
//
// Definition (exact). Only events in [from, to) that pass the dashboard's filters count, and
// only events with a user. For a user u:
//   T1(u) = the time of u's first step-1 event;
//   Tk(u) = the time of u's first step-k event strictly after T(k−1)(u) and at most
//           T1(u) + window (k ≥ 2), undefined when there is none or T(k−1)(u) is.
// u reaches step k when Tk(u) is defined. Taking the earliest event at each step is what makes
// "reached in order" exact: if any step-k event after some chain of earlier steps exists in the
// window, one exists after the earliest chain too. An event can serve one step only (strictly
// after), so overlapping steps (e.g. model:x, operation:chat) need distinct events.
// The median time from step k−1 to step k is over the users who reached step k: the median of
// Tk − T(k−1) in ms, the mean of the two middle values for an even count.
//
// Method: one query per step, grouped by user with min:ts. Step 1 takes the range; step k adds
// two per-user bounds on ts (query::Filter::by, one table lookup per row): ts > T(k−1)(u) and
// ts ≤ T1(u) + window, so users without a bound drop out in the scan. When every step is
// `field = "value"` on one string field with distinct values (tags.step:search,tags.step:answer),
// one query grouped by (user, field) first gives each user's earliest event of every step, M_k(u):
// T1 = M_1, and Tk = M_k when T(k−1) < M_k ≤ T1 + window (the first step-k event after T(k−1) is
// then the first at all), none when M_k is absent or past the window; only the users with
// M_k ≤ T(k−1) ("unsettled") go to step k's bounded query, over the span of their windows alone.
// A bounded query's users are cut into runs whose spans (T(k−1), T1 + window] overlap, one query
// per run over its span (at most 16, cut at the widest gaps; asked as one batch), so that users
// days apart do not make a query read the days between them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "analytics/user_activity_params.h"
#include "core/status.h"

namespace mltrack::analytics {

struct FunnelStepReport {
  std::string label;  // as requested: "tags.step:search"
  int64_t users = 0;  // users who reached this step in order within the window
  std::optional<double> median_ms_from_previous;  // step 1: none
};

struct FunnelReport {
  int64_t window_ms = 0;
  std::vector<FunnelStepReport> steps;
};

// Runs the funnel's queries over [params.from_ms, params.to_ms) with params.filters.
Result<FunnelReport> ComputeFunnel(const DashboardParams& params, const std::vector<FunnelStep>& steps,
                                   int64_t window_ms, const QueryRunner& run);

// The median of `values` (reordered); nullopt when empty.
std::optional<double> Median(std::vector<int64_t>& values);

}  // namespace mltrack::analytics
