#pragma once
// Anomaly alerts (docs/analytics/anomalies.md, "Alerts"): every `interval`, the causal detector
// of anomalies.h runs over the default watched metrics — hourly cost, calls, error rate and p95
// latency — per experiment, model, user and team, on the complete hours of the last `lookback`,
// and each anomaly it finds is recorded in the alert log (kind "anomaly") under the key
// "anomaly:<metric>:<dimension>=<key>:<bucket start>". The log keeps one alert per key, durably,
// so repeated rounds and restarts never fire one twice; webhooks deliver them as budget alerts.
// Reads only through the QueryRunner. Thread-safe: RunOnce may be called while the thread runs.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alerts/alert_log.h"
#include "analytics/query_runner.h"
#include "core/status.h"

namespace mltrack::analytics {

struct AnomalyMonitorOptions {
  std::chrono::milliseconds interval{300'000};
  // The first round waits this long after Start: a starting server (WAL replay, a ClickHouse
  // queue to ship) is not queried for anomalies at once.
  std::chrono::milliseconds first_round_after{60'000};
  // Anomalies in hours that ended within this long before a round alert (a server down for
  // longer does not alert on what it missed; the dashboards still show it).
  int64_t lookback_ms = 6 * 3'600'000;
  std::function<int64_t()> now_ms;  // the clock; the system clock when empty
  // Materiality: an anomaly alerts only when |actual − expected| reaches this much for its metric
  // (a user's $0.04 against the usual $0.00 is unusual, not worth a page).
  double min_cost_usd = 1.0;
  double min_calls = 20;
  double min_error_rate = 0.05;  // 5 points
  double min_latency_ms = 250;
};

// Whether the anomaly of `metric` is large enough to alert under `options`.
bool MaterialAnomaly(const std::string& metric, double actual, double expected, const AnomalyMonitorOptions& options);

// The watched metrics and dimensions (the defaults).
const std::vector<std::string>& WatchedAnomalyMetrics();
const std::vector<std::string>& WatchedAnomalyDimensions();

class AnomalyMonitor {
 public:
  AnomalyMonitor(alerts::AlertLog& alerts, std::function<QueryRunner()> reader, AnomalyMonitorOptions options = {});
  ~AnomalyMonitor();
  AnomalyMonitor(const AnomalyMonitor&) = delete;
  AnomalyMonitor& operator=(const AnomalyMonitor&) = delete;

  void Start();  // a round after first_round_after, then one every interval
  void Stop();

  // One round; returns how many new alerts it recorded.
  Result<int> RunOnce();

 private:
  void Loop();

  alerts::AlertLog& alerts_;
  std::function<QueryRunner()> reader_;
  AnomalyMonitorOptions options_;
  std::mutex round_mutex_;  // one round at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mltrack::analytics
