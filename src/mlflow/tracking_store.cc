#include "mlflow/tracking_store.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <random>

#include "core/json_writer.h"

namespace mltrack::mlflow {
namespace {

constexpr std::string_view kLogName = "MLFLOW_TRACKING.log";

std::string NewRunId() {
  thread_local std::mt19937_64 random(std::random_device{}() ^ static_cast<uint64_t>(
                                          std::chrono::steady_clock::now().time_since_epoch().count()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = random();
    for (int digit = 0; digit < 16; ++digit, bits >>= 4) id += kHex[bits & 15];
  }
  return id;
}

// {"key": "value", ...} of a map or of a list of pairs.
template <typename Pairs>
void WriteStringObject(JsonWriter& json, const Pairs& pairs) {
  json.BeginObject();
  for (const auto& [key, value] : pairs) {
    json.Key(key);
    json.String(value);
  }
  json.EndObject();
}

bool ReadStringMap(simdjson::dom::element element, std::map<std::string, std::string>& out) {
  simdjson::dom::object object;
  if (element.get(object)) return false;
  for (auto field : object) {
    std::string_view value;
    if (field.value.get(value)) return false;
    out[std::string(field.key)] = std::string(value);
  }
  return true;
}

Status Bad(std::string_view why) { return Status::Corruption(std::string(why)); }

int64_t NumericId(const std::string& id) {
  int64_t value = -1;
  std::from_chars(id.data(), id.data() + id.size(), value);
  return value;
}

}  // namespace

Result<std::unique_ptr<TrackingStore>> TrackingStore::Open(const std::filesystem::path& dir,
                                                           std::vector<std::string>* problems) {
  std::vector<std::string> lines;
  Result<std::unique_ptr<alerts::RecordLog>> log = alerts::RecordLog::Open(dir / kLogName, &lines, problems);
  if (!log.ok()) return log.status();
  std::unique_ptr<TrackingStore> store(new TrackingStore(std::move(*log)));
  Experiment fallback;
  fallback.id = "0";
  fallback.name = "Default";
  store->experiments_.push_back(std::move(fallback));
  for (size_t line_idx = 0; line_idx < lines.size(); ++line_idx) {
    Status applied = store->ApplyLine(lines[line_idx]);
    if (!applied.ok()) {
      problems->push_back((dir / kLogName).string() + " record " + std::to_string(line_idx + 1) +
                          " skipped: " + applied.message());
    }
  }
  return store;
}

TrackingStore::~TrackingStore() = default;

Status TrackingStore::ApplyLine(const std::string& line) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(line).get(root)) return Bad("not JSON");
  std::string_view op;
  if (root["op"].get(op)) return Bad("no op");
  if (op == "experiment") {
    Experiment experiment;
    std::string_view id, name, location;
    if (root["id"].get(id) || root["name"].get(name) || root["artifact_location"].get(location) ||
        root["time"].get(experiment.creation_time) || !ReadStringMap(root["tags"], experiment.tags)) {
      return Bad("bad experiment record");
    }
    experiment.id = std::string(id);
    experiment.name = std::string(name);
    experiment.artifact_location = std::string(location);
    experiment.last_update_time = experiment.creation_time;
    for (const Experiment& held : experiments_) {
      if (held.id == experiment.id || held.name == experiment.name) return Bad("experiment exists already");
    }
    next_experiment_id_ = std::max(next_experiment_id_, NumericId(experiment.id) + 1);
    experiments_.push_back(std::move(experiment));
    return Status::OK();
  }
  std::string_view run_id_view;
  if (root["run_id"].get(run_id_view)) return Bad("no run_id");
  const std::string run_id(run_id_view);
  if (op == "run") {
    Run run;
    run.run_id = run_id;
    std::string_view experiment_id, user_id, run_name;
    if (root["experiment_id"].get(experiment_id) || root["user_id"].get(user_id) ||
        root["run_name"].get(run_name) || root["start_time"].get(run.start_time) ||
        !ReadStringMap(root["tags"], run.tags)) {
      return Bad("bad run record");
    }
    run.experiment_id = std::string(experiment_id);
    run.user_id = std::string(user_id);
    run.run_name = std::string(run_name);
    if (run_index_.count(run_id)) return Bad("run exists already");
    run_index_[run_id] = runs_.size();
    runs_.push_back(std::move(run));
    return Status::OK();
  }
  auto found = run_index_.find(run_id);
  if (found == run_index_.end()) return Bad("unknown run " + run_id);
  Run& run = runs_[found->second];
  if (op == "log") {
    simdjson::dom::array metrics;
    std::map<std::string, std::string> params, tags;
    if (root["metrics"].get(metrics) || !ReadStringMap(root["params"], params) || !ReadStringMap(root["tags"], tags)) {
      return Bad("bad log record");
    }
    std::vector<std::pair<std::string, Metric>> parsed;
    for (simdjson::dom::element item : metrics) {
      std::string_view key;
      Metric metric;
      simdjson::dom::array parts;
      if (item.get(parts) || parts.size() != 4 || parts.at(0).get(key) || parts.at(1).get(metric.value) ||
          parts.at(2).get(metric.timestamp) || parts.at(3).get(metric.step)) {
        return Bad("bad metric in log record");
      }
      parsed.emplace_back(std::string(key), metric);
    }
    for (const auto& [key, metric] : parsed) RecordMetric(run.metrics, key, metric);
    for (auto& [key, value] : params) run.params[key] = value;
    for (auto& [key, value] : tags) run.tags[key] = value;
    return Status::OK();
  }
  if (op == "delete_tag") {
    std::string_view key;
    if (root["key"].get(key)) return Bad("bad delete_tag record");
    run.tags.erase(std::string(key));
    return Status::OK();
  }
  if (op == "update") {
    simdjson::dom::element status, end_time, run_name;
    if (root["status"].get(status) || root["end_time"].get(end_time) || root["run_name"].get(run_name)) {
      return Bad("bad update record");
    }
    std::string_view text;
    int64_t number = 0;
    if (!status.is_null()) {
      std::optional<RunStatus> parsed;
      if (status.get(text) || !(parsed = ParseRunStatus(text))) return Bad("bad status in update record");
      run.status = *parsed;
    }
    if (!end_time.is_null()) {
      if (end_time.get(number)) return Bad("bad end_time in update record");
      run.end_time = number;
    }
    if (!run_name.is_null()) {
      if (run_name.get(text)) return Bad("bad run_name in update record");
      run.run_name = std::string(text);
    }
    return Status::OK();
  }
  return Bad("unknown op");
}

