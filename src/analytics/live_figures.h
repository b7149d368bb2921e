#pragma once
// The figures a live subscription (WebSocket /api/analytics/live, docs/api.md) pushes: the
// Executive Dashboard's headline card values for the subscription's range, and the same figures
// for the current time bucket of its trend. Computed through the query runner only, so any
// backend serves them.

#include <cstdint>
#include <optional>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "core/json_writer.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::analytics {

// The overview's card `value`s for one period (same definitions: docs/api.md "overview").
struct LiveFigures {
  int64_t events = 0;
  int64_t experiments = 0;
  int64_t runs = 0;
  int64_t active_users = 0;
  NanoUsd cost = 0;
  std::optional<double> avg_latency_ms;  // nullopt: no event has a latency
  std::optional<double> success_rate;    // nullopt: no events
  int64_t tokens = 0;                    // input + output
  bool operator==(const LiveFigures&) const = default;
};

struct LiveReport {
  LiveFigures totals;        // over [from, to) of the subscription
  int64_t bucket_start = 0;  // the current bucket of the overview's trend (its `t`)
  int64_t bucket_ms = 0;     // the bucket's width as the overview resolves `bucket`
  LiveFigures bucket;        // over [bucket_start, bucket end) within [from, to)
  bool operator==(const LiveReport&) const = default;
};

// The figures at `now_ms` (the current bucket is the one holding min(now, to − 1)). Errors are
// the queries' (InvalidArgument naming bucket for a bad one). Thread-safe when `run` is.
Result<LiveReport> ComputeLiveReport(const DashboardParams& params, const QueryRunner& run, int64_t now_ms);

// {"events":…, "experiments":…, "runs":…, "active_users":…, "cost_usd":…, "avg_latency_ms":…,
//  "success_rate":…, "tokens":…} — money in USD, absent figures null.
void WriteLiveFigures(JsonWriter& json, const LiveFigures& figures);
// The bucket object: {"t":…, "bucket_ms":…, <the figures>}.
void WriteLiveBucket(JsonWriter& json, const LiveReport& report);

}  // namespace mltrack::analytics
