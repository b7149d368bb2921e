#include "store/memtable.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "store/dictionary_set.h"
#include "store/keyed_columns.h"

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

// The string fields a memtable stores, with where an Event keeps each (`id` is not stored: it
// is not queryable, and the store's id index keeps its hash).
struct StringField {
  FieldId id;
  std::string Event::*member;
};
constexpr std::array<StringField, 13> kStringFields = {{
    {FieldId::kExperiment, &Event::experiment},
    {FieldId::kRunId, &Event::run_id},
    {FieldId::kSessionId, &Event::session_id},
    {FieldId::kTraceId, &Event::trace_id},
    {FieldId::kUser, &Event::user},
    {FieldId::kTeam, &Event::team},
    {FieldId::kProvider, &Event::provider},
    {FieldId::kModel, &Event::model},
    {FieldId::kEndpoint, &Event::endpoint},
    {FieldId::kErrorType, &Event::error_type},
    {FieldId::kPromptName, &Event::prompt_name},
    {FieldId::kPromptVersion, &Event::prompt_version},
    {FieldId::kInputHash, &Event::input_hash},
}};

}  // namespace

// The dictionary ids of every string of one Append, resolved column by column (string fields
// in chunks of events) before any row is written: Dictionary::GetOrAddBatch takes one lock per
// dictionary per chunk instead of one per value. Reused between appends, so it allocates only
// when a batch is larger than any before.
struct BatchIds {
  // strings[field_idx * rows + row_idx]: the id of kStringFields[field_idx] of event row_idx.
  std::vector<uint32_t> strings;
  // One entry per stored tag (non-empty key and value) / score (non-empty name, not NaN), in
  // event order then map order; first_tag[row_idx] / first_score[row_idx] index the event's first.
  std::vector<uint32_t> tag_keys;
  std::vector<uint32_t> tag_values;
  std::vector<uint32_t> score_names;
  std::vector<double> score_values;
  std::vector<size_t> first_tag;
  std::vector<size_t> first_score;
  // Scratch: the values for one dictionary, the tags grouped by key, counts for that grouping.
  std::vector<std::string_view> views;
  std::vector<std::string_view> key_values;
  std::vector<size_t> positions;
  std::vector<uint32_t> ids;
  std::vector<size_t> key_counts;

  // `local[field]` (local string fields only, local_strings.h) takes the field's strings
  // instead of the table dictionary.
  void Resolve(std::span<const Event> events, DictionarySet& dictionaries,
               const std::array<std::shared_ptr<DictionaryStrings>, kFieldIdCount>& local);
  // Sets `positions` to the indexes of tag_keys ordered by key, stably: a counting sort when the
  // key ids are few next to the tags (the usual case), a merge sort otherwise.
  void GroupByKey();
};

void BatchIds::GroupByKey() {
  positions.resize(tag_keys.size());
  const uint32_t max_key = tag_keys.empty() ? 0 : *std::max_element(tag_keys.begin(), tag_keys.end());
  if (max_key > 4 * tag_keys.size() + 64) {
    for (size_t tag_idx = 0; tag_idx < positions.size(); ++tag_idx) positions[tag_idx] = tag_idx;
    std::stable_sort(positions.begin(), positions.end(),
                     [&](size_t left, size_t right) { return tag_keys[left] < tag_keys[right]; });
    return;
  }
  key_counts.assign(size_t{max_key} + 2, 0);
  for (const uint32_t key : tag_keys) ++key_counts[key + 1];
  for (size_t key = 1; key < key_counts.size(); ++key) key_counts[key] += key_counts[key - 1];
  for (size_t tag_idx = 0; tag_idx < tag_keys.size(); ++tag_idx) positions[key_counts[tag_keys[tag_idx]]++] = tag_idx;
}

