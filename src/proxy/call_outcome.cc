#include "proxy/call_outcome.h"

namespace mltrack::proxy {

std::string ErrorTypeForStatus(int status) {
  if (status == 429) return "rate_limit";
  if (status == 401 || status == 403) return "auth";
  if (status == 404) return "not_found";
  if (status == 408) return "timeout";
  if (status >= 500) return "server_error";
  return "bad_request";
}

Event PreparedEvent(const PreparedCall& call) {
  Event event;
  event.ts_ms = call.received_ms;
  event.experiment = call.labels.experiment.empty() ? "default" : call.labels.experiment;
  event.user = call.labels.user;
  event.session_id = call.labels.session;
  event.team = call.labels.team;
  event.tags = call.labels.tags;
  event.provider = call.provider->name;
  event.endpoint = std::string(call.endpoint.path);
  event.operation = call.endpoint.operation;
  event.model = call.request_model;
  event.input_hash = call.input_hash;
  return event;
}

Event CallEvent(const PreparedCall& call, const CallOutcome& outcome) {
  using std::chrono::duration;
  Event event = PreparedEvent(call);
  if (!outcome.usage.model.empty()) event.model = outcome.usage.model;
  if (event.model.empty()) event.operation = Operation::kOther;  // the schema needs a model for LLM calls

  const CallUsage& usage = outcome.usage;
  event.input_tokens = usage.input_tokens;
  event.output_tokens = usage.output_tokens;
  event.cached_input_tokens = usage.cached_input_tokens;
  event.cache_write_tokens = usage.cache_write_tokens;
  event.reasoning_tokens = usage.reasoning_tokens;
  // The schema's totals include their parts; a provider that says otherwise is taken at its parts.
  const int64_t cache_parts = usage.cached_input_tokens.value_or(0) + usage.cache_write_tokens.value_or(0);
  if (cache_parts > event.input_tokens.value_or(0)) event.input_tokens = cache_parts;
  if (usage.reasoning_tokens.value_or(0) > event.output_tokens.value_or(0)) event.output_tokens = usage.reasoning_tokens;

  event.latency_ms = duration<double, std::milli>(outcome.ended - call.received).count();
  if (outcome.streaming && outcome.first_byte) {
    event.ttft_ms = duration<double, std::milli>(*outcome.first_byte - call.received).count();
  }
  event.streaming = outcome.streaming;
  event.cache_hit = outcome.cache_hit;
  if (outcome.cache_hit) event.cost_nano_usd = 0;

  if (outcome.client_status != 0) event.http_status = outcome.client_status;
  if (outcome.upstream_status) event.http_status = *outcome.upstream_status;
  const bool upstream_error = outcome.upstream_status && *outcome.upstream_status >= 400;
  if (!outcome.failure.empty()) {
    event.status = EventStatus::kError;
    event.error_type = outcome.failure;
  } else if (upstream_error || !usage.error_type.empty()) {
    event.status = EventStatus::kError;
    event.error_type = !usage.error_type.empty() ? usage.error_type : ErrorTypeForStatus(*outcome.upstream_status);
  }
  return event;
}

}  // namespace mltrack::proxy
