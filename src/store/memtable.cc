#include "store/memtable.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "core/field.h"
#include "store/dictionary_set.h"

namespace mltrack::store {
namespace {

constexpr size_t FieldIndex(FieldId id) { return static_cast<size_t>(id); }

// One column array; allocated at the block's full capacity and pre-filled with "absent", so an
// append writes present values only and the array never moves.
struct ColumnArray {
  std::unique_ptr<std::byte[]> data;
  size_t bytes = 0;
};

ColumnArray AllocateColumn(FieldKind kind, size_t value_bytes, size_t capacity) {
  ColumnArray column;
  column.bytes = value_bytes * capacity;
  column.data = std::make_unique<std::byte[]>(column.bytes);  // zeroed: absent for ids/bools/enums
  if (kind == FieldKind::kDouble) {
    std::fill_n(reinterpret_cast<double*>(column.data.get()), capacity,
                std::numeric_limits<double>::quiet_NaN());
  } else if ((kind == FieldKind::kInt || kind == FieldKind::kMoney) && value_bytes == sizeof(int64_t)) {
    std::fill_n(reinterpret_cast<int64_t*>(column.data.get()), capacity, kNullInt);
  }
  return column;
}

}  // namespace

// A block's arrays. Only the writer (under Impl::mutex) mutates it; snapshots hold a
// shared_ptr and read rows below the row count they copied.
struct Block {
  explicit Block(size_t cap) : capacity(cap), ts(std::make_unique<int64_t[]>(cap)) {}

  template <typename T>
  T* Column(FieldId id) {
    ColumnArray& column = columns[FieldIndex(id)];
    if (!column.data) column = AllocateColumn(GetFieldInfo(id).kind, sizeof(T), capacity);
    return reinterpret_cast<T*>(column.data.get());
  }
  uint32_t* Tag(size_t key_index) {
    if (tags.size() <= key_index) tags.resize(key_index + 1);
    if (!tags[key_index].data) tags[key_index] = AllocateColumn(FieldKind::kString, sizeof(uint32_t), capacity);
    return reinterpret_cast<uint32_t*>(tags[key_index].data.get());
  }
  double* Score(size_t score_index) {
    if (scores.size() <= score_index) scores.resize(score_index + 1);
    if (!scores[score_index].data) scores[score_index] = AllocateColumn(FieldKind::kDouble, sizeof(double), capacity);
    return reinterpret_cast<double*>(scores[score_index].data.get());
  }
  size_t MemoryBytes() const {
    size_t bytes = capacity * sizeof(int64_t);
    for (const ColumnArray& column : columns) bytes += column.bytes;
    for (const ColumnArray& column : tags) bytes += column.bytes;
    for (const ColumnArray& column : scores) bytes += column.bytes;
    return bytes;
  }

  size_t capacity;
  size_t rows = 0;
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();
  std::unique_ptr<int64_t[]> ts;
  std::array<ColumnArray, kFieldIdCount> columns;
  std::vector<ColumnArray> tags;
  std::vector<ColumnArray> scores;
};

struct Memtable::Impl {
  Impl(MemtableOptions opts, std::shared_ptr<DictionarySet> dicts)
      : options(opts), dictionaries(std::move(dicts)) {
    options.block_rows = std::max<size_t>(options.block_rows, 1);
    options.first_block_rows = std::clamp<size_t>(options.first_block_rows, 1, options.block_rows);
    for (size_t field = 0; field < kFieldIdCount; ++field) {
      if (IsLocalStringField(static_cast<FieldId>(field))) local_strings[field] = std::make_shared<DictionaryStrings>(std::make_shared<Dictionary>());
    }
  }

  Block& WritableBlock() {
    if (blocks.empty() || blocks.back()->rows == blocks.back()->capacity) {
      size_t capacity = blocks.empty() ? options.first_block_rows
                                       : std::min(options.block_rows, blocks.back()->capacity * 2);
      blocks.push_back(std::make_shared<Block>(capacity));
    }
    return *blocks.back();
  }

  void AppendOne(const Event& event);

