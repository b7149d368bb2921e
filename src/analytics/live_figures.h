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

// The additive sums behind one period's figures, so that newly appended events can be folded in
// without a query (the live hub's incremental pushes, docs/api.md "Live"). Folding keeps events,
// cost, tokens, the average latency and the success rate exact; the distinct counts
// (experiments, runs, active_users) are not additive and keep their value from the last query.
struct LiveSums {
  int64_t events = 0;
  int64_t errors = 0;
  int64_t latency_count = 0;  // events with a latency
  double latency_sum = 0;
  NanoUsd cost = 0;
  int64_t tokens = 0;
  void Add(const Event& event);
  // `figures` with its additive fields recomputed from these sums (distinct counts untouched).
  void WriteTo(LiveFigures& figures) const;
};

// A full computation the hub can fold events into: the report, its sums, and the bucket's bounds.
struct LiveBase {
  LiveReport report;
  LiveSums totals;
  LiveSums bucket;
  int64_t bucket_from = 0;  // [bucket_from, bucket_to): the current bucket within the range
  int64_t bucket_to = 0;
  int64_t bucket_end = 0;   // the bucket's own end (past `to` when the range ends now)
  bool open_top = false;    // a range ending `now`: events after `bucket_to` up to `bucket_end` count
  // Adds `event` (which passed the filters and lies in the range) to the totals, and to the
  // bucket when its time falls in it; rewrites the report's figures.
  void Fold(const Event& event);
};

// ComputeLiveReport with the sums kept (same queries, two more metrics each).
Result<LiveBase> ComputeLiveBase(const DashboardParams& params, const QueryRunner& run, int64_t now_ms);

// {"events":…, "experiments":…, "runs":…, "active_users":…, "cost_usd":…, "avg_latency_ms":…,
//  "success_rate":…, "tokens":…} — money in USD, absent figures null.
void WriteLiveFigures(JsonWriter& json, const LiveFigures& figures);
// The bucket object: {"t":…, "bucket_ms":…, <the figures>}.
void WriteLiveBucket(JsonWriter& json, const LiveReport& report);

}  // namespace mltrack::analytics
