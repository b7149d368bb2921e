#pragma once
// The run → event mapping of docs/integrations/mlflow.md: an MLflow run that is over
// (FINISHED, FAILED, KILLED) becomes one MLtrack event. Runs that follow MLtrack's LLM
// convention (an `llm.model` tag) become LLM calls; any other run is an `operation: "run"`
// event, so the Executive Dashboard's experiment and run counts and success rate include it.
// Used by the MLflow REST API (on runs/update) and by `mltrack import --mlflow-dir`, so a run
// logged live and the same run imported later are one event (same `id`).

#include <optional>

#include "core/event.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

// The event `id` of a run: "mlflow-run:<run_id>" (the idempotency key).
std::string RunEventId(const std::string& run_id);

// The event of `run` in `experiment`; nullopt while the run is not over (RUNNING, SCHEDULED).
// Never fails: values past the event schema's limits are cut (strings) or left out (tags and
// scores past 64, keys past 128 bytes), so every run maps to a valid event. Cost stays absent
// unless the run logged `llm.cost_usd`: the caller prices the event from the catalogue.
std::optional<Event> RunToEvent(const Experiment& experiment, const Run& run);

}  // namespace mltrack::mlflow
