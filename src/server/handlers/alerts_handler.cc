#include <charconv>

#include "alerts/alert_log.h"
#include "core/json_writer.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// GET /api/v1/alerts[?budget_id=b-1][&kind=budget_threshold][&limit=100]: fired alerts, newest
// first.
HttpResponse HandleAlerts(AppContext& context, const HttpRequest& request) {
  if (!context.alert_log) return ErrorResponse(Status::Unavailable("alerts are not enabled on this server"));
  std::vector<ErrorDetail> errors;
  size_t limit = 100;
  for (const auto& [key, value] : request.query) {
    if (key == "limit") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 10'000) {
        errors.push_back({-1, "limit", "must be a whole number from 1 to 10000"});
      }
    } else if (key != "budget_id" && key != "kind") {
      errors.push_back({-1, key, "unknown parameter (expected budget_id, kind, limit)"});
    }
  }
  if (!errors.empty()) return ErrorResponse(Status::InvalidArgument("invalid parameters", std::move(errors)));
  const std::optional<std::string_view> budget_id = request.QueryValue("budget_id");
  const std::optional<std::string_view> kind = request.QueryValue("kind");
  const std::string budget_member = budget_id ? "\"budget_id\":\"" + std::string(*budget_id) + "\"" : "";

  std::vector<alerts::Alert> all = context.alert_log->List();
  JsonWriter json;
  json.BeginObject();
  json.Key("alerts");
  json.BeginArray();
  size_t written = 0;
  for (auto it = all.rbegin(); it != all.rend() && written < limit; ++it) {
    if (kind && it->kind != *kind) continue;
    // Payloads are written by this server: a budget alert's is {"budget_id":"<id>",...}.
    if (budget_id && it->payload_json.find(budget_member) == std::string::npos) continue;
    json.Raw(alerts::AlertJson(*it));
    ++written;
  }
  json.EndArray();
  json.Key("total");
  json.Int(static_cast<int64_t>(all.size()));
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

}  // namespace mltrack::server
