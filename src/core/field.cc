#include "core/field.h"

#include <array>

namespace mltrack {
namespace {

constexpr std::array<FieldInfo, kFieldIdCount> kFields = {{
    {FieldId::kTs, "ts", FieldKind::kTime, false, false},
    {FieldId::kId, "id", FieldKind::kString, false, false},
    {FieldId::kExperiment, "experiment", FieldKind::kString, true, false},
    {FieldId::kRunId, "run_id", FieldKind::kString, true, false},
    {FieldId::kSessionId, "session_id", FieldKind::kString, true, false},
    {FieldId::kTraceId, "trace_id", FieldKind::kString, true, false},
    {FieldId::kUser, "user", FieldKind::kString, true, false},
    {FieldId::kTeam, "team", FieldKind::kString, true, false},
    {FieldId::kProvider, "provider", FieldKind::kString, true, false},
    {FieldId::kModel, "model", FieldKind::kString, true, false},
    {FieldId::kOperation, "operation", FieldKind::kEnum, true, false},
    {FieldId::kEndpoint, "endpoint", FieldKind::kString, true, false},
    {FieldId::kStatus, "status", FieldKind::kEnum, true, false},
    {FieldId::kErrorType, "error_type", FieldKind::kString, true, false},
    {FieldId::kHttpStatus, "http_status", FieldKind::kInt, true, true},
    {FieldId::kInputTokens, "input_tokens", FieldKind::kInt, false, true},
    {FieldId::kOutputTokens, "output_tokens", FieldKind::kInt, false, true},
    {FieldId::kCachedInputTokens, "cached_input_tokens", FieldKind::kInt, false, true},
    {FieldId::kCacheWriteTokens, "cache_write_tokens", FieldKind::kInt, false, true},
    {FieldId::kReasoningTokens, "reasoning_tokens", FieldKind::kInt, false, true},
    {FieldId::kCostUsd, "cost_usd", FieldKind::kMoney, false, true},
    {FieldId::kLatencyMs, "latency_ms", FieldKind::kDouble, false, true},
    {FieldId::kTtftMs, "ttft_ms", FieldKind::kDouble, false, true},
    {FieldId::kCacheHit, "cache_hit", FieldKind::kBool, true, false},
    {FieldId::kStreaming, "streaming", FieldKind::kBool, true, false},
    {FieldId::kPromptName, "prompt_name", FieldKind::kString, true, false},
    {FieldId::kPromptVersion, "prompt_version", FieldKind::kString, true, false},
    {FieldId::kInputHash, "input_hash", FieldKind::kString, true, false},
    {FieldId::kTotalTokens, "total_tokens", FieldKind::kInt, false, true},
    {FieldId::kTokensPerS, "tokens_per_s", FieldKind::kDouble, false, true},
    {FieldId::kTag, "tags", FieldKind::kString, true, false},
    {FieldId::kScore, "scores", FieldKind::kDouble, false, true},
}};

}  // namespace

std::span<const FieldInfo> AllFields() { return kFields; }

const FieldInfo& GetFieldInfo(FieldId id) { return kFields[static_cast<size_t>(id)]; }

std::string FieldRef::Name() const {
  if (id == FieldId::kTag) return "tags." + key;
  if (id == FieldId::kScore) return "scores." + key;
  return std::string(GetFieldInfo(id).name);
}

FieldKind FieldRef::kind() const { return GetFieldInfo(id).kind; }

std::optional<FieldRef> ParseFieldRef(std::string_view name) {
  constexpr std::string_view kTagPrefix = "tags.";
  constexpr std::string_view kScorePrefix = "scores.";
  if (name.starts_with(kTagPrefix) && name.size() > kTagPrefix.size()) {
    return FieldRef{FieldId::kTag, std::string(name.substr(kTagPrefix.size()))};
  }
  if (name.starts_with(kScorePrefix) && name.size() > kScorePrefix.size()) {
    return FieldRef{FieldId::kScore, std::string(name.substr(kScorePrefix.size()))};
  }
  for (const FieldInfo& info : kFields) {
    if (info.id == FieldId::kTag || info.id == FieldId::kScore) continue;
    if (info.name == name) return FieldRef{info.id, {}};
  }
  return std::nullopt;
}

}  // namespace mltrack
