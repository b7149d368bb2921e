#pragma once
// Reads an MLflow file store (the `mlruns/` directory MLflow's FileStore writes) into tracking
// entities, for `mltrack import --mlflow-dir`:
//
//   <root>/<experiment_id>/meta.yaml                  name, artifact_location, lifecycle_stage, times
//   <root>/<experiment_id>/tags/<key>                 experiment tag (file content = value)
//   <root>/<experiment_id>/<run_id>/meta.yaml         run_id, run_name, user_id, status (1..5), times
//   <root>/<experiment_id>/<run_id>/metrics/<key>     one "timestamp value step" line per logged value
//   <root>/<experiment_id>/<run_id>/params/<key>      file content = value
//   <root>/<experiment_id>/<run_id>/tags/<key>        file content = value
//
// Keys containing "/" are nested directories. Directories whose names start with "." (MLflow's
// .trash), MLflow's model registry (models/) and directories without a meta.yaml (traces/,
// datasets) are neither experiments nor runs.
// Layout details and what is skipped: docs/integrations/mlflow.md#import. Thread-compatible.

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

struct FileStoreContents {
  std::vector<Experiment> experiments;  // by id as found
  std::vector<Run> runs;
  // Runs or experiments that could not be read (a meta.yaml without a run id, a metric line
  // that is not "timestamp value step"): each is skipped and named here, the rest is read.
  std::vector<std::string> problems;
};

// kNotFound when `root` is not a directory; kInvalidArgument when it holds no experiment at
// all (probably not an mlruns directory); kIOError when it cannot be listed.
Result<FileStoreContents> ReadFileStore(const std::filesystem::path& root);

}  // namespace mltrack::mlflow