Status TrackingStore::Commit(const std::string& line) {
  MLTRACK_RETURN_IF_ERROR(log_->Append(line));
  Status applied = ApplyLine(line);
  // The caller validated the change, so applying cannot fail; if it did, the log and memory
  // would disagree until the next start, which replays the log.
  if (!applied.ok()) return Status::Internal("applying a tracking change: " + applied.message());
  return Status::OK();
}

const Run* TrackingStore::FindRun(const std::string& run_id) const {
  auto found = run_index_.find(run_id);
  return found == run_index_.end() ? nullptr : &runs_[found->second];
}

Result<Experiment> TrackingStore::CreateExperiment(const std::string& name, const std::string& artifact_location,
                                                   const std::map<std::string, std::string>& tags, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  for (const Experiment& held : experiments_) {
    if (held.name == name) {
      return Status::InvalidArgument("Experiment '" + name + "' already exists.",
                                     {{-1, "name", std::string(kAlreadyExists)}});
    }
  }
  const std::string id = std::to_string(next_experiment_id_);
  JsonWriter json;
  json.BeginObject();
  json.Key("op");
  json.String("experiment");
  json.Key("id");
  json.String(id);
  json.Key("name");
  json.String(name);
  json.Key("artifact_location");
  // MLflow's server default when the client names no location (artifacts are not served here).
  json.String(artifact_location.empty() ? "mlflow-artifacts:/" + id : artifact_location);
  json.Key("time");
  json.Int(now_ms);
  json.Key("tags");
  WriteStringObject(json, tags);
  json.EndObject();
  MLTRACK_RETURN_IF_ERROR(Commit(json.str()));
  return experiments_.back();
}

Result<Experiment> TrackingStore::GetExperiment(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const Experiment& held : experiments_) {
    if (held.id == id) return held;
  }
  return Status::NotFound("No Experiment with id=" + id + " exists");
}

Result<Experiment> TrackingStore::GetExperimentByName(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const Experiment& held : experiments_) {
    if (held.name == name) return held;
  }
  return Status::NotFound("Could not find experiment with name '" + name + "'");
}

std::vector<Experiment> TrackingStore::Experiments() const {
  std::lock_guard lock(mutex_);
  return experiments_;
}

