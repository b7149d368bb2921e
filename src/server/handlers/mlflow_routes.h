#pragma once
// The endpoints of the MLflow REST 2.0 subset under /api/2.0/mlflow/ (mlflow_handler.cc
// dispatches to them). Each reads its fields, calls the tracking store (and, when a run
// finishes, the backend), and returns the JSON body of a 200 answer; an error Status becomes
// MLflow's error body in the dispatcher. Thread-safe as the store and backend are.

#include <string>
#include <string_view>
#include <utility>

#include "core/json_writer.h"
#include "core/status.h"
#include "mlflow/request_fields.h"
#include "server/app_context.h"

namespace mltrack::server::mlflow_api {

using Fields = mlflow::RequestFields;

// Which lifecycle stages a view_type / run_view_type selects: (active, deleted).
Result<std::pair<bool, bool>> ViewType(const Fields& fields, std::string_view name);
// max_results (default `fallback`, at most kMaxSearchResults) and page_token (an offset
// into the ordered matches, as this server wrote it in next_page_token): (limit, offset).
Result<std::pair<size_t, size_t>> Page(const Fields& fields, size_t fallback);
// "next_page_token" (the offset `page_end`) when more than `page_end` items match.
void WriteNextPageToken(JsonWriter& json, size_t page_end, size_t matching);

Result<std::string> CreateExperiment(AppContext& context, const Fields& fields);
Result<std::string> GetExperiment(AppContext& context, const Fields& fields);
Result<std::string> GetExperimentByName(AppContext& context, const Fields& fields);
Result<std::string> ListExperiments(AppContext& context, const Fields& fields);  // list and search

Result<std::string> CreateRun(AppContext& context, const Fields& fields);
Result<std::string> GetRun(AppContext& context, const Fields& fields);
Result<std::string> UpdateRun(AppContext& context, const Fields& fields);
Result<std::string> SearchRuns(AppContext& context, const Fields& fields);
Result<std::string> LogMetric(AppContext& context, const Fields& fields);
Result<std::string> LogParameter(AppContext& context, const Fields& fields);
Result<std::string> LogBatch(AppContext& context, const Fields& fields);
Result<std::string> SetTag(AppContext& context, const Fields& fields);
Result<std::string> DeleteTag(AppContext& context, const Fields& fields);

}  // namespace mltrack::server::mlflow_api
