#include "analytics/anomaly_monitor.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "analytics/anomalies.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;

std::string AnomalyPayload(const Anomaly& anomaly) {
  JsonWriter json;
  json.BeginObject();
  json.Key("metric");
  json.String(anomaly.metric);
  json.Key("dimension");
  json.String(anomaly.dimension);
  json.Key("key");
  json.String(anomaly.key);
  json.Key("t");
  json.String(FormatRfc3339(anomaly.t));
  json.Key("actual");
  json.Double(anomaly.actual);
  json.Key("expected");
  json.Double(anomaly.expected);
  json.Key("score");
  json.Double(anomaly.score);
  json.Key("severity");
  json.String(anomaly.severity);
  json.Key("explanation");
  json.String(anomaly.explanation);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace

bool MaterialAnomaly(const std::string& metric, double actual, double expected, const AnomalyMonitorOptions& options) {
  const double delta = std::abs(actual - expected);
  if (metric == "sum:cost_usd") return delta >= options.min_cost_usd;
  if (metric == "count") return delta >= options.min_calls;
  if (metric == "rate:error") return delta >= options.min_error_rate;
  if (metric == "p95:latency_ms") return delta >= options.min_latency_ms;
  return true;
}

const std::vector<std::string>& WatchedAnomalyMetrics() {
  static const std::vector<std::string> metrics = {"sum:cost_usd", "count", "rate:error", "p95:latency_ms"};
  return metrics;
}

const std::vector<std::string>& WatchedAnomalyDimensions() {
  static const std::vector<std::string> dimensions = {"experiment", "model", "user", "team"};
  return dimensions;
}

AnomalyMonitor::AnomalyMonitor(alerts::AlertLog& alerts, std::function<QueryRunner()> reader,
                               AnomalyMonitorOptions options)
    : alerts_(alerts), reader_(std::move(reader)), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = [] { return NowMs(); };
}

AnomalyMonitor::~AnomalyMonitor() { Stop(); }

void AnomalyMonitor::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AnomalyMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AnomalyMonitor::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, options_.first_round_after, [this] { return stop_; });
  while (!stop_) {
    lock.unlock();
    Result<int> fired = RunOnce();
    if (!fired.ok()) spdlog::warn("anomaly alerts: {}", fired.status().ToString());
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stop_; });
  }
}

Result<int> AnomalyMonitor::RunOnce() {
  std::lock_guard<std::mutex> round(round_mutex_);
  const int64_t now = options_.now_ms();
  const int64_t to = now / kHourMs * kHourMs;  // complete hours only: a partial hour is not a drop
  const QueryRunner run = reader_();
  int fired = 0;
  for (const std::string& dimension : WatchedAnomalyDimensions()) {
    AnomalyRequest request;
    request.params.from_ms = to - options_.lookback_ms;
    request.params.to_ms = to;
    request.metrics = WatchedAnomalyMetrics();
    request.group_by = dimension;
    request.bucket_ms = kHourMs;
    request.series = SeriesOutput::kNone;
    Result<AnomalyReport> report = DetectAnomalies(request, run);
    if (!report.ok()) return report.status();
    for (const Anomaly& anomaly : report->anomalies) {
      if (!MaterialAnomaly(anomaly.metric, anomaly.actual, anomaly.expected, options_)) continue;
      const std::string key = "anomaly:" + anomaly.metric + ":" + anomaly.dimension + "=" + anomaly.key + ":" +
                              std::to_string(anomaly.t);
      Result<std::pair<alerts::Alert, bool>> recorded = alerts_.Record("anomaly", key, AnomalyPayload(anomaly), now);
      if (!recorded.ok()) return recorded.status();
      if (recorded->second) ++fired;
    }
  }
  return fired;
}

}  // namespace mltrack::analytics
