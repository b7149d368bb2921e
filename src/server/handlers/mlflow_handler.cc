#include <spdlog/spdlog.h>

#include "mlflow/mlflow_json.h"
#include "mlflow/tracking_store.h"
#include "server/handlers/handlers.h"
#include "server/handlers/mlflow_routes.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kPrefix = "/api/2.0/mlflow/";

using Endpoint = Result<std::string> (*)(AppContext&, const mlflow_api::Fields&);

struct Route {
  std::string_view method;
  std::string_view path;  // after the prefix
  Endpoint endpoint;
};

constexpr Route kRoutes[] = {
    {"POST", "experiments/create", &mlflow_api::CreateExperiment},
    {"GET", "experiments/get", &mlflow_api::GetExperiment},
    {"GET", "experiments/get-by-name", &mlflow_api::GetExperimentByName},
    {"GET", "experiments/list", &mlflow_api::ListExperiments},
    {"GET", "experiments/search", &mlflow_api::ListExperiments},
    {"POST", "experiments/search", &mlflow_api::ListExperiments},
    {"POST", "runs/create", &mlflow_api::CreateRun},
    {"GET", "runs/get", &mlflow_api::GetRun},
    {"POST", "runs/update", &mlflow_api::UpdateRun},
    {"POST", "runs/search", &mlflow_api::SearchRuns},
    {"POST", "runs/log-metric", &mlflow_api::LogMetric},
    {"POST", "runs/log-parameter", &mlflow_api::LogParameter},
    {"POST", "runs/log-batch", &mlflow_api::LogBatch},
    {"POST", "runs/set-tag", &mlflow_api::SetTag},
    {"POST", "runs/delete-tag", &mlflow_api::DeleteTag},
};

HttpResponse MlflowError(int http_status, std::string_view code, std::string_view message) {
  return HttpResponse::Json(http_status, mlflow::MlflowErrorBody(code, message));
}

// Status → MLflow's error codes and HTTP statuses (mlflow/protos/databricks.proto).
HttpResponse MlflowErrorResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: {
      const std::vector<ErrorDetail>& details = status.details();
      if (!details.empty() && details.front().reason == mlflow::TrackingStore::kAlreadyExists) {
        return MlflowError(400, "RESOURCE_ALREADY_EXISTS", status.message());
      }
      if (!details.empty() && details.front().field == "body") {
        return MlflowError(400, "MALFORMED_REQUEST", status.message());
      }
      return MlflowError(400, "INVALID_PARAMETER_VALUE", status.message());
    }
    case StatusCode::kNotFound:
      return MlflowError(404, "RESOURCE_DOES_NOT_EXIST", status.message());
    case StatusCode::kUnavailable:
    case StatusCode::kOverloaded:
    case StatusCode::kDeadlineExceeded:
      return MlflowError(503, "TEMPORARILY_UNAVAILABLE", status.message());
    default:
      spdlog::error("mlflow api: {}", status.ToString());
      return MlflowError(500, "INTERNAL_ERROR", status.message());
  }
}

}  // namespace

// Every /api/2.0/mlflow/ request: find the endpoint, read its fields (JSON body for POST, the
// query string for GET, as MLflow's clients send them), answer 200 or MLflow's error body.
HttpResponse HandleMlflow(AppContext& context, const HttpRequest& request) {
  if (!context.mlflow) {
    return MlflowError(503, "TEMPORARILY_UNAVAILABLE", "the MLflow tracking API is not enabled on this server");
  }
  const std::string_view path = std::string_view(request.path).substr(kPrefix.size());
  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& candidate : kRoutes) {
    if (candidate.path != path) continue;
    path_known = true;
    if (candidate.method == request.method) route = &candidate;
  }
  if (!route) {
    if (path_known) {
      return MlflowError(405, "BAD_REQUEST", request.method + " is not allowed on " + request.path);
    }
    return MlflowError(404, "ENDPOINT_NOT_FOUND",
                       "MLtrack serves experiments and runs of the MLflow REST API; " + request.path + " is not among them");
  }
  Result<mlflow::RequestFields> fields = mlflow::RequestFields::FromQuery(
      std::vector<std::pair<std::string, std::string>>(request.query.begin(), request.query.end()));
  if (request.method == "POST") fields = mlflow::RequestFields::FromJson(request.body);
  if (!fields.ok()) return MlflowErrorResponse(fields.status());
  Result<std::string> body = route->endpoint(context, *fields);
  if (!body.ok()) return MlflowErrorResponse(body.status());
  return HttpResponse::Json(200, std::move(*body));
}

}  // namespace mltrack::server
