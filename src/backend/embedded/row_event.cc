#include "backend/embedded/row_event.h"

#include <cmath>
#include <string>

namespace mltrack::backend {
namespace {

std::optional<int64_t> IntField(const store::ColumnBlock& block, FieldId id, uint32_t row) {
  const int64_t value = store::IntAt(block.column(id), row);
  return value == kNullInt ? std::nullopt : std::optional<int64_t>(value);
}

std::optional<double> DoubleField(const store::ColumnBlock& block, FieldId id, uint32_t row) {
  const double value = store::DoubleAt(block.column(id), row);
  return std::isnan(value) ? std::nullopt : std::optional<double>(value);
}

std::optional<bool> BoolField(const store::ColumnBlock& block, FieldId id, uint32_t row) {
  const uint8_t code = store::ByteAt(block.column(id), row);
  if (code == kBoolAbsent) return std::nullopt;
  return code == kBoolTrue;
}

}  // namespace

Event RowEvent(const store::TableSnapshot& snapshot, size_t block_index, uint32_t row, TraceIds& trace_ids,
               TraceIds& input_hashes) {
  const store::ColumnBlock& block = snapshot.blocks()[block_index];
  Event event;
  event.ts_ms = block.Ts(row);
  auto text = [&](FieldId id, std::string& out) {
    const uint32_t code = store::IdAt(block.column(id), row);
    out = code == store::kAbsentId ? std::string() : std::string(snapshot.dictionary(id)->Get(code));
  };
  text(FieldId::kExperiment, event.experiment);
  text(FieldId::kRunId, event.run_id);
  text(FieldId::kSessionId, event.session_id);
  event.trace_id = std::string(trace_ids.Get(block_index, row));
  text(FieldId::kUser, event.user);
  text(FieldId::kTeam, event.team);
  text(FieldId::kProvider, event.provider);
  text(FieldId::kModel, event.model);
  text(FieldId::kEndpoint, event.endpoint);
  text(FieldId::kErrorType, event.error_type);
  text(FieldId::kPromptName, event.prompt_name);
  text(FieldId::kPromptVersion, event.prompt_version);
  event.input_hash = std::string(input_hashes.Get(block_index, row));
  const uint8_t operation = store::ByteAt(block.column(FieldId::kOperation), row);
  event.operation = operation < kOperationCount ? static_cast<Operation>(operation) : Operation::kOther;
  event.status = store::ByteAt(block.column(FieldId::kStatus), row) == 0 ? EventStatus::kOk : EventStatus::kError;
  if (std::optional<int64_t> http = IntField(block, FieldId::kHttpStatus, row)) {
    event.http_status = static_cast<int32_t>(*http);
  }
  event.input_tokens = IntField(block, FieldId::kInputTokens, row);
  event.output_tokens = IntField(block, FieldId::kOutputTokens, row);
  event.cached_input_tokens = IntField(block, FieldId::kCachedInputTokens, row);
  event.cache_write_tokens = IntField(block, FieldId::kCacheWriteTokens, row);
  event.reasoning_tokens = IntField(block, FieldId::kReasoningTokens, row);
  event.cost_nano_usd = IntField(block, FieldId::kCostUsd, row);
  event.latency_ms = DoubleField(block, FieldId::kLatencyMs, row);
  event.ttft_ms = DoubleField(block, FieldId::kTtftMs, row);
  event.cache_hit = BoolField(block, FieldId::kCacheHit, row);
  event.streaming = BoolField(block, FieldId::kStreaming, row);
  for (const store::KeyedColumn& tag : block.tags) {
    const uint32_t code = store::IdAt(tag.data, row);
    if (code == store::kAbsentId) continue;
    event.tags.emplace_back(std::string(snapshot.tag_key(tag.index)),
                            std::string(snapshot.tag_dictionary(tag.index).Get(code)));
  }
  for (const store::KeyedColumn& score : block.scores) {
    const double value = store::DoubleAt(score.data, row);
    if (!std::isnan(value)) event.scores.emplace_back(std::string(snapshot.score_name(score.index)), value);
  }
  return event;
}

}  // namespace mltrack::backend
