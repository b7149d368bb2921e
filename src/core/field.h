#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mltrack {

// Every stored column of the event schema (DESIGN.md §6), in one registry that the store, the
// query engine and the API share. `tags.<key>` and `scores.<name>` are dynamic and named by
// FieldRef below.
enum class FieldId : uint8_t {
  kTs = 0,
  kId,
  kExperiment,
  kRunId,
  kSessionId,
  kTraceId,
  kUser,
  kTeam,
  kProvider,
  kModel,
  kOperation,
  kEndpoint,
  kStatus,
  kErrorType,
  kHttpStatus,
  kInputTokens,
  kOutputTokens,
  kCachedInputTokens,
  kCacheWriteTokens,
  kReasoningTokens,
  kCostUsd,
  kLatencyMs,
  kTtftMs,
  kCacheHit,
  kStreaming,
  kPromptName,
  kPromptVersion,
  kInputHash,    // appended after the stored fields of format v1-3: older segments have no column
  kTotalTokens,  // derived: input_tokens + output_tokens (absent when both are)
  kTokensPerS,   // derived: output_tokens / ((latency_ms − ttft_ms) / 1000), see IsDerivedField
  kTag,          // tags.<key>; the key lives in FieldRef
  kScore,        // scores.<name>; the name lives in FieldRef
};
inline constexpr int kFieldIdCount = static_cast<int>(FieldId::kScore) + 1;

// How a field is stored and what a query may do with it.
enum class FieldKind : uint8_t {
  kTime,    // int64 epoch ms
  kString,  // dictionary-encoded string; a dimension
  kEnum,    // small enum stored as uint8 (operation, status); a dimension shown as its name
  kInt,     // int64, absent = kNullInt; a measure (http_status is also a dimension)
  kMoney,   // int64 nano-USD, absent = kNullInt; a measure, shown in USD
  kDouble,  // double, absent = NaN; a measure
  kBool,    // uint8: kBoolAbsent / kBoolFalse / kBoolTrue; a dimension and a `rate` target
};

inline constexpr int64_t kNullInt = INT64_MIN;
inline constexpr uint8_t kBoolAbsent = 0;
inline constexpr uint8_t kBoolFalse = 1;
inline constexpr uint8_t kBoolTrue = 2;

struct FieldInfo {
  FieldId id;
  std::string_view name;  // as in the JSON schema
  FieldKind kind;
  bool dimension;  // may be grouped by and filtered with equality ops
  bool measure;    // may be aggregated with sum/avg/min/max/p<N>
};

// The static fields, indexed by FieldId (kTag and kScore have placeholder entries).
std::span<const FieldInfo> AllFields();
const FieldInfo& GetFieldInfo(FieldId id);

// A field as a query names it: a static field, `tags.<key>` or `scores.<name>`.
struct FieldRef {
  FieldId id = FieldId::kTs;
  std::string key;  // tag key or score name; empty otherwise

  // The name as written in a query: "model", "tags.env", "scores.accuracy".
  std::string Name() const;
  FieldKind kind() const;  // kTag → kString, kScore → kDouble
  bool operator==(const FieldRef&) const = default;
};

// Parses a field name; nullopt when no such field exists. The derived measures are accepted.
std::optional<FieldRef> ParseFieldRef(std::string_view name);

// Measures that no event carries and no column stores: readers compute them from other
// columns (query/column_source.cc). total_tokens = input_tokens + output_tokens (absent when
// both are); tokens_per_s = output_tokens / ((latency_ms − ttft_ms) / 1000), the output speed,
// present only when all three are and latency_ms > ttft_ms.
inline bool IsDerivedField(FieldId id) { return id == FieldId::kTotalTokens || id == FieldId::kTokensPerS; }

}  // namespace mltrack
