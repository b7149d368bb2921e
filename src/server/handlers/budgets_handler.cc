#include "analytics/budget_status.h"
#include "analytics/budget_store.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kPrefix = "/api/v1/budgets/";

HttpResponse Unavailable() {
  return ErrorResponse(Status::Unavailable("budgets are not enabled on this server"));
}

// The budgets with their current spend and projection, as {"budgets": [...]} or one object.
HttpResponse StatusesResponse(AppContext& context, int http_status, const std::vector<analytics::Budget>& budgets,
                              bool one) {
  Result<std::vector<analytics::BudgetStatus>> statuses =
      analytics::ComputeBudgetStatuses(budgets, context.backend->Reader(), NowMs());
  if (!statuses.ok()) return ErrorResponse(statuses.status());
  JsonWriter json;
  if (!one) {
    json.BeginObject();
    json.Key("budgets");
    json.BeginArray();
  }
  for (const analytics::BudgetStatus& status : *statuses) analytics::WriteBudgetStatus(json, status);
  if (!one) {
    json.EndArray();
    json.EndObject();
  }
  return HttpResponse::Json(http_status, std::move(json).Take());
}

}  // namespace

// GET /api/v1/budgets: every budget with its spend; POST: create one (201).
HttpResponse HandleBudgets(AppContext& context, const HttpRequest& request) {
  if (!context.budgets) return Unavailable();
  if (request.method == "POST") {
    Result<analytics::BudgetInput> input = analytics::ParseBudgetInput(request.body);
    if (!input.ok()) return ErrorResponse(input.status(), "invalid_budget");
    Result<analytics::Budget> created = context.budgets->Create(*input, NowMs());
    if (!created.ok()) return ErrorResponse(created.status());
    return StatusesResponse(context, 201, {*created}, true);
  }
  return StatusesResponse(context, 200, context.budgets->List(), false);
}

// GET, PUT and DELETE /api/v1/budgets/<id>.
HttpResponse HandleBudget(AppContext& context, const HttpRequest& request) {
  if (!context.budgets) return Unavailable();
  const std::string id = request.path.substr(kPrefix.size());
  if (request.method == "DELETE") {
    Status deleted = context.budgets->Delete(id);
    if (!deleted.ok()) return ErrorResponse(deleted);
    return HttpResponse::Json(200, "{\"deleted\":true}");
  }
  if (request.method == "PUT") {
    Result<analytics::BudgetInput> input = analytics::ParseBudgetInput(request.body);
    if (!input.ok()) return ErrorResponse(input.status(), "invalid_budget");
    Result<analytics::Budget> updated = context.budgets->Update(id, *input);
    if (!updated.ok()) return ErrorResponse(updated.status());
    return StatusesResponse(context, 200, {*updated}, true);
  }
  std::optional<analytics::Budget> budget = context.budgets->Get(id);
  if (!budget) return ErrorResponse(Status::NotFound("no budget " + id));
  return StatusesResponse(context, 200, {*budget}, true);
}

}  // namespace mltrack::server
