#pragma once
// /api/analytics/anomalies (docs/analytics/anomalies.md): the causal detector of
// anomaly_detector.h run over every series of one bucketed query — a metric per key of one
// dimension (or the total) — with a sentence per anomaly that a person reads. Reads only through
// the QueryRunner. Thread-safe when the runner is.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/anomaly_detector.h"
#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "core/status.h"

namespace mltrack::analytics {

enum class SeriesOutput : uint8_t { kNone, kAnomalous, kAll };

struct AnomalyRequest {
  DashboardParams params;
  // QuerySpec metrics ("sum:cost_usd"); default: cost, calls, error rate, p95 latency.
  std::vector<std::string> metrics;
  std::string group_by;  // a dimension ("experiment", "tags.env"), or "" for the total
  int64_t bucket_ms = 3'600'000;
  // History before `from` that the detector learns from (judged, never reported).
  int64_t history_ms = 28 * 86'400'000LL;
  SeriesOutput series = SeriesOutput::kAnomalous;
  int64_t max_series = 100;  // keys with the most events
  DetectorParams detector;
};

// The dashboard parameters plus metric (repeatable), group_by, history (a duration, "0" for
// none), series=none|anomalous|all and limit (series, 1..1000). The bucket must be a fixed width
// from 1m to 1d ("auto" = 1h). InvalidArgument naming the parameter otherwise.
Result<AnomalyRequest> ParseAnomalyRequest(const QueryParams& query, int64_t now_ms);

struct AnomalySeries {
  std::string dimension;  // "" for the total
  std::string key;
  std::string metric;
  std::vector<JudgedBucket> buckets;  // one per bucket of the report's `starts`
  bool has_anomaly = false;
};

struct Anomaly {
  int64_t t = 0;
  std::string dimension;
  std::string key;
  std::string metric;
  double actual = 0;
  double expected = 0;
  double lower = 0;
  double upper = 0;
  double score = 0;
  std::string severity;  // "medium", "high", "critical"
  std::string explanation;
};

struct AnomalyReport {
  int64_t bucket_ms = 0;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t history_from_ms = 0;  // the history the detector learnt from starts here
  std::string group_by;
  std::vector<std::string> metrics;
  std::vector<int64_t> starts;  // the judged buckets [from, to)
  std::vector<AnomalySeries> series;
  int64_t keys_total = 0;        // keys of the dimension with events in the range
  std::vector<Anomaly> anomalies;  // newest first
};

Result<AnomalyReport> DetectAnomalies(const AnomalyRequest& request, const QueryRunner& run);

std::string AnomalyReportJson(const AnomalyReport& report, SeriesOutput series);

}  // namespace mltrack::analytics