void BatchIds::Resolve(std::span<const Event> events, DictionarySet& dictionaries,
                       const std::array<std::shared_ptr<DictionaryStrings>, kFieldIdCount>& local) {
  const size_t rows = events.size();
  strings.resize(kStringFields.size() * rows);
  // In chunks of events that stay in cache while each string field is resolved in turn.
  constexpr size_t kChunkRows = 256;
  for (size_t chunk_start = 0; chunk_start < rows; chunk_start += kChunkRows) {
    const size_t chunk_rows = std::min(kChunkRows, rows - chunk_start);
    views.resize(chunk_rows);
    for (size_t field_idx = 0; field_idx < kStringFields.size(); ++field_idx) {
      for (size_t row_idx = 0; row_idx < chunk_rows; ++row_idx) {
        views[row_idx] = events[chunk_start + row_idx].*kStringFields[field_idx].member;
      }
      const FieldId id = kStringFields[field_idx].id;
      Dictionary& dictionary = local[FieldIndex(id)] ? local[FieldIndex(id)]->dictionary() : *dictionaries.field(id);
      dictionary.GetOrAddBatch(views, &strings[field_idx * rows + chunk_start]);
    }
  }

  // Tags: keys first, then the values of each key in its own dictionary.
  views.clear();
  first_tag.resize(rows + 1);
  for (size_t row_idx = 0; row_idx < rows; ++row_idx) {
    first_tag[row_idx] = views.size();
    for (const auto& [key, value] : events[row_idx].tags) {
      if (!key.empty() && !value.empty()) views.push_back(key);
    }
  }
  first_tag[rows] = views.size();
  tag_keys.resize(views.size());
  tag_values.resize(views.size());
  dictionaries.tag_keys().GetOrAddBatch(views, tag_keys.data());
  views.clear();
  for (const Event& event : events) {
    for (const auto& [key, value] : event.tags) {
      if (!key.empty() && !value.empty()) views.push_back(value);
    }
  }
  // Tags grouped by key (stable: values keep their order of appearance), one batch per key.
  GroupByKey();
  for (size_t run_start = 0, run_end = 0; run_start < positions.size(); run_start = run_end) {
    const uint32_t key = tag_keys[positions[run_start]];
    key_values.clear();
    for (run_end = run_start; run_end < positions.size() && tag_keys[positions[run_end]] == key; ++run_end) {
      key_values.push_back(views[positions[run_end]]);
    }
    ids.resize(key_values.size());
    dictionaries.TagValues(key - 1).GetOrAddBatch(key_values, ids.data());
    for (size_t value_idx = 0; value_idx < key_values.size(); ++value_idx) {
      tag_values[positions[run_start + value_idx]] = ids[value_idx];
    }
  }

  views.clear();
  score_values.clear();
  first_score.resize(rows + 1);
  for (size_t row_idx = 0; row_idx < rows; ++row_idx) {
    first_score[row_idx] = views.size();
    for (const auto& [name, value] : events[row_idx].scores) {
      if (name.empty() || std::isnan(value)) continue;
      views.push_back(name);
      score_values.push_back(value);
    }
  }
  first_score[rows] = views.size();
  score_names.resize(views.size());
  dictionaries.score_names().GetOrAddBatch(views, score_names.data());
}

// A block's arrays. Only the writer (under Impl::mutex) mutates it; snapshots hold a
// shared_ptr and read rows below the row count they copied.
struct Block {
  explicit Block(size_t cap)
      : capacity(cap),
        ts(std::make_unique<int64_t[]>(cap)),
        tags(KeyedColumns::Kind::kTagIds, cap),
        scores(KeyedColumns::Kind::kScores, cap) {}

  template <typename T>
  T* Column(FieldId id) {
    ColumnArray& column = columns[FieldIndex(id)];
    if (!column.data) column = AllocateColumn(GetFieldInfo(id).kind, sizeof(T), capacity);
    return reinterpret_cast<T*>(column.data.get());
  }
  size_t MemoryBytes() const {
    size_t bytes = capacity * sizeof(int64_t) + tags.MemoryBytes() + scores.MemoryBytes();
    for (const ColumnArray& column : columns) bytes += column.bytes;
    return bytes;
  }

