#include "ingest/otlp/span_attributes.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

namespace mltrack::ingest::otlp {
namespace {

const std::unordered_map<std::string_view, Role>& RoleTable() {
  static const auto* table = new std::unordered_map<std::string_view, Role>{
      {"gen_ai.operation.name", Role::kOperationName},
      {"gen_ai.provider.name", Role::kProviderName},
      {"gen_ai.system", Role::kSystem},
      {"gen_ai.request.model", Role::kRequestModel},
      {"gen_ai.response.model", Role::kResponseModel},
      {"gen_ai.usage.input_tokens", Role::kInputTokens},
      {"gen_ai.usage.output_tokens", Role::kOutputTokens},
      {"gen_ai.usage.prompt_tokens", Role::kPromptTokens},
      {"gen_ai.usage.completion_tokens", Role::kCompletionTokens},
      {"gen_ai.usage.cache_read.input_tokens", Role::kCacheRead},
      {"gen_ai.usage.cache_read_input_tokens", Role::kCacheRead},
      {"gen_ai.usage.cache_creation.input_tokens", Role::kCacheCreation},
      {"gen_ai.usage.cache_creation_input_tokens", Role::kCacheCreation},
      {"gen_ai.usage.reasoning.output_tokens", Role::kReasoning},
      {"gen_ai.usage.reasoning_tokens", Role::kReasoning},
      {"error.type", Role::kErrorType},
      {"http.response.status_code", Role::kHttpStatus},
      {"user.id", Role::kUserId},
      {"enduser.id", Role::kUserId},
      {"session.id", Role::kSessionId},
      {"gen_ai.conversation.id", Role::kConversationId},
      {"gen_ai.response.time_to_first_chunk", Role::kTimeToFirstChunk},
      {"gen_ai.request.stream", Role::kStream},
      {"llm.is_streaming", Role::kStream},
      {"llm.request.type", Role::kRequestType},
      {"openinference.span.kind", Role::kOiSpanKind},
      {"llm.model_name", Role::kOiModel},
      {"llm.provider", Role::kOiProvider},
      {"llm.system", Role::kOiSystem},
      {"llm.token_count.prompt", Role::kOiPromptTokens},
      {"llm.token_count.completion", Role::kOiCompletionTokens},
      {"llm.token_count.prompt_details.cache_read", Role::kOiCacheRead},
      {"llm.token_count.prompt_details.cache_write", Role::kOiCacheWrite},
      {"llm.token_count.completion_details.reasoning", Role::kOiReasoning},
      {"mltrack.experiment", Role::kExperiment},
      {"mltrack.team", Role::kTeam},
      {"mltrack.run_id", Role::kRunId},
      {"mltrack.input_hash", Role::kInputHash},
      {"service.name", Role::kServiceName},
      {"gen_ai.usage.total_tokens", Role::kDerived},
      {"llm.usage.total_tokens", Role::kDerived},
      {"llm.token_count.total", Role::kDerived},
  };
  return *table;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::optional<Role> LookupRole(std::string_view key) {
  const auto& table = RoleTable();
  const auto found = table.find(key);
  if (found == table.end()) return std::nullopt;
  return found->second;
}

bool IsContentAttribute(std::string_view key) {
  static constexpr std::string_view kExact[] = {
      "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
      "gen_ai.tool.definitions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
      "gen_ai.retrieval.documents", "gen_ai.retrieval.query.text", "input.value", "output.value",
      "traceloop.entity.input", "traceloop.entity.output", "llm.request.functions"};
  for (std::string_view exact : kExact) {
    if (key == exact) return true;
  }
  // gen_ai.prompt.0.content (OpenLLMetry's older layout), llm.input_messages.0.message.content
  // (OpenInference), llm.prompts, llm.tools.
  static constexpr std::string_view kPrefixes[] = {
      "gen_ai.prompt", "gen_ai.completion", "llm.input_messages", "llm.output_messages",
      "llm.prompts", "llm.tools", "llm.prompt_template"};
  for (std::string_view prefix : kPrefixes) {
    if (StartsWith(key, prefix)) return true;
  }
  return false;
}

bool IsInfrastructureAttribute(std::string_view key) {
  return StartsWith(key, "telemetry.") || StartsWith(key, "process.") || StartsWith(key, "host.") ||
         StartsWith(key, "os.");
}

std::optional<std::string> ValueText(const AttributeValue& value) {
  using Kind = AttributeValue::Kind;
  switch (value.kind) {
    case Kind::kEmpty: return std::nullopt;
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kArray:
    case Kind::kKvList: return std::string(value.text);
    case Kind::kBool: return std::string(value.bool_value ? "true" : "false");
    case Kind::kInt: return std::to_string(value.int_value);
    case Kind::kDouble: {
      if (!std::isfinite(value.double_value)) {
        return std::string(std::isnan(value.double_value) ? "NaN" : value.double_value > 0 ? "Infinity" : "-Infinity");
      }
      char buffer[32];
      const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value.double_value);
      return std::string(buffer, result.ptr);
    }
  }
  return std::nullopt;
}

}  // namespace mltrack::ingest::otlp
