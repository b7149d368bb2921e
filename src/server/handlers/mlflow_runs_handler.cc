#include <cmath>
#include <set>
#include <tuple>

#include "core/json_writer.h"
#include "core/time.h"
#include "ingest/pricing.h"
#include "mlflow/mlflow_json.h"
#include "mlflow/run_event.h"
#include "mlflow/search_filter.h"
#include "mlflow/tracking_store.h"
#include "server/handlers/mlflow_routes.h"

namespace mltrack::server::mlflow_api {
namespace {

// MLflow clients send run_id; older ones run_uuid.
Result<std::string> RunIdOf(const Fields& fields) {
  Result<std::optional<std::string>> run_id = fields.String("run_id");
  if (!run_id.ok()) return run_id.status();
  if (*run_id && !(*run_id)->empty()) return **run_id;
  Result<std::optional<std::string>> uuid = fields.String("run_uuid");
  if (!uuid.ok()) return uuid.status();
  if (*uuid && !(*uuid)->empty()) return **uuid;
  return mlflow::InvalidField("run_id", "is required and must not be empty");
}

std::string ArtifactLocation(AppContext& context, const std::string& experiment_id) {
  Result<mlflow::Experiment> experiment = context.mlflow->GetExperiment(experiment_id);
  return experiment.ok() ? experiment->artifact_location : std::string();
}

std::string RunAnswer(AppContext& context, const mlflow::Run& run) {
  JsonWriter json;
  json.BeginObject();
  json.Key("run");
  mlflow::WriteRunJson(json, run, ArtifactLocation(context, run.experiment_id));
  json.EndObject();
  return std::move(json).Take();
}

Result<std::string> Log(AppContext& context, const Fields& fields, const mlflow::RunChanges& changes) {
  Result<std::string> run_id = RunIdOf(fields);
  if (!run_id.ok()) return run_id.status();
  Result<mlflow::Run> logged = context.mlflow->LogBatch(*run_id, changes);
  if (!logged.ok()) return logged.status();
  return std::string("{}");
}

// The run as it will be after `update` (status, end time, name).
mlflow::Run Updated(mlflow::Run run, const mlflow::RunUpdate& update) {
  if (update.status) run.status = *update.status;
  if (update.end_time) run.end_time = update.end_time;
  if (update.run_name) run.run_name = *update.run_name;
  return run;
}

}  // namespace

Result<std::string> CreateRun(AppContext& context, const Fields& fields) {
  Result<std::optional<std::string>> experiment_id = fields.String("experiment_id");
  Result<std::optional<std::string>> user_id = fields.String("user_id");
  Result<std::optional<std::string>> run_name = fields.String("run_name");
  Result<std::optional<int64_t>> start_time = fields.Int("start_time");
  Result<std::vector<std::pair<std::string, std::string>>> tags = fields.KeyValues("tags", mlflow::kMaxTagValueLength);
  for (const Status& status : {experiment_id.status(), user_id.status(), run_name.status(), start_time.status(),
                               tags.status()}) {
    if (!status.ok()) return status;
  }
  std::map<std::string, std::string> tag_map(tags->begin(), tags->end());
  std::string name = run_name->value_or("");
  // MLflow keeps the run name in the tag mlflow.runName too; either names the run.
  if (name.empty() && tag_map.count("mlflow.runName")) name = tag_map["mlflow.runName"];
  if (!name.empty()) tag_map["mlflow.runName"] = name;
  std::string user = user_id->value_or("");
  if (user.empty() && tag_map.count("mlflow.user")) user = tag_map["mlflow.user"];
  const int64_t start = start_time->value_or(NowMs());
  if (Status in_range = CheckApiTime(start); !in_range.ok()) {
    return mlflow::InvalidField("start_time", in_range.message());
  }
  // MLflow's default experiment "0" when the client names none.
  Result<mlflow::Run> run =
      context.mlflow->CreateRun(experiment_id->value_or("0"), user, name, start, tag_map);
  if (!run.ok()) return run.status();
  return RunAnswer(context, *run);
}

Result<std::string> GetRun(AppContext& context, const Fields& fields) {
  Result<std::string> run_id = RunIdOf(fields);
  if (!run_id.ok()) return run_id.status();
  Result<mlflow::Run> run = context.mlflow->GetRun(*run_id);
  if (!run.ok()) return run.status();
  return RunAnswer(context, *run);
}

// runs/update: when the run reaches FINISHED, FAILED or KILLED it becomes an event (run_event.h),
// appended through the backend before the update is stored, so an acknowledged finish always
// has its event; a retried finish finds the event's id stored and adds nothing.
Result<std::string> UpdateRun(AppContext& context, const Fields& fields) {
  Result<std::string> run_id = RunIdOf(fields);
  if (!run_id.ok()) return run_id.status();
  Result<std::optional<std::string>> status_text = fields.String("status");
  Result<std::optional<int64_t>> end_time = fields.Int("end_time");
  Result<std::optional<std::string>> run_name = fields.String("run_name");
  for (const Status& status : {status_text.status(), end_time.status(), run_name.status()}) {
    if (!status.ok()) return status;
  }
  mlflow::RunUpdate update;
  if (*status_text) {
    update.status = mlflow::ParseRunStatus(**status_text);
    if (!update.status) {
      return mlflow::InvalidField("status", "must be RUNNING, SCHEDULED, FINISHED, FAILED or KILLED, got \"" +
                                                **status_text + "\"");
    }
  }
  if (*end_time) {
    if (Status in_range = CheckApiTime(**end_time); !in_range.ok()) {
      return mlflow::InvalidField("end_time", in_range.message());
    }
    update.end_time = **end_time;
  }
  if (*run_name && !(*run_name)->empty()) update.run_name = **run_name;
  Result<mlflow::Run> current = context.mlflow->GetRun(*run_id);
  if (!current.ok()) return current.status();
  mlflow::Run after = Updated(*current, update);
  if (mlflow::IsTerminal(after.status) && !after.end_time) after.end_time = update.end_time = NowMs();
  if (mlflow::IsTerminal(after.status)) {
    Result<mlflow::Experiment> experiment = context.mlflow->GetExperiment(after.experiment_id);
    if (!experiment.ok()) return experiment.status();
    std::optional<Event> event = mlflow::RunToEvent(*experiment, after);
    EventBatch batch;
    batch.push_back(std::move(*event));
    ingest::PriceEvents(*context.prices, batch);
    Result<backend::AppendResult> appended = context.backend->Append(std::move(batch));
    if (!appended.ok()) return appended.status();
  }
  Result<std::pair<mlflow::Run, mlflow::Run>> updated = context.mlflow->UpdateRun(*run_id, update);
  if (!updated.ok()) return updated.status();
  JsonWriter json;
  json.BeginObject();
  json.Key("run_info");
  mlflow::WriteRunInfoJson(json, updated->second, ArtifactLocation(context, updated->second.experiment_id));
  json.EndObject();
  return std::move(json).Take();
}

// runs/search: experiment_ids, filter, run_view_type, max_results (default 1000), order_by,
// page_token.
Result<std::string> SearchRuns(AppContext& context, const Fields& fields) {
  Result<std::vector<std::string>> experiment_ids = fields.StringList("experiment_ids");
  if (!experiment_ids.ok()) return experiment_ids.status();
  Result<std::pair<bool, bool>> view = ViewType(fields, "run_view_type");
  if (!view.ok()) return view.status();
  Result<std::optional<std::string>> filter_text = fields.String("filter");
  if (!filter_text.ok()) return filter_text.status();
  Result<mlflow::SearchFilter> filter = mlflow::ParseRunFilter(filter_text->value_or(""));
  if (!filter.ok()) return filter.status();
  Result<std::vector<std::string>> order_text = fields.StringList("order_by");
  if (!order_text.ok()) return order_text.status();
  Result<std::vector<mlflow::OrderKey>> order = mlflow::ParseRunOrder(*order_text);
  if (!order.ok()) return order.status();
  Result<std::pair<size_t, size_t>> page = Page(fields, 1000);
  if (!page.ok()) return page.status();

  std::set<std::string> wanted(experiment_ids->begin(), experiment_ids->end());
  std::vector<mlflow::Run> matching;
  for (mlflow::Run& run : context.mlflow->Runs(wanted)) {
    const bool stage_ok = run.deleted ? view->second : view->first;
    if (stage_ok && mlflow::RunMatches(*filter, run)) matching.push_back(std::move(run));
  }
  mlflow::SortRuns(matching, *order);
  const auto [limit, offset] = *page;
  std::map<std::string, std::string> locations;
  JsonWriter json;
  json.BeginObject();
  json.Key("runs");
  json.BeginArray();
  for (size_t idx = offset; idx < matching.size() && idx < offset + limit; ++idx) {
    const mlflow::Run& run = matching[idx];
    auto location = locations.find(run.experiment_id);
    if (location == locations.end()) {
      location = locations.emplace(run.experiment_id, ArtifactLocation(context, run.experiment_id)).first;
    }
    mlflow::WriteRunJson(json, run, location->second);
  }
  json.EndArray();
  WriteNextPageToken(json, offset + limit, matching.size());
  json.EndObject();
  return std::move(json).Take();
}

Result<std::string> LogMetric(AppContext& context, const Fields& fields) {
  Result<std::string> key = fields.RequiredString("key");
  Result<std::optional<double>> value = fields.Number("value");
  Result<std::optional<int64_t>> timestamp = fields.Int("timestamp");
  Result<std::optional<int64_t>> step = fields.Int("step");
  for (const Status& status : {key.status(), value.status(), timestamp.status(), step.status()}) {
    if (!status.ok()) return status;
  }
  MLTRACK_RETURN_IF_ERROR(mlflow::CheckKey("key", *key));
  if (!*value || !std::isfinite(**value)) return mlflow::InvalidField("value", "is required and must be a finite number");
  mlflow::RunChanges changes;
  changes.metrics.emplace_back(*key, mlflow::Metric{**value, timestamp->value_or(NowMs()), step->value_or(0)});
  return Log(context, fields, changes);
}

// log-parameter and set-tag: one key and a string value of at most `value_limit` characters.
Result<std::pair<std::string, std::string>> KeyAndValue(const Fields& fields, size_t value_limit) {
  Result<std::string> key = fields.RequiredString("key");
  if (!key.ok()) return key.status();
  MLTRACK_RETURN_IF_ERROR(mlflow::CheckKey("key", *key));
  Result<std::optional<std::string>> value = fields.String("value");
  if (!value.ok()) return value.status();
  if (value->value_or("").size() > value_limit) {
    return mlflow::InvalidField("value", "is longer than " + std::to_string(value_limit) + " characters");
  }
  return std::make_pair(std::move(*key), value->value_or(""));
}

Result<std::string> LogParameter(AppContext& context, const Fields& fields) {
  Result<std::pair<std::string, std::string>> param = KeyAndValue(fields, mlflow::kMaxParamValueLength);
  if (!param.ok()) return param.status();
  mlflow::RunChanges changes;
  changes.params.push_back(std::move(*param));
  return Log(context, fields, changes);
}

Result<std::string> SetTag(AppContext& context, const Fields& fields) {
  Result<std::pair<std::string, std::string>> tag = KeyAndValue(fields, mlflow::kMaxTagValueLength);
  if (!tag.ok()) return tag.status();
  mlflow::RunChanges changes;
  changes.tags.push_back(std::move(*tag));
  return Log(context, fields, changes);
}

Result<std::string> LogBatch(AppContext& context, const Fields& fields) {
  mlflow::RunChanges changes;
  Result<std::vector<std::pair<std::string, mlflow::Metric>>> metrics = fields.Metrics("metrics", NowMs());
  Result<std::vector<std::pair<std::string, std::string>>> params = fields.KeyValues("params", mlflow::kMaxParamValueLength);
  Result<std::vector<std::pair<std::string, std::string>>> tags = fields.KeyValues("tags", mlflow::kMaxTagValueLength);
  for (const Status& status : {metrics.status(), params.status(), tags.status()}) {
    if (!status.ok()) return status;
  }
  for (const auto& [field, count, limit] : {std::tuple<const char*, size_t, size_t>{"metrics", metrics->size(), mlflow::kMaxBatchMetrics},
                                            {"params", params->size(), mlflow::kMaxBatchParams},
                                            {"tags", tags->size(), mlflow::kMaxBatchTags}}) {
    if (count > limit) {
      return mlflow::InvalidField(field, "at most " + std::to_string(limit) + " per batch, got " + std::to_string(count));
    }
  }
  changes.metrics = std::move(*metrics);
  changes.params = std::move(*params);
  changes.tags = std::move(*tags);
  return Log(context, fields, changes);
}

Result<std::string> DeleteTag(AppContext& context, const Fields& fields) {
  Result<std::string> run_id = RunIdOf(fields);
  if (!run_id.ok()) return run_id.status();
  Result<std::string> key = fields.RequiredString("key");
  if (!key.ok()) return key.status();
  Result<mlflow::Run> run = context.mlflow->DeleteTag(*run_id, *key);
  if (!run.ok()) return run.status();
  return std::string("{}");
}

}  // namespace mltrack::server::mlflow_api