  size_t capacity;
  size_t rows = 0;
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();
  std::unique_ptr<int64_t[]> ts;
  std::array<ColumnArray, kFieldIdCount> columns;
  KeyedColumns tags;    // by tag key index
  KeyedColumns scores;  // by score index
};

struct Memtable::Impl {
  Impl(MemtableOptions opts, std::shared_ptr<DictionarySet> dicts)
      : options(opts), dictionaries(std::move(dicts)) {
    // Rows of a block are uint16 in sparse layouts (table_snapshot.h).
    options.block_rows = std::clamp<size_t>(options.block_rows, 1, size_t{1} << 16);
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

  // Writes event `row_idx` of the batch whose strings `ids` resolved.
  void AppendOne(const Event& event, const BatchIds& ids, size_t row_idx, size_t rows);

  MemtableOptions options;
  const std::shared_ptr<DictionarySet> dictionaries;
  std::array<std::shared_ptr<DictionaryStrings>, kFieldIdCount> local_strings{};  // local fields only
  BatchIds batch_ids;  // used by Append only, which callers serialize
  mutable std::mutex mutex;  // guards everything below (Append and Snapshot)
  std::vector<std::shared_ptr<Block>> blocks;
  size_t rows = 0;
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();
};

void Memtable::Impl::AppendOne(const Event& event, const BatchIds& ids, size_t row_idx, size_t rows) {
  Block& block = WritableBlock();
  const size_t row = block.rows;
  block.ts[row] = event.ts_ms;
  block.min_ts = std::min(block.min_ts, event.ts_ms);
  block.max_ts = std::max(block.max_ts, event.ts_ms);

  auto put_int = [&](FieldId id, const std::optional<int64_t>& value) {
    if (value && *value != kNullInt) block.Column<int64_t>(id)[row] = *value;
  };
  auto put_double = [&](FieldId id, const std::optional<double>& value) {
    if (value && !std::isnan(*value)) block.Column<double>(id)[row] = *value;
  };
  auto put_bool = [&](FieldId id, const std::optional<bool>& value) {
    if (value) block.Column<uint8_t>(id)[row] = *value ? kBoolTrue : kBoolFalse;
  };

  for (size_t field_idx = 0; field_idx < kStringFields.size(); ++field_idx) {
    const uint32_t dict_id = ids.strings[field_idx * rows + row_idx];
    if (dict_id != kAbsentId) block.Column<uint32_t>(kStringFields[field_idx].id)[row] = dict_id;
  }
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

  const auto block_row = static_cast<uint32_t>(row);
  for (size_t tag_idx = ids.first_tag[row_idx]; tag_idx < ids.first_tag[row_idx + 1]; ++tag_idx) {
    block.tags.SetId(ids.tag_keys[tag_idx] - 1, block_row, ids.tag_values[tag_idx]);
  }
  for (size_t score_idx = ids.first_score[row_idx]; score_idx < ids.first_score[row_idx + 1]; ++score_idx) {
    block.scores.SetScore(ids.score_names[score_idx] - 1, block_row, ids.score_values[score_idx]);
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
  // Dictionaries first, outside the lock that snapshots take: ids may exist before any row
  // uses them, never the other way round. The rows then appear to snapshots all at once.
  impl_->batch_ids.Resolve(events, *impl_->dictionaries, impl_->local_strings);
  std::lock_guard lock(impl_->mutex);
  for (size_t row_idx = 0; row_idx < events.size(); ++row_idx) {
    const Event& event = events[row_idx];
    impl_->AppendOne(event, impl_->batch_ids, row_idx, events.size());
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
              {parts->blocks.size(), static_cast<FieldId>(field), column, impl_->local_strings[field], nullptr});
        }
        continue;
      }
      view.columns[field] = column;
    }
    block->tags.Collect(&view.tags, &parts->keep_alive);
    block->scores.Collect(&view.scores, &parts->keep_alive);
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
