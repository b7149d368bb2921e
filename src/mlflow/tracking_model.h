#pragma once
// MLflow's tracking entities as the MLflow REST 2.0 API shows them (experiments, runs, their
// params, tags and latest metrics): plain value types shared by the tracking store, the run →
// event mapping, the search and the file-store import. Times are epoch milliseconds, as in MLflow.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mltrack::mlflow {

// MLflow's RunStatus.
enum class RunStatus { kRunning, kScheduled, kFinished, kFailed, kKilled };

std::string_view RunStatusName(RunStatus status);  // "RUNNING", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);
// FINISHED, FAILED and KILLED: the run is over and becomes an event.
bool IsTerminal(RunStatus status);

// One metric's latest value (MLflow keeps history; MLtrack keeps the latest: the highest step,
// then the latest timestamp, as MLflow's own "latest metric" does).
struct Metric {
  double value = 0;
  int64_t timestamp = 0;
  int64_t step = 0;
  bool operator==(const Metric&) const = default;
};

struct Experiment {
  std::string id;  // decimal, as MLflow's file store numbers them ("0" is MLflow's Default)
  std::string name;
  std::string artifact_location;
  bool deleted = false;  // lifecycle_stage "deleted" (only imported experiments can be)
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::map<std::string, std::string> tags;
  bool operator==(const Experiment&) const = default;
};

struct Run {
  std::string run_id;  // 32 lower-case hex digits
  std::string experiment_id;
  std::string run_name;
  std::string user_id;
  RunStatus status = RunStatus::kRunning;
  int64_t start_time = 0;
  std::optional<int64_t> end_time;
  bool deleted = false;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> tags;
  std::map<std::string, Metric> metrics;  // latest value per key
  bool operator==(const Run&) const = default;
};

// Keeps `metric` as the latest value of `key` in `metrics` when it is at least as late as the
// one held (by step, then timestamp), as MLflow's latest-metric rule.
void RecordMetric(std::map<std::string, Metric>& metrics, const std::string& key, const Metric& metric);

}  // namespace mltrack::mlflow
