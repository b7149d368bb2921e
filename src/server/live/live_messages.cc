#include "server/live/live_messages.h"

#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::server::live {
namespace {

void OptionalString(JsonWriter& json, std::string_view key, const std::string& value) {
  if (value.empty()) return;
  json.Key(key);
  json.String(value);
}

template <typename T>
void OptionalInt(JsonWriter& json, std::string_view key, const std::optional<T>& value) {
  if (!value) return;
  json.Key(key);
  json.Int(*value);
}

void OptionalDouble(JsonWriter& json, std::string_view key, const std::optional<double>& value) {
  if (!value) return;
  json.Key(key);
  json.Double(*value);
}

std::string Message(std::string_view type, const analytics::LiveReport& report, const std::vector<Event>& events,
                    int64_t at_ms, const double* lag_ms) {
  JsonWriter json;
  json.BeginObject();
  json.Key("type");
  json.String(type);
  json.Key("at");
  json.Int(at_ms);
  if (lag_ms != nullptr) {
    json.Key("lag_ms");
    json.Double(*lag_ms);
  }
  json.Key("totals");
  analytics::WriteLiveFigures(json, report.totals);
  json.Key("bucket");
  analytics::WriteLiveBucket(json, report);
  json.Key("events");
  json.BeginArray();
  for (const Event& event : events) WriteLiveEvent(json, event);
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace

void WriteLiveEvent(JsonWriter& json, const Event& event) {
  json.BeginObject();
  OptionalString(json, "id", event.id);
  json.Key("ts");
  json.String(FormatRfc3339(event.ts_ms));
  OptionalString(json, "experiment", event.experiment);
  OptionalString(json, "run_id", event.run_id);
  OptionalString(json, "session_id", event.session_id);
  OptionalString(json, "trace_id", event.trace_id);
  OptionalString(json, "user", event.user);
  OptionalString(json, "team", event.team);
  OptionalString(json, "provider", event.provider);
  OptionalString(json, "model", event.model);
  json.Key("operation");
  json.String(OperationName(event.operation));
  json.Key("status");
  json.String(EventStatusName(event.status));
  OptionalString(json, "error_type", event.error_type);
  OptionalInt(json, "http_status", event.http_status);
  OptionalInt(json, "input_tokens", event.input_tokens);
  OptionalInt(json, "output_tokens", event.output_tokens);
  if (event.cost_nano_usd) {
    json.Key("cost_usd");
    json.Money(*event.cost_nano_usd);
  }
  OptionalDouble(json, "latency_ms", event.latency_ms);
  OptionalDouble(json, "ttft_ms", event.ttft_ms);
  if (!event.tags.empty()) {
    json.Key("tags");
    json.BeginObject();
    for (const auto& [key, value] : event.tags) {
      json.Key(key);
      json.String(value);
    }
    json.EndObject();
  }
  json.EndObject();
}

std::string SnapshotMessage(const analytics::LiveReport& report, const std::vector<Event>& events, int64_t at_ms) {
  return Message("snapshot", report, events, at_ms, nullptr);
}

std::string UpdateMessage(const analytics::LiveReport& report, const std::vector<Event>& events, int64_t at_ms,
                          double lag_ms) {
  return Message("update", report, events, at_ms, &lag_ms);
}

std::string ErrorMessage(std::string_view field, std::string_view reason) {
  JsonWriter json;
  json.BeginObject();
  json.Key("type");
  json.String("error");
  json.Key("field");
  json.String(field);
  json.Key("reason");
  json.String(reason);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::server::live
