#pragma once
// Internal to the ingest module: the top-level fields of an event (schema v1,
// docs/event_schema.md) and the lookup of an object key among them.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/short_equal.h"

namespace mltrack::ingest {

// The top-level fields of schema v1, in the order of DESIGN.md §6.
enum class EventField : uint8_t {
  kId, kTs, kExperiment, kRunId, kSessionId, kTraceId, kUser, kTeam, kProvider, kModel,
  kOperation, kEndpoint, kStatus, kErrorType, kHttpStatus, kInputTokens, kOutputTokens,
  kCachedInputTokens, kCacheWriteTokens, kReasoningTokens, kCostUsd, kLatencyMs, kTtftMs,
  kCacheHit, kStreaming, kPromptName, kPromptVersion, kInputHash, kScores, kTags,
};

// The JSON name of each EventField, indexed by its value.
inline constexpr std::array<std::string_view, 30> kEventFieldNames = {
    "id", "ts", "experiment", "run_id", "session_id", "trace_id", "user", "team", "provider",
    "model", "operation", "endpoint", "status", "error_type", "http_status", "input_tokens",
    "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd",
    "latency_ms", "ttft_ms", "cache_hit", "streaming", "prompt_name", "prompt_version", "input_hash",
    "scores", "tags"};

inline std::string_view EventFieldName(EventField field) {
  return kEventFieldNames[static_cast<size_t>(field)];
}

namespace internal {

// Field names grouped by length, so that a lookup compares bytes with one or two names only.
struct EventFieldsByLength {
  static constexpr size_t kMaxLength = 20;
  std::array<std::array<int8_t, 6>, kMaxLength + 1> ids{};  // -1 terminated
  constexpr EventFieldsByLength() {
    for (auto& bucket : ids) bucket.fill(-1);
    for (size_t field_idx = 0; field_idx < kEventFieldNames.size(); ++field_idx) {
      auto& bucket = ids[kEventFieldNames[field_idx].size()];
      size_t slot = 0;
      while (bucket[slot] != -1) ++slot;
      bucket[slot] = static_cast<int8_t>(field_idx);
    }
  }
};
inline constexpr EventFieldsByLength kEventFieldsByLength;

}  // namespace internal

// The field named exactly `key` (case matters), or nullopt for an unknown key. Inline because
// it runs for every field of every event.
inline std::optional<EventField> LookupEventField(std::string_view key) {
  using internal::EventFieldsByLength;
  if (key.empty() || key.size() > EventFieldsByLength::kMaxLength) return std::nullopt;
  for (int8_t field_idx : internal::kEventFieldsByLength.ids[key.size()]) {
    if (field_idx < 0) break;
    const std::string_view name = kEventFieldNames[static_cast<size_t>(field_idx)];
    if (name[0] == key[0] && SameBytes(name.data(), key.data(), key.size())) {
      return static_cast<EventField>(field_idx);
    }
  }
  return std::nullopt;
}

}  // namespace mltrack::ingest