Result<Run> TrackingStore::CreateRun(const std::string& experiment_id, const std::string& user_id,
                                     const std::string& run_name, int64_t start_time,
                                     const std::map<std::string, std::string>& tags) {
  std::lock_guard lock(mutex_);
  bool known = false;
  for (const Experiment& held : experiments_) known |= held.id == experiment_id;
  if (!known) return Status::NotFound("No Experiment with id=" + experiment_id + " exists");
  std::string run_id = NewRunId();
  while (run_index_.count(run_id)) run_id = NewRunId();
  JsonWriter json;
  json.BeginObject();
  json.Key("op");
  json.String("run");
  json.Key("run_id");
  json.String(run_id);
  json.Key("experiment_id");
  json.String(experiment_id);
  json.Key("user_id");
  json.String(user_id);
  json.Key("run_name");
  json.String(run_name);
  json.Key("start_time");
  json.Int(start_time);
  json.Key("tags");
  WriteStringObject(json, tags);
  json.EndObject();
  MLTRACK_RETURN_IF_ERROR(Commit(json.str()));
  return runs_.back();
}

Result<Run> TrackingStore::GetRun(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  const Run* run = FindRun(run_id);
  if (!run) return Status::NotFound("Run '" + run_id + "' not found");
  return *run;
}

Result<Run> TrackingStore::LogBatch(const std::string& run_id, const RunChanges& changes) {
  std::lock_guard lock(mutex_);
  const Run* run = FindRun(run_id);
  if (!run) return Status::NotFound("Run '" + run_id + "' not found");
  std::map<std::string, std::string> batch_params;
  for (const auto& [key, value] : changes.params) {
    auto held = run->params.find(key);
    auto [in_batch, fresh] = batch_params.try_emplace(key, value);
    const std::string* old = held != run->params.end() ? &held->second : (fresh ? nullptr : &in_batch->second);
    if (old && *old != value) {
      return Status::InvalidArgument(
          "Changing param values is not allowed. Param with key='" + key + "' was already logged with value='" +
              *old + "' for run ID='" + run_id + "'. Attempted logging new value '" + value + "'.",
          {{-1, "params", "param \"" + key + "\" already holds another value"}});
    }
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("op");
  json.String("log");
  json.Key("run_id");
  json.String(run_id);
  json.Key("metrics");
  json.BeginArray();
  for (const auto& [key, metric] : changes.metrics) {
    json.BeginArray();
    json.String(key);
    json.Double(metric.value);
    json.Int(metric.timestamp);
    json.Int(metric.step);
    json.EndArray();
  }
  json.EndArray();
  json.Key("params");
  WriteStringObject(json, changes.params);
  json.Key("tags");
  WriteStringObject(json, changes.tags);
  json.EndObject();
  MLTRACK_RETURN_IF_ERROR(Commit(json.str()));
  return *FindRun(run_id);
}

Result<Run> TrackingStore::DeleteTag(const std::string& run_id, const std::string& key) {
  std::lock_guard lock(mutex_);
  const Run* run = FindRun(run_id);
  if (!run) return Status::NotFound("Run '" + run_id + "' not found");
  if (!run->tags.count(key)) {
    return Status::NotFound("No tag with name: " + key + " in run with id " + run_id);
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("op");
  json.String("delete_tag");
  json.Key("run_id");
  json.String(run_id);
  json.Key("key");
  json.String(key);
  json.EndObject();
  MLTRACK_RETURN_IF_ERROR(Commit(json.str()));
  return *FindRun(run_id);
}

Result<std::pair<Run, Run>> TrackingStore::UpdateRun(const std::string& run_id, const RunUpdate& update) {
  std::lock_guard lock(mutex_);
  const Run* run = FindRun(run_id);
  if (!run) return Status::NotFound("Run '" + run_id + "' not found");
  Run before = *run;
  JsonWriter json;
  json.BeginObject();
  json.Key("op");
  json.String("update");
  json.Key("run_id");
  json.String(run_id);
  json.Key("status");
  update.status ? json.String(RunStatusName(*update.status)) : json.Null();
  json.Key("end_time");
  update.end_time ? json.Int(*update.end_time) : json.Null();
  json.Key("run_name");
  update.run_name ? json.String(*update.run_name) : json.Null();
  json.EndObject();
  MLTRACK_RETURN_IF_ERROR(Commit(json.str()));
  return std::make_pair(std::move(before), *FindRun(run_id));
}

std::vector<Run> TrackingStore::Runs(const std::set<std::string>& experiment_ids) const {
  std::lock_guard lock(mutex_);
  std::vector<Run> out;
  for (const Run& run : runs_) {
    if (experiment_ids.count(run.experiment_id)) out.push_back(run);
  }
  return out;
}

}  // namespace mltrack::mlflow
