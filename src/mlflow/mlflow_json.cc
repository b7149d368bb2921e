#include "mlflow/mlflow_json.h"

#include <map>
#include <string>

namespace mltrack::mlflow {
namespace {

void WriteKeyValues(JsonWriter& json, const std::map<std::string, std::string>& map) {
  json.BeginArray();
  for (const auto& [key, value] : map) {
    json.BeginObject();
    json.Key("key");
    json.String(key);
    json.Key("value");
    json.String(value);
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

void WriteExperimentJson(JsonWriter& json, const Experiment& experiment) {
  json.BeginObject();
  json.Key("experiment_id");
  json.String(experiment.id);
  json.Key("name");
  json.String(experiment.name);
  json.Key("artifact_location");
  json.String(experiment.artifact_location);
  json.Key("lifecycle_stage");
  json.String(experiment.deleted ? "deleted" : "active");
  json.Key("last_update_time");
  json.Int(experiment.last_update_time);
  json.Key("creation_time");
  json.Int(experiment.creation_time);
  json.Key("tags");
  WriteKeyValues(json, experiment.tags);
  json.EndObject();
}

void WriteRunInfoJson(JsonWriter& json, const Run& run, std::string_view artifact_location) {
  json.BeginObject();
  json.Key("run_id");
  json.String(run.run_id);
  json.Key("run_uuid");
  json.String(run.run_id);
  json.Key("run_name");
  json.String(run.run_name);
  json.Key("experiment_id");
  json.String(run.experiment_id);
  json.Key("user_id");
  json.String(run.user_id);
  json.Key("status");
  json.String(RunStatusName(run.status));
  json.Key("start_time");
  json.Int(run.start_time);
  if (run.end_time) {
    json.Key("end_time");
    json.Int(*run.end_time);
  }
  json.Key("artifact_uri");
  json.String(std::string(artifact_location) + "/" + run.run_id + "/artifacts");
  json.Key("lifecycle_stage");
  json.String(run.deleted ? "deleted" : "active");
  json.EndObject();
}

void WriteRunJson(JsonWriter& json, const Run& run, std::string_view artifact_location) {
  json.BeginObject();
  json.Key("info");
  WriteRunInfoJson(json, run, artifact_location);
  json.Key("data");
  json.BeginObject();
  json.Key("metrics");
  json.BeginArray();
  for (const auto& [key, metric] : run.metrics) {
    json.BeginObject();
    json.Key("key");
    json.String(key);
    json.Key("value");
    json.Double(metric.value);
    json.Key("timestamp");
    json.Int(metric.timestamp);
    json.Key("step");
    json.Int(metric.step);
    json.EndObject();
  }
  json.EndArray();
  json.Key("params");
  WriteKeyValues(json, run.params);
  json.Key("tags");
  WriteKeyValues(json, run.tags);
  json.EndObject();
  json.Key("inputs");
  json.BeginObject();
  json.EndObject();
  json.EndObject();
}

std::string MlflowErrorBody(std::string_view error_code, std::string_view message) {
  JsonWriter json;
  json.BeginObject();
  json.Key("error_code");
  json.String(error_code);
  json.Key("message");
  json.String(message);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::mlflow