  MemtableOptions options;
  const std::shared_ptr<DictionarySet> dictionaries;
  std::array<std::shared_ptr<DictionaryStrings>, kFieldIdCount> local_strings{};  // local fields only
  mutable std::mutex mutex;  // guards everything below (Append and Snapshot)
  std::vector<std::shared_ptr<Block>> blocks;
  size_t rows = 0;
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();
};

void Memtable::Impl::AppendOne(const Event& event) {
  Block& block = WritableBlock();
  const size_t row = block.rows;
  block.ts[row] = event.ts_ms;
  block.min_ts = std::min(block.min_ts, event.ts_ms);
  block.max_ts = std::max(block.max_ts, event.ts_ms);

  auto put_string = [&](FieldId id, const std::string& value) {
    if (value.empty()) return;
    DictionaryStrings* local = local_strings[FieldIndex(id)].get();
    uint32_t dict_id = (local != nullptr ? local->dictionary() : *dictionaries->field(id)).GetOrAdd(value);
    block.Column<uint32_t>(id)[row] = dict_id;
  };
  auto put_int = [&](FieldId id, const std::optional<int64_t>& value) {
    if (value && *value != kNullInt) block.Column<int64_t>(id)[row] = *value;
  };
  auto put_double = [&](FieldId id, const std::optional<double>& value) {
    if (value && !std::isnan(*value)) block.Column<double>(id)[row] = *value;
  };
  auto put_bool = [&](FieldId id, const std::optional<bool>& value) {
    if (value) block.Column<uint8_t>(id)[row] = *value ? kBoolTrue : kBoolFalse;
  };

  // `id` is not stored: it is not queryable, and the store's id index keeps its hash.
  put_string(FieldId::kExperiment, event.experiment);
  put_string(FieldId::kRunId, event.run_id);
  put_string(FieldId::kSessionId, event.session_id);
  put_string(FieldId::kTraceId, event.trace_id);
  put_string(FieldId::kUser, event.user);
  put_string(FieldId::kTeam, event.team);
  put_string(FieldId::kProvider, event.provider);
  put_string(FieldId::kModel, event.model);
  put_string(FieldId::kEndpoint, event.endpoint);
  put_string(FieldId::kErrorType, event.error_type);
  put_string(FieldId::kPromptName, event.prompt_name);
  put_string(FieldId::kPromptVersion, event.prompt_version);
  if (event.operation != Operation::kChat) {
    block.Column<uint8_t>(FieldId::kOperation)[row] = static_cast<uint8_t>(event.operation);
  }
  if (event.status != EventStatus::kOk) {
    block.Column<uint8_t>(FieldId::kStatus)[row] = static_cast<uint8_t>(event.status);
  }
  // Validation keeps http_status in 100..599; anything outside uint16 cannot be stored and
  // is treated as absent rather than wrapped.
  if (event.http_status && *event.http_status > 0 && *event.http_status <= 0xFFFF) {
    block.Column<uint16_t>(FieldId::kHttpStatus)[row] = static_cast<uint16_t>(*event.http_status);
  }
  put_int(FieldId::kInputTokens, event.input_tokens);
  put_int(FieldId::kOutputTokens, event.output_tokens);
  put_int(FieldId::kCachedInputTokens, event.cached_input_tokens);
  put_int(FieldId::kCacheWriteTokens, event.cache_write_tokens);
  put_int(FieldId::kReasoningTokens, event.reasoning_tokens);
  put_int(FieldId::kCostUsd, event.cost_nano_usd);
  put_double(FieldId::kLatencyMs, event.latency_ms);
  put_double(FieldId::kTtftMs, event.ttft_ms);
  put_bool(FieldId::kCacheHit, event.cache_hit);
  put_bool(FieldId::kStreaming, event.streaming);

  for (const auto& [key, value] : event.tags) {
    if (key.empty() || value.empty()) continue;
    size_t key_index = dictionaries->tag_keys().GetOrAdd(key) - 1;
    block.Tag(key_index)[row] = dictionaries->TagValues(key_index).GetOrAdd(value);
  }
  for (const auto& [name, value] : event.scores) {
    if (name.empty() || std::isnan(value)) continue;
    size_t score_index = dictionaries->score_names().GetOrAdd(name) - 1;
    block.Score(score_index)[row] = value;
  }
  block.rows = row + 1;
}

Memtable::Memtable() : Memtable(MemtableOptions{}) {}
Memtable::Memtable(MemtableOptions options)
    : Memtable(options, std::make_shared<DictionarySet>()) {}
Memtable::Memtable(MemtableOptions options, std::shared_ptr<DictionarySet> dictionaries)
    : impl_(std::make_unique<Impl>(options, std::move(dictionaries))) {}
Memtable::~Memtable() = default;

void Memtable::Append(std::span<const Event> events) {
  std::lock_guard lock(impl_->mutex);
  for (const Event& event : events) {
    impl_->AppendOne(event);
    impl_->min_ts = std::min(impl_->min_ts, event.ts_ms);
    impl_->max_ts = std::max(impl_->max_ts, event.ts_ms);
  }
  impl_->rows += events.size();
}

namespace {

ColumnData View(const ColumnArray& column, uint8_t width) {
  ColumnData data;
  if (!column.data) return data;
  data.data = column.data.get();
  data.width = width;
  return data;
}

uint8_t MemtableWidth(FieldId id) {
  if (id == FieldId::kHttpStatus) return sizeof(uint16_t);
  switch (GetFieldInfo(id).kind) {
    case FieldKind::kString: return sizeof(uint32_t);
    case FieldKind::kEnum:
    case FieldKind::kBool: return sizeof(uint8_t);
    default: return 8;
  }
}

}  // namespace

void Memtable::CollectBlocks(TableSnapshot::Parts* parts) const {
  std::lock_guard lock(impl_->mutex);
  for (const std::shared_ptr<Block>& block : impl_->blocks) {
    if (block->rows == 0) continue;
    ColumnBlock view;
    view.rows = block->rows;
    view.min_ts = block->min_ts;
    view.max_ts = block->max_ts;
    view.ts = block->ts.get();
    for (size_t field = 0; field < kFieldIdCount; ++field) {
      const ColumnData column = View(block->columns[field], MemtableWidth(static_cast<FieldId>(field)));
      if (impl_->local_strings[field] != nullptr) {
        // Local ids: the snapshot translates them when the field is read (local_strings.h).
        if (column.present()) {
          parts->local_columns.push_back(
              {parts->blocks.size(), static_cast<FieldId>(field), column, impl_->local_strings[field]});
        }
        continue;
      }
      view.columns[field] = column;
    }
    view.tags.reserve(block->tags.size());
    for (const ColumnArray& column : block->tags) view.tags.push_back(View(column, sizeof(uint32_t)));
    view.scores.reserve(block->scores.size());
    for (const ColumnArray& column : block->scores) view.scores.push_back(View(column, sizeof(double)));
    parts->blocks.push_back(std::move(view));
    parts->keep_alive.push_back(block);
  }
}

std::shared_ptr<const TableSnapshot> Memtable::Snapshot() const {
  TableSnapshot::Parts parts;
  // Dictionaries after blocks: every id in a block is then below the dictionary's size.
  CollectBlocks(&parts);
  impl_->dictionaries->FillSnapshot(&parts);
  return std::make_shared<const TableSnapshot>(std::move(parts));
}

const std::shared_ptr<DictionarySet>& Memtable::dictionaries() const { return impl_->dictionaries; }

size_t Memtable::row_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rows;
}

int64_t Memtable::min_ts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->min_ts;
}

int64_t Memtable::max_ts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_ts;
}

size_t Memtable::MemoryBytes() const {
  std::lock_guard lock(impl_->mutex);
  size_t bytes = 0;
  for (const std::shared_ptr<Block>& block : impl_->blocks) bytes += block->MemoryBytes();
  for (const auto& local : impl_->local_strings) {
    if (local != nullptr) bytes += local->MemoryBytes();
  }
  return bytes;
}

}  // namespace mltrack::store
