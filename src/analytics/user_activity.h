#pragma once
// The User Activity dashboard (brief §5; DESIGN.md §7 `/api/analytics/users`; the JSON shape and
// every definition are in docs/api.md): active users per day (DAU/WAU/MAU, new vs returning,
// stickiness), usage per user and team with a leaderboard against the previous period,
// experiment popularity, a funnel over ordered steps, weekly retention cohorts, a collaboration
// network and a calendar of calls and cost — all from QuerySpecs through the runner.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/active_users.h"
#include "analytics/funnel.h"
#include "analytics/query_runner.h"
#include "analytics/user_activity_params.h"
#include "analytics/user_usage.h"
#include "core/status.h"

namespace mltrack::analytics {

struct UserActivityContext {
  bool demo = false;  // the store holds demo traffic
};

// One figure's spread over the users: mean, median, 90th percentile (numpy "linear"), maximum.
struct Spread {
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double max = 0;
};

// Users by calls in 1-2-5 bins: [lo, hi).
struct CallsBin {
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t users = 0;
};

struct PerUserStats {
  int64_t users = 0;
  Spread calls, tokens, cost_usd, errors;  // cost over the users with a priced event
  std::vector<CallsBin> calls_histogram;
};

struct UserRow {
  std::string user;
  std::optional<std::string> team;
  Usage now;
  Usage previous;
};

struct TeamRow {
  std::optional<std::string> team;
  int64_t users = 0;
  int64_t previous_users = 0;
  Usage now;
  Usage previous;
};

struct NetworkNode {
  std::string user;
  std::optional<std::string> team;
  Usage usage;
};

struct CalendarDay {
  int64_t t = 0;
  Usage usage;
};

struct UserActivity {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t previous_from_ms = 0;
  std::string tz = "UTC";  // days and weeks are local to it
  bool demo = false;

  // Totals over [from, to) and the previous period of equal length.
  int64_t users = 0;
  int64_t previous_users = 0;
  int64_t new_users = 0;  // first active (in the stored history) on a day of `active`
  Usage usage;
  Usage previous_usage;

  std::vector<int64_t> day_starts;  // the days intersecting [from, to), local midnight
  std::vector<ActiveDay> active;    // parallel to day_starts

  PerUserStats per_user;
  UsageSort sort = UsageSort::kCost;
  std::vector<UserRow> top_users;  // by `sort`, descending
  std::vector<TeamRow> teams;      // by `sort`, descending
  std::vector<ExperimentUsage> experiments;

  std::vector<int64_t> cohort_starts;  // parallel to cohorts: Monday of each cohort week
  std::vector<Cohort> cohorts;

  std::vector<NetworkNode> nodes;
  std::vector<NetworkLink> links;

  int64_t calendar_from_ms = 0;  // the 365 days ending with the day of `to`
  int64_t calendar_to_ms = 0;
  std::vector<CalendarDay> calendar;  // days with events

  std::optional<FunnelReport> funnel;  // when steps were given
};

// Runs the dashboard's queries. Errors are those of the queries. Thread-safe when `run` is.
Result<UserActivity> ComputeUserActivity(const UserActivityParams& params, const QueryRunner& run,
                                         const UserActivityContext& context);

// The response body (docs/api.md).
std::string UserActivityJson(const UserActivity& activity);

// Network size and experiment bubbles shown.
inline constexpr size_t kNetworkNodes = 40;
inline constexpr size_t kExperimentBubbles = 30;

}  // namespace mltrack::analytics
