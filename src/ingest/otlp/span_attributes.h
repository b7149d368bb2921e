#pragma once
// The span and resource attributes that map to event fields (docs/integrations/otel.md): the
// OpenTelemetry GenAI semantic conventions, their pre-1.37 names that OpenLLMetry still emits,
// and OpenInference. Everything else is a tag, except message content, which is never kept.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/otlp/trace_data.h"

namespace mltrack::ingest::otlp {

// What an attribute means for the event. Where several roles feed one field, the mapping takes
// the first present in this order: GenAI conventions, their older names, OpenInference.
enum class Role : uint8_t {
  kOperationName,    // gen_ai.operation.name
  kProviderName,     // gen_ai.provider.name
  kSystem,           // gen_ai.system (before gen_ai.provider.name)
  kRequestModel,     // gen_ai.request.model
  kResponseModel,    // gen_ai.response.model
  kInputTokens,      // gen_ai.usage.input_tokens
  kOutputTokens,     // gen_ai.usage.output_tokens
  kPromptTokens,     // gen_ai.usage.prompt_tokens (older name)
  kCompletionTokens, // gen_ai.usage.completion_tokens (older name)
  kCacheRead,        // gen_ai.usage.cache_read.input_tokens (+ older cache_read_input_tokens)
  kCacheCreation,    // gen_ai.usage.cache_creation.input_tokens (+ older spelling)
  kReasoning,        // gen_ai.usage.reasoning.output_tokens
  kErrorType,        // error.type
  kHttpStatus,       // http.response.status_code
  kUserId,           // user.id, enduser.id
  kSessionId,        // session.id
  kConversationId,   // gen_ai.conversation.id
  kTimeToFirstChunk, // gen_ai.response.time_to_first_chunk (seconds)
  kStream,           // gen_ai.request.stream, llm.is_streaming
  kRequestType,      // llm.request.type (OpenLLMetry: chat, completion, embedding)
  kOiSpanKind,       // openinference.span.kind (LLM, EMBEDDING, ...)
  kOiModel,          // llm.model_name
  kOiProvider,       // llm.provider
  kOiSystem,         // llm.system
  kOiPromptTokens,   // llm.token_count.prompt
  kOiCompletionTokens,  // llm.token_count.completion
  kOiCacheRead,      // llm.token_count.prompt_details.cache_read
  kOiCacheWrite,     // llm.token_count.prompt_details.cache_write
  kOiReasoning,      // llm.token_count.completion_details.reasoning
  kExperiment,       // mltrack.experiment (span or resource)
  kTeam,             // mltrack.team
  kRunId,            // mltrack.run_id
  kInputHash,        // mltrack.input_hash (span only): the event's input_hash
  kServiceName,      // service.name (resource): the experiment unless mltrack.experiment is set
  kDerived,          // totals (gen_ai.usage.total_tokens, llm.token_count.total, ...): neither a field nor a tag
  kCount,
};
inline constexpr size_t kRoleCount = static_cast<size_t>(Role::kCount);

// The role of `key`; nullopt for an attribute that is a tag (or content).
std::optional<Role> LookupRole(std::string_view key);

// Prompt and completion text, tool arguments and results, retrieved documents: large and often
// personal, so never stored (counted as dropped).
bool IsContentAttribute(std::string_view key);

// Resource attributes that describe the SDK, process or host rather than the application
// (telemetry.*, process.*, host.*, os.*): not kept as tags.
bool IsInfrastructureAttribute(std::string_view key);

// The attribute values of one span (or resource) by role: the first occurrence of each.
struct RoleValues {
  std::array<const Attribute*, kRoleCount> attributes{};
  const Attribute* Get(Role role) const { return attributes[static_cast<size_t>(role)]; }
  // The first of `roles` that is present; nullptr when none is.
  template <typename... Roles>
  const Attribute* First(Roles... roles) const {
    const Attribute* found = nullptr;
    ((found = found != nullptr ? found : Get(roles)), ...);
    return found;
  }
  // Records `attribute` under `role` unless that role already has one; false when it had.
  bool Set(Role role, const Attribute& attribute) {
    const Attribute*& slot = attributes[static_cast<size_t>(role)];
    if (slot != nullptr) return false;
    slot = &attribute;
    return true;
  }
};

// An attribute value as tag text: strings as they are, numbers in shortest round-trip form,
// booleans as true/false, bytes as hex, arrays and lists as JSON. Nullopt for an empty value.
std::optional<std::string> ValueText(const AttributeValue& value);

}  // namespace mltrack::ingest::otlp
