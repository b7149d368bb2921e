#include "alerts/alert_log.h"
#include "alerts/webhook_delivery.h"
#include "alerts/webhook_store.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kPrefix = "/api/v1/webhooks/";

// A webhook as the API shows it: never its secret, only whether it has one.
void WriteWebhook(JsonWriter& json, AppContext& context, const alerts::Webhook& webhook) {
  json.BeginObject();
  json.Key("id");
  json.String(webhook.id);
  json.Key("url");
  json.String(webhook.url);
  json.Key("description");
  json.String(webhook.description);
  json.Key("signed");
  json.Bool(!webhook.secret.empty());
  json.Key("created_at");
  json.String(FormatRfc3339(webhook.created_at_ms));
  if (context.webhook_delivery) {
    alerts::DeliveryState state = context.webhook_delivery->StateOf(webhook);
    json.Key("delivery");
    json.BeginObject();
    json.Key("delivered");
    json.Int(state.delivered);
    json.Key("pending");
    json.Int(state.pending);
    json.Key("failures");
    json.Int(state.failures);
    json.Key("last_error");
    if (state.last_error.empty()) {
      json.Null();
    } else {
      json.String(state.last_error);
    }
    json.Key("next_attempt");
    if (state.next_attempt_ms > 0) {
      json.String(FormatRfc3339(state.next_attempt_ms));
    } else {
      json.Null();
    }
    json.EndObject();
  }
  json.EndObject();
}

HttpResponse One(AppContext& context, int status, const alerts::Webhook& webhook) {
  JsonWriter json;
  WriteWebhook(json, context, webhook);
  return HttpResponse::Json(status, std::move(json).Take());
}

}  // namespace

// GET /api/v1/webhooks: the webhooks and their delivery state; POST: add one (201).
HttpResponse HandleWebhooks(AppContext& context, const HttpRequest& request) {
  if (!context.webhooks || !context.alert_log) {
    return ErrorResponse(Status::Unavailable("webhooks are not enabled on this server"));
  }
  if (request.method == "POST") {
    Result<alerts::WebhookInput> input = alerts::ParseWebhookInput(request.body);
    if (!input.ok()) return ErrorResponse(input.status(), "invalid_webhook");
    // It receives the alerts fired from now on.
    Result<alerts::Webhook> created = context.webhooks->Create(*input, context.alert_log->next_seq(), NowMs());
    if (!created.ok()) return ErrorResponse(created.status());
    if (context.webhook_delivery) context.webhook_delivery->Wake();
    return One(context, 201, *created);
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("webhooks");
  json.BeginArray();
  for (const alerts::Webhook& webhook : context.webhooks->List()) WriteWebhook(json, context, webhook);
  json.EndArray();
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

// GET, PUT and DELETE /api/v1/webhooks/<id>.
HttpResponse HandleWebhook(AppContext& context, const HttpRequest& request) {
  if (!context.webhooks) return ErrorResponse(Status::Unavailable("webhooks are not enabled on this server"));
  const std::string id = request.path.substr(kPrefix.size());
  if (request.method == "DELETE") {
    Status deleted = context.webhooks->Delete(id);
    if (!deleted.ok()) return ErrorResponse(deleted);
    return HttpResponse::Json(200, "{\"deleted\":true}");
  }
  if (request.method == "PUT") {
    Result<alerts::WebhookInput> input = alerts::ParseWebhookInput(request.body);
    if (!input.ok()) return ErrorResponse(input.status(), "invalid_webhook");
    Result<alerts::Webhook> updated = context.webhooks->Update(id, *input);
    if (!updated.ok()) return ErrorResponse(updated.status());
    if (context.webhook_delivery) context.webhook_delivery->Wake(id);
    return One(context, 200, *updated);
  }
  std::optional<alerts::Webhook> webhook = context.webhooks->Get(id);
  if (!webhook) return ErrorResponse(Status::NotFound("no webhook " + id));
  return One(context, 200, *webhook);
}

}  // namespace mltrack::server
