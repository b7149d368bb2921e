#include "backend/clickhouse/event_rows.h"

#include "backend/clickhouse/row_binary.h"

namespace mltrack::backend::clickhouse {
namespace {

template <typename T>
std::optional<T> ReadNullable(RowBinaryReader& reader) {
  return reader.Nullable<T>();
}

std::optional<bool> ReadBool(RowBinaryReader& reader) {
  std::optional<uint8_t> value = reader.Nullable<uint8_t>();
  if (!value) return std::nullopt;
  return *value != 0;
}

std::optional<uint8_t> BoolByte(const std::optional<bool>& value) {
  if (!value) return std::nullopt;
  return static_cast<uint8_t>(*value ? 1 : 0);
}

}  // namespace

std::string_view EventColumnList() {
  return "`key`, `batch`, `id`, `ts`, `experiment`, `run_id`, `session_id`, `trace_id`, `user`, `team`, "
         "`provider`, `model`, `operation`, `endpoint`, `status`, `error_type`, `http_status`, "
         "`input_tokens`, `output_tokens`, `cached_input_tokens`, `cache_write_tokens`, `reasoning_tokens`, "
         "`cost_nano_usd`, `latency_ms`, `ttft_ms`, `cache_hit`, `streaming`, `prompt_name`, "
         "`prompt_version`, `input_hash`, `scores.name`, `scores.value`, `tags.key`, `tags.value`";
}

std::string EventKey(const Event& event, std::string_view batch, size_t row) {
  if (!event.id.empty()) return event.id;
  return "~" + std::string(batch) + "." + std::to_string(row);
}

void EncodeEventRow(const Event& event, std::string_view batch, size_t row, std::string* out) {
  RowBinaryWriter writer(out);
  writer.String(EventKey(event, batch, row));
  writer.String(batch);
  writer.String(event.id);
  writer.Fixed<int64_t>(event.ts_ms);
  for (const std::string* text : {&event.experiment, &event.run_id, &event.session_id, &event.trace_id, &event.user,
                                  &event.team, &event.provider, &event.model}) {
    writer.String(*text);
  }
  writer.Fixed<uint8_t>(static_cast<uint8_t>(event.operation));
  writer.String(event.endpoint);
  writer.Fixed<uint8_t>(static_cast<uint8_t>(event.status));
  writer.String(event.error_type);
  writer.Nullable<int32_t>(event.http_status);
  for (const std::optional<int64_t>* value : {&event.input_tokens, &event.output_tokens, &event.cached_input_tokens,
                                              &event.cache_write_tokens, &event.reasoning_tokens,
                                              &event.cost_nano_usd}) {
    writer.Nullable<int64_t>(*value);
  }
  writer.Nullable<double>(event.latency_ms);
  writer.Nullable<double>(event.ttft_ms);
  writer.Nullable<uint8_t>(BoolByte(event.cache_hit));
  writer.Nullable<uint8_t>(BoolByte(event.streaming));
  writer.String(event.prompt_name);
  writer.String(event.prompt_version);
  writer.String(event.input_hash);
  writer.Varint(event.scores.size());
  for (const auto& score : event.scores) writer.String(score.first);
  writer.Varint(event.scores.size());
  for (const auto& score : event.scores) writer.Fixed<double>(score.second);
  writer.Varint(event.tags.size());
  for (const auto& tag : event.tags) writer.String(tag.first);
  writer.Varint(event.tags.size());
  for (const auto& tag : event.tags) writer.String(tag.second);
}

Result<EventBatch> DecodeEventRows(std::string_view data) {
  RowBinaryReader reader(data);
  EventBatch events;
  while (!reader.AtEnd() && reader.ok()) {
    Event& event = events.emplace_back();
    reader.String();  // key
    reader.String();  // batch
    event.id = reader.String();
    event.ts_ms = reader.Fixed<int64_t>();
    for (std::string* text : {&event.experiment, &event.run_id, &event.session_id, &event.trace_id, &event.user,
                              &event.team, &event.provider, &event.model}) {
      *text = reader.String();
    }
    const uint8_t operation = reader.Fixed<uint8_t>();
    event.operation = operation < kOperationCount ? static_cast<Operation>(operation) : Operation::kOther;
    event.endpoint = reader.String();
    event.status = reader.Fixed<uint8_t>() == 0 ? EventStatus::kOk : EventStatus::kError;
    event.error_type = reader.String();
    event.http_status = ReadNullable<int32_t>(reader);
    for (std::optional<int64_t>* value : {&event.input_tokens, &event.output_tokens, &event.cached_input_tokens,
                                          &event.cache_write_tokens, &event.reasoning_tokens,
                                          &event.cost_nano_usd}) {
      *value = ReadNullable<int64_t>(reader);
    }
    event.latency_ms = ReadNullable<double>(reader);
    event.ttft_ms = ReadNullable<double>(reader);
    event.cache_hit = ReadBool(reader);
    event.streaming = ReadBool(reader);
    event.prompt_name = reader.String();
    event.prompt_version = reader.String();
    event.input_hash = reader.String();
    const uint64_t score_names = reader.Varint();
    for (uint64_t idx = 0; idx < score_names && reader.ok(); ++idx) event.scores.emplace_back(reader.String(), 0.0);
    const uint64_t score_values = reader.Varint();
    for (uint64_t idx = 0; idx < score_values && reader.ok(); ++idx) {
      const double value = reader.Fixed<double>();
      if (idx < event.scores.size()) event.scores[idx].second = value;
    }
    const uint64_t tag_keys = reader.Varint();
    for (uint64_t idx = 0; idx < tag_keys && reader.ok(); ++idx) event.tags.emplace_back(reader.String(), "");
    const uint64_t tag_values = reader.Varint();
    for (uint64_t idx = 0; idx < tag_values && reader.ok(); ++idx) {
      std::string_view value = reader.String();
      if (idx < event.tags.size()) event.tags[idx].second = value;
    }
    if (score_names != score_values || tag_keys != tag_values) {
      return Status::Internal("ClickHouse returned an event whose scores or tags arrays differ in length");
    }
  }
  if (!reader.ok()) return reader.status();
  return events;
}

}  // namespace mltrack::backend::clickhouse
