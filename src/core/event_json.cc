#include "core/event_json.h"

#include <string>

#include "core/time.h"

namespace mltrack {

void WriteEventJson(JsonWriter& out, const Event& event) {
  out.BeginObject();
  auto text = [&out](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    out.Key(key);
    out.String(value);
  };
  auto integer = [&out](std::string_view key, const std::optional<int64_t>& value) {
    if (!value) return;
    out.Key(key);
    out.Int(*value);
  };
  auto number = [&out](std::string_view key, const std::optional<double>& value) {
    if (!value) return;
    out.Key(key);
    out.Double(*value);
  };
  auto flag = [&out](std::string_view key, const std::optional<bool>& value) {
    if (!value) return;
    out.Key(key);
    out.Bool(*value);
  };
  text("id", event.id);
  out.Key("ts");
  out.Int(event.ts_ms);
  out.Key("time");
  out.String(FormatRfc3339(event.ts_ms));
  text("experiment", event.experiment);
  text("run_id", event.run_id);
  text("session_id", event.session_id);
  text("trace_id", event.trace_id);
  text("user", event.user);
  text("team", event.team);
  text("provider", event.provider);
  text("model", event.model);
  out.Key("operation");
  out.String(OperationName(event.operation));
  text("endpoint", event.endpoint);
  out.Key("status");
  out.String(EventStatusName(event.status));
  text("error_type", event.error_type);
  integer("http_status", event.http_status ? std::optional<int64_t>(*event.http_status) : std::nullopt);
  integer("input_tokens", event.input_tokens);
  integer("output_tokens", event.output_tokens);
  integer("cached_input_tokens", event.cached_input_tokens);
  integer("cache_write_tokens", event.cache_write_tokens);
  integer("reasoning_tokens", event.reasoning_tokens);
  if (event.cost_nano_usd) {
    out.Key("cost_usd");
    out.Money(*event.cost_nano_usd);
  }
  number("latency_ms", event.latency_ms);
  number("ttft_ms", event.ttft_ms);
  flag("cache_hit", event.cache_hit);
  flag("streaming", event.streaming);
  text("prompt_name", event.prompt_name);
  text("prompt_version", event.prompt_version);
  text("input_hash", event.input_hash);
  out.Key("scores");
  out.BeginObject();
  for (const auto& [name, value] : event.scores) {
    out.Key(name);
    out.Double(value);
  }
  out.EndObject();
  out.Key("tags");
  out.BeginObject();
  for (const auto& [key, value] : event.tags) {
    out.Key(key);
    out.String(value);
  }
  out.EndObject();
  out.EndObject();
}

}  // namespace mltrack
