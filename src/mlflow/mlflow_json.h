#pragma once
// MLflow's JSON shapes of its entities (mlflow/protos/service.proto as MLflow's server writes
// them: int64 as JSON numbers, tags/params/metrics as [{"key", "value"}] lists), written in one
// place for every route of /api/2.0/mlflow/.

#include <string_view>

#include "core/json_writer.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

void WriteExperimentJson(JsonWriter& json, const Experiment& experiment);
// {"run_id", "run_uuid", "run_name", "experiment_id", "user_id", "status", "start_time",
//  "end_time", "artifact_uri", "lifecycle_stage"}
void WriteRunInfoJson(JsonWriter& json, const Run& run, std::string_view artifact_location);
// {"info": ..., "data": {"metrics", "params", "tags"}, "inputs": {}}
void WriteRunJson(JsonWriter& json, const Run& run, std::string_view artifact_location);

// MLflow's error body: {"error_code": "INVALID_PARAMETER_VALUE", "message": "..."}.
std::string MlflowErrorBody(std::string_view error_code, std::string_view message);

}  // namespace mltrack::mlflow
