#include <charconv>

#include "core/json_writer.h"
#include "core/time.h"
#include "mlflow/mlflow_json.h"
#include "mlflow/search_filter.h"
#include "mlflow/tracking_store.h"
#include "server/handlers/mlflow_routes.h"

namespace mltrack::server::mlflow_api {
namespace {

std::string ExperimentAnswer(const mlflow::Experiment& experiment) {
  JsonWriter json;
  json.BeginObject();
  json.Key("experiment");
  mlflow::WriteExperimentJson(json, experiment);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace

Result<std::pair<bool, bool>> ViewType(const Fields& fields, std::string_view name) {
  Result<std::optional<std::string>> view = fields.String(name);
  if (!view.ok()) return view.status();
  const std::string value = view->value_or("ACTIVE_ONLY");
  if (value == "ACTIVE_ONLY" || value == "1") return std::make_pair(true, false);
  if (value == "DELETED_ONLY" || value == "2") return std::make_pair(false, true);
  if (value == "ALL" || value == "3") return std::make_pair(true, true);
  return mlflow::InvalidField(name, "must be ACTIVE_ONLY, DELETED_ONLY or ALL, got \"" + value + "\"");
}

Result<std::pair<size_t, size_t>> Page(const Fields& fields, size_t fallback) {
  Result<std::optional<int64_t>> max_results = fields.Int("max_results");
  if (!max_results.ok()) return max_results.status();
  const int64_t limit = max_results->value_or(static_cast<int64_t>(fallback));
  if (limit < 1 || limit > static_cast<int64_t>(mlflow::kMaxSearchResults)) {
    return mlflow::InvalidField("max_results", "must be from 1 to " + std::to_string(mlflow::kMaxSearchResults) +
                                                   ", got " + std::to_string(limit));
  }
  Result<std::optional<std::string>> token = fields.String("page_token");
  if (!token.ok()) return token.status();
  size_t offset = 0;
  if (*token && !(*token)->empty()) {
    const std::string& text = **token;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return mlflow::InvalidField("page_token", "is not a token this server gave (\"" + text + "\")");
    }
  }
  return std::make_pair(static_cast<size_t>(limit), offset);
}

void WriteNextPageToken(JsonWriter& json, size_t page_end, size_t matching) {
  if (page_end >= matching) return;
  json.Key("next_page_token");
  json.String(std::to_string(page_end));
}

Result<std::string> CreateExperiment(AppContext& context, const Fields& fields) {
  Result<std::string> name = fields.RequiredString("name");
  if (!name.ok()) return name.status();
  Result<std::optional<std::string>> location = fields.String("artifact_location");
  if (!location.ok()) return location.status();
  Result<std::vector<std::pair<std::string, std::string>>> tags = fields.KeyValues("tags", mlflow::kMaxTagValueLength);
  if (!tags.ok()) return tags.status();
  Result<mlflow::Experiment> created = context.mlflow->CreateExperiment(
      *name, location->value_or(""), std::map<std::string, std::string>(tags->begin(), tags->end()), NowMs());
  if (!created.ok()) return created.status();
  JsonWriter json;
  json.BeginObject();
  json.Key("experiment_id");
  json.String(created->id);
  json.EndObject();
  return std::move(json).Take();
}

Result<std::string> GetExperiment(AppContext& context, const Fields& fields) {
  Result<std::string> id = fields.RequiredString("experiment_id");
  if (!id.ok()) return id.status();
  Result<mlflow::Experiment> experiment = context.mlflow->GetExperiment(*id);
  if (!experiment.ok()) return experiment.status();
  return ExperimentAnswer(*experiment);
}

Result<std::string> GetExperimentByName(AppContext& context, const Fields& fields) {
  Result<std::string> name = fields.RequiredString("experiment_name");
  if (!name.ok()) return name.status();
  Result<mlflow::Experiment> experiment = context.mlflow->GetExperimentByName(*name);
  if (!experiment.ok()) return experiment.status();
  return ExperimentAnswer(*experiment);
}

// experiments/list (MLflow 1.x) and experiments/search: view_type, filter (name, tags),
// max_results, page_token; by id.
Result<std::string> ListExperiments(AppContext& context, const Fields& fields) {
  Result<std::pair<bool, bool>> view = ViewType(fields, "view_type");
  if (!view.ok()) return view.status();
  Result<std::optional<std::string>> filter_text = fields.String("filter");
  if (!filter_text.ok()) return filter_text.status();
  Result<mlflow::SearchFilter> filter = mlflow::ParseExperimentFilter(filter_text->value_or(""));
  if (!filter.ok()) return filter.status();
  Result<std::pair<size_t, size_t>> page = Page(fields, 1000);
  if (!page.ok()) return page.status();
  std::vector<mlflow::Experiment> matching;
  for (mlflow::Experiment& experiment : context.mlflow->Experiments()) {
    const bool stage_ok = experiment.deleted ? view->second : view->first;
    if (stage_ok && mlflow::ExperimentMatches(*filter, experiment)) matching.push_back(std::move(experiment));
  }
  const auto [limit, offset] = *page;
  JsonWriter json;
  json.BeginObject();
  json.Key("experiments");
  json.BeginArray();
  for (size_t idx = offset; idx < matching.size() && idx < offset + limit; ++idx) {
    mlflow::WriteExperimentJson(json, matching[idx]);
  }
  json.EndArray();
  WriteNextPageToken(json, offset + limit, matching.size());
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::server::mlflow_api
