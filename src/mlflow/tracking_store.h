#pragma once
// The MLflow tracking state behind /api/2.0/mlflow/ (experiments, runs, their params, tags and
// latest metrics), kept durable in the data directory as an operation log:
// <data>/MLFLOW_TRACKING.log, one checksummed line per change, appended and fdatasync'ed before a
// change is acknowledged (alerts/durable_file.h RecordLog). The state is the replay of the log.
// Format and recovery rules: docs/mlflow_tracking_format.md.
//
// Events are not kept here: a run that reaches a terminal status becomes an event that the
// caller appends through the backend (run_event.h); this store holds what MLflow clients read
// back (get, search) and what a run accumulates between create and finish.
//
// Thread-safe: any number of threads may read and change at once; each change is durable
// before its method returns, and changes to one run are applied in the order they return.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alerts/durable_file.h"
#include "core/status.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

// What one log-batch (or log-metric / log-parameter / set-tag) adds to a run.
struct RunChanges {
  std::vector<std::pair<std::string, Metric>> metrics;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> tags;
};

// A change to a run's info (runs/update); absent fields stay as they are.
struct RunUpdate {
  std::optional<RunStatus> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;
};

class TrackingStore {
 public:
  // The reason of the error detail that means "MLflow's RESOURCE_ALREADY_EXISTS".
  static constexpr std::string_view kAlreadyExists = "already exists";

  // Opens (creating when missing) the log in `dir` (which must exist) and replays it. A damaged
  // line in the middle of the log, or a change whose run or experiment is unknown (because the
  // line that created it was damaged), is skipped and described in `problems`; a torn last line
  // (a crash while appending) is cut off. kIOError when the log cannot be read or created.
  // MLflow's "Default" experiment (id "0") always exists.
  static Result<std::unique_ptr<TrackingStore>> Open(const std::filesystem::path& dir,
                                                     std::vector<std::string>* problems);

  TrackingStore(const TrackingStore&) = delete;
  TrackingStore& operator=(const TrackingStore&) = delete;

  // InvalidArgument with the detail {field "name", reason kAlreadyExists} when an experiment
  // has the name already. Errors of the log (kIOError, kNoSpace) change nothing.
  Result<Experiment> CreateExperiment(const std::string& name, const std::string& artifact_location,
                                      const std::map<std::string, std::string>& tags, int64_t now_ms);
  // kNotFound when there is none.
  Result<Experiment> GetExperiment(const std::string& id) const;
  Result<Experiment> GetExperimentByName(const std::string& name) const;
  // Every experiment, by id (numerically).
  std::vector<Experiment> Experiments() const;

  // A new RUNNING run with a fresh 32-hex-digit id. kNotFound when the experiment is unknown.
  Result<Run> CreateRun(const std::string& experiment_id, const std::string& user_id, const std::string& run_name,
                        int64_t start_time, const std::map<std::string, std::string>& tags);
  Result<Run> GetRun(const std::string& run_id) const;
  // kNotFound for an unknown run; InvalidArgument (field "params") when a param already holds a
  // different value (MLflow params are immutable). Returns the run after the change.
  Result<Run> LogBatch(const std::string& run_id, const RunChanges& changes);
  // kNotFound for an unknown run or tag.
  Result<Run> DeleteTag(const std::string& run_id, const std::string& key);
  // Returns the run before (first) and after (second) the update.
  Result<std::pair<Run, Run>> UpdateRun(const std::string& run_id, const RunUpdate& update);
  // The runs of these experiments, in creation order.
  std::vector<Run> Runs(const std::set<std::string>& experiment_ids) const;

  ~TrackingStore();

 private:
  explicit TrackingStore(std::unique_ptr<alerts::RecordLog> log) : log_(std::move(log)) {}
  // Applies one log line to the state (the only way the state changes, live and at replay).
  // The caller holds mutex_. An error means the line was not applied and nothing changed.
  Status ApplyLine(const std::string& line);
  // Appends `line` durably, then applies it; the caller holds mutex_ and has validated it.
  Status Commit(const std::string& line);
  const Run* FindRun(const std::string& run_id) const;

  std::unique_ptr<alerts::RecordLog> log_;
  mutable std::mutex mutex_;
  std::vector<Experiment> experiments_;  // by id
  int64_t next_experiment_id_ = 1;
  std::vector<Run> runs_;  // in creation order
  std::unordered_map<std::string, size_t> run_index_;  // run_id → index in runs_
};

}  // namespace mltrack::mlflow
