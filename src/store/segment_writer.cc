#include "store/segment_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "store/block_summary.h"
#include "store/crc32c.h"
#include "store/dictionary.h"
#include "store/segment_format.h"
#include "store/segment_ids.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

using segment::ChunkKind;

// One column of one output block before compression.
struct EncodedColumn {
  ChunkKind kind = ChunkKind::kField;
  uint32_t index = 0;
  uint8_t width = 0;
  int64_t base = 0;
  uint8_t scale_digits = segment::kRawDoubles;
  bool sparse = false;
  uint32_t sparse_count = 0;
  std::vector<std::pair<uint16_t, double>> exceptions;  // scaled doubles: (row, exact value)
  std::string raw;
};

// Appends a column's exceptions to its raw bytes (segment_format.h).
void AppendExceptions(EncodedColumn* column) {
  if (column->exceptions.empty()) return;
  column->raw.resize((column->raw.size() + 7) / 8 * 8, '\0');
  for (const auto& [row, value] : column->exceptions) {
    column->raw.append(reinterpret_cast<const char*>(&value), sizeof(double));
  }
  for (const auto& [row, value] : column->exceptions) {
    column->raw.push_back(static_cast<char>(row & 0xFF));
    column->raw.push_back(static_cast<char>(row >> 8));
  }
}

template <typename T>
size_t CountNonZeroOf(const char* data, size_t rows) {
  size_t count = 0;
  for (size_t row = 0; row < rows; ++row) {
    T stored;
    std::memcpy(&stored, data + row * sizeof(T), sizeof(T));
    count += stored != 0;
  }
  return count;
}

// How many of the `rows` values of `width` bytes at `data` are not 0 (one loop per width, which
// the compiler vectorizes).
size_t CountNonZero(const char* data, uint8_t width, size_t rows) {
  switch (width) {
    case 1: return CountNonZeroOf<uint8_t>(data, rows);
    case 2: return CountNonZeroOf<uint16_t>(data, rows);
    case 4: return CountNonZeroOf<uint32_t>(data, rows);
    default: return CountNonZeroOf<uint64_t>(data, rows);
  }
}

// Rewrites a narrow column whose stored values are mostly 0 (absent) as a sparse chunk
// (segment_format.h) when that at least halves its decoded size: the reader keeps chunks
// decoded in memory, so this is what makes mostly-absent columns (scores, cache tokens,
// error_type) nearly free.
void MaybeSparsify(EncodedColumn* column, size_t rows) {
  if (column->kind == ChunkKind::kTs || column->width == 8) return;
  const uint8_t width = column->width;
  auto stored_at = [&](size_t row) {
    uint32_t stored = 0;
    std::memcpy(&stored, column->raw.data() + row * width, width);
    return stored;
  };
  // Counted first, so that a dense column costs no copying.
  const size_t count = CountNonZero(column->raw.data(), width, rows);
  if (segment::SparseChunkSize(count, width) * 2 > column->raw.size()) return;
  std::string values;
  std::string listed;
  values.reserve(count * width + 1 + count * 2);
  listed.reserve(count * 2);
  for (size_t row = 0; row < rows; ++row) {
    if (stored_at(row) == 0) continue;
    values.append(column->raw.data() + row * width, width);
    listed.push_back(static_cast<char>(row & 0xFF));
    listed.push_back(static_cast<char>(row >> 8));
  }
  if (values.size() % 2 != 0) values.push_back('\0');
  values.append(listed);
  column->raw = std::move(values);
  column->sparse = true;
  column->sparse_count = static_cast<uint32_t>(count);
}

// Appends value_of(0) … value_of(count − 1), each cut to `width` bytes (little-endian), with
// one resize and no per-value branch on the width.
template <typename T, typename ValueOf>
void AppendAllNarrow(std::string* out, size_t count, ValueOf value_of) {
  const size_t start = out->size();
  out->resize(start + count * sizeof(T));
  char* at = out->data() + start;
  for (size_t idx = 0; idx < count; ++idx, at += sizeof(T)) {
    const T narrow = static_cast<T>(value_of(idx));
    std::memcpy(at, &narrow, sizeof(T));
  }
}

template <typename ValueOf>
void AppendAllWidth(std::string* out, uint8_t width, size_t count, ValueOf value_of) {
  switch (width) {
    case 1: return AppendAllNarrow<uint8_t>(out, count, value_of);
    case 2: return AppendAllNarrow<uint16_t>(out, count, value_of);
    case 4: return AppendAllNarrow<uint32_t>(out, count, value_of);
    default: return AppendAllNarrow<uint64_t>(out, count, value_of);
  }
}

uint8_t WidthFor(uint64_t max_offset) {
  if (max_offset <= 0xFF) return 1;
  if (max_offset <= 0xFFFF) return 2;
  if (max_offset <= 0xFFFFFFFFull) return 4;
  return 8;
}

// Frame of reference over present values: offset = value − (min − 1), 0 = absent. Returns
// false when every value is absent (no column is written). Values wider than 32 bits of range
// stay raw int64 (width 8, kNullInt = absent).
bool EncodeInts(const std::vector<int64_t>& values, EncodedColumn* column) {
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  for (int64_t value : values) {
    if (value == kNullInt) continue;
    min = std::min(min, value);
    max = std::max(max, value);
  }
  if (min > max) return false;
  const unsigned __int128 range = static_cast<unsigned __int128>(static_cast<__int128>(max) - min) + 1;
  if (range > 0xFFFFFFFFull) {
    column->width = 8;
    column->base = 0;
    AppendAllNarrow<uint64_t>(&column->raw, values.size(),
                              [&](size_t idx) { return static_cast<uint64_t>(values[idx]); });
    return true;
  }
  column->width = WidthFor(static_cast<uint64_t>(range));
  column->base = min - 1;
  const int64_t base = column->base;
  AppendAllWidth(&column->raw, column->width, values.size(), [&](size_t idx) {
    return values[idx] == kNullInt ? uint64_t{0} : static_cast<uint64_t>(values[idx] - base);
  });
  return true;
}

bool EncodeBytes(const std::vector<uint8_t>& values, EncodedColumn* column) {
  if (std::all_of(values.begin(), values.end(), [](uint8_t value) { return value == 0; })) return false;
  column->width = 1;
  column->raw.assign(reinterpret_cast<const char*>(values.data()), values.size());
  return true;
}

bool SameBits(double left, double right) { return std::memcmp(&left, &right, sizeof(double)) == 0; }

// Whether double(k) / scale gives back `value` bit for bit for k = round(value · scale) (set
// in *scaled), with k well inside int64.
bool ScalesExactly(double value, double scale, int64_t* scaled) {
  const double product = value * scale;
  if (!(std::fabs(product) < 9.0e15)) return false;
  *scaled = std::llround(product);
  return SameBits(static_cast<double>(*scaled) / scale, value);
}

// Doubles that are decimals with few digits (latencies in 0.1 ms, scores in 0.001) become
// scaled integers where double(k) / 10^d gives back the value bit for bit; the values for
// which no such k exists (at most a quarter: unrounded latencies of errors and cache hits)
// become exceptions kept exactly. The cheapest such layout wins; otherwise raw doubles.
bool EncodeDoubles(const std::vector<double>& values, EncodedColumn* column) {
  const size_t present = static_cast<size_t>(
      std::count_if(values.begin(), values.end(), [](double value) { return !std::isnan(value); }));
  if (present == 0) return false;
  size_t best_cost = values.size() * sizeof(double);
  bool found = false;
  double scale = 1;
  std::vector<int64_t> scaled(values.size());
  std::vector<std::pair<uint16_t, double>> misses;
  for (uint8_t digits = 0; digits <= segment::kMaxScaleDigits; ++digits, scale *= 10) {
    // Count the misses first, giving up past a quarter: most digit counts fail that way
    // (unrounded latencies), and then nothing is written.
    size_t miss_count = 0;
    int64_t rounded = 0;
    for (size_t idx = 0; idx < values.size() && miss_count * 4 <= present; ++idx) {
      miss_count += !std::isnan(values[idx]) && !ScalesExactly(values[idx], scale, &rounded);
    }
    if (miss_count * 4 > present || miss_count == present) continue;
    misses.clear();
    for (size_t idx = 0; idx < values.size(); ++idx) {
      const double value = values[idx];
      scaled[idx] = kNullInt;
      if (std::isnan(value)) continue;
      if (ScalesExactly(value, scale, &rounded)) {
        scaled[idx] = rounded;
      } else {
        misses.emplace_back(static_cast<uint16_t>(idx), value);
      }
    }
    EncodedColumn candidate;
    EncodeInts(scaled, &candidate);
    if (candidate.width == 8) break;
    const size_t cost = values.size() * candidate.width + misses.size() * 10;
    if (found && cost >= best_cost) continue;
    found = true;
    best_cost = cost;
    column->width = candidate.width;
    column->base = candidate.base;
    column->scale_digits = digits;
    column->raw = std::move(candidate.raw);
    column->exceptions = std::move(misses);
  }
  if (found) return true;
  column->width = 8;
  column->scale_digits = segment::kRawDoubles;
  column->raw.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  return true;
}

// A kept row of the input.
struct RowRef {
  uint32_t block;
  uint32_t row;
};

// Dictionary sizes the segment needs (the largest id it references per dictionary).
struct DictionaryNeeds {
  std::array<uint64_t, kFieldIdCount> fields{};
  std::vector<uint64_t> tag_values;  // by tag key index
  uint64_t score_names = 0;
};

// The string table of one local string field (local_strings.h) being built: the distinct
// strings of the segment's rows in order of first appearance; a row stores its string's index + 1.
// When every input column takes its strings from one owner (a memtable being sealed), whose local
// ids already name distinct strings, a row's string is found by that local id, without hashing;
// otherwise (compaction of several segments) by the string, so one string of several inputs
// stays one.
struct LocalTable {
  FieldId field = FieldId::kTraceId;
  std::vector<const LocalColumn*> by_block;  // the input's local column of each input block
  std::vector<std::vector<uint64_t>> buffers;  // by input block: decoded packed ids
  std::vector<ColumnData> decoded;             // by input block, once read
  bool one_owner = true;                       // every input column has the same `strings`
  std::vector<uint32_t> by_owner_id;           // one owner: table id by the owner's local id, 0 = none yet
  std::unique_ptr<Dictionary> by_string;       // several owners: table ids are its ids
  uint32_t count = 0;  // strings in the table
  std::string bytes;   // (varint len · bytes) per string
  // Scratch of LocalIds (several owners): a block's strings and the rows they belong to.
  std::vector<std::string_view> views;
  std::vector<size_t> view_rows;
  std::vector<uint32_t> view_ids;
};

class Builder {
 public:
  Builder(std::span<const ColumnBlock> blocks, std::span<const LocalColumn> local_columns,
          const SegmentWriteOptions& options)
      : blocks_(blocks), options_(options) {
    for (const FieldInfo& info : AllFields()) {
      if (!IsLocalStringField(info.id)) continue;
      local_index_[static_cast<size_t>(info.id)] = local_.size();
      LocalTable table;
      table.field = info.id;
      table.by_block.assign(blocks.size(), nullptr);
      table.buffers.resize(blocks.size());
      table.decoded.resize(blocks.size());
      table.by_string = std::make_unique<Dictionary>();
      local_.push_back(std::move(table));
    }
    std::array<const LocalStrings*, kFieldIdCount> owners{};
    for (const LocalColumn& column : local_columns) {
      LocalTable& table = local_[local_index_[static_cast<size_t>(column.field)]];
      table.by_block[column.block_index] = &column;
      const LocalStrings*& owner = owners[static_cast<size_t>(column.field)];
      if (owner != nullptr && owner != column.strings.get()) table.one_owner = false;
      owner = column.strings.get();
    }
  }

  Result<SegmentWriteResult> Build(std::vector<IdKey> ids, std::string* file);

 private:
  void EncodeBlock(size_t begin, size_t end);
  std::vector<int64_t> LocalIds(LocalTable& table, size_t begin, size_t count);
  void WriteLocalTables(std::string* footer);
  void AddChunk(const EncodedColumn& column, size_t rows);
  void WriteChunkRef(uint64_t offset, size_t stored, size_t raw, uint32_t crc);
  std::string Compress(const std::string& raw);

  std::span<const ColumnBlock> blocks_;
  const SegmentWriteOptions& options_;
  std::vector<RowRef> rows_;
  size_t tag_count_ = 0;
  size_t score_count_ = 0;
  DictionaryNeeds needs_;
  std::vector<LocalTable> local_;
  std::array<size_t, kFieldIdCount> local_index_{};  // field → index in local_ (local fields only)
  std::string* file_ = nullptr;
  std::string footer_blocks_;
  std::string footer_summaries_;  // one BlockSummary per block (format version 3)
  size_t block_count_ = 0;
  ZSTD_CCtx* cctx_ = nullptr;
};

std::string Builder::Compress(const std::string& raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t size = ZSTD_compressCCtx(cctx_, out.data(), out.size(), raw.data(), raw.size(), options_.zstd_level);
  out.resize(ZSTD_isError(size) ? 0 : size);
  return out;
}

void Builder::WriteChunkRef(uint64_t offset, size_t stored, size_t raw, uint32_t crc) {
  segment::PutVarint(&footer_blocks_, offset);
  segment::PutVarint(&footer_blocks_, stored);
  segment::PutVarint(&footer_blocks_, raw);
  segment::PutFixed32(&footer_blocks_, crc);
}

void Builder::AddChunk(const EncodedColumn& column, size_t rows) {
  std::string stored;
  if (column.width > 1) {
    const size_t count = column.sparse ? column.sparse_count : rows;
    std::string planes = column.raw;
    segment::SplitBytePlanes(column.raw.data(), count, column.width, planes.data());
    stored = Compress(planes);
  } else {
    stored = Compress(column.raw);
  }
  const uint64_t offset = file_->size();
  file_->append(stored);
  footer_blocks_.push_back(static_cast<char>(column.kind));
  segment::PutVarint(&footer_blocks_, column.index);
  footer_blocks_.push_back(static_cast<char>(column.width | (column.sparse ? segment::kSparseFlag : 0) |
                                            (column.exceptions.empty() ? 0 : segment::kExceptionsFlag)));
  if (column.sparse) segment::PutVarint(&footer_blocks_, column.sparse_count);
  if (!column.exceptions.empty()) segment::PutVarint(&footer_blocks_, column.exceptions.size());
  segment::PutSigned(&footer_blocks_, column.base);
  footer_blocks_.push_back(static_cast<char>(column.scale_digits));
  WriteChunkRef(offset, stored.size(), column.raw.size(), crc32c::Mask(crc32c::Value(stored)));
}

// The segment-local ids of rows [begin, begin + count) (kNullInt when absent), adding new strings
// to the table.
std::vector<int64_t> Builder::LocalIds(LocalTable& table, size_t begin, size_t count) {
  std::vector<int64_t> values(count, kNullInt);
  auto add_string = [&table](std::string_view value) {
    segment::PutVarint(&table.bytes, value.size());
    table.bytes.append(value);
    return ++table.count;
  };
  table.views.clear();
  table.view_rows.clear();
  for (size_t idx = 0; idx < count; ++idx) {
    const RowRef ref = rows_[begin + idx];
    const LocalColumn* column = table.by_block[ref.block];
    if (column == nullptr) continue;
    ColumnData& ids = table.decoded[ref.block];
    if (!ids.present()) ids = column->Ids(&table.buffers[ref.block]);
    const uint32_t local_id = IdAt(ids, ref.row);
    if (local_id == kAbsentId) continue;
    if (!table.one_owner) {
      table.views.push_back(column->strings->Get(local_id));
      table.view_rows.push_back(idx);
      continue;
    }
    if (table.by_owner_id.size() <= local_id) table.by_owner_id.resize(size_t{local_id} + 1, 0);
    uint32_t& table_id = table.by_owner_id[local_id];
    if (table_id == 0) table_id = add_string(column->strings->Get(local_id));
    values[idx] = table_id;
  }
  if (table.views.empty()) return values;
  // New strings get the dictionary's next ids in order of first appearance, as the table's do.
  // (Local strings are never empty: an owner gives "" no local id.)
  table.view_ids.resize(table.views.size());
  table.by_string->GetOrAddBatch(table.views, table.view_ids.data());
  for (size_t view_idx = 0; view_idx < table.views.size(); ++view_idx) {
    const uint32_t table_id = table.view_ids[view_idx];
    if (table_id > table.count) add_string(table.views[view_idx]);
    values[table.view_rows[view_idx]] = table_id;
  }
  return values;
}

void Builder::EncodeBlock(size_t begin, size_t end) {
  const size_t count = end - begin;
  std::vector<EncodedColumn> columns;
  BlockSummary summary;
  summary.rows = static_cast<uint32_t>(count);
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();

  // ts: zigzag deltas from the previous row (the first from `base`), frame of reference width.
  {
    EncodedColumn ts;
    ts.kind = ChunkKind::kTs;
    std::vector<uint64_t> deltas(count);
    int64_t previous = blocks_[rows_[begin].block].Ts(rows_[begin].row);
    ts.base = previous;
    uint64_t max_delta = 0;
    for (size_t idx = 0; idx < count; ++idx) {
      const RowRef ref = rows_[begin + idx];
      const int64_t value = blocks_[ref.block].Ts(ref.row);
      min_ts = std::min(min_ts, value);
      max_ts = std::max(max_ts, value);
      deltas[idx] = segment::ZigZag(static_cast<int64_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(previous)));
      max_delta = std::max(max_delta, deltas[idx]);
      previous = value;
    }
    ts.width = WidthFor(max_delta);
    AppendAllWidth(&ts.raw, ts.width, count, [&](size_t idx) { return deltas[idx]; });
    columns.push_back(std::move(ts));
  }

  auto ids_of = [&](auto column_of, uint64_t* need) {
    std::vector<int64_t> values(count);
    for (size_t idx = 0; idx < count; ++idx) {
      const RowRef ref = rows_[begin + idx];
      const uint32_t id = IdAt(column_of(blocks_[ref.block]), ref.row);
      values[idx] = id == kAbsentId ? kNullInt : int64_t{id};
      *need = std::max<uint64_t>(*need, id);
    }
    return values;
  };
  for (const FieldInfo& info : AllFields()) {
    const FieldId id = info.id;
    if (id == FieldId::kTs || id == FieldId::kId || IsDerivedField(id) ||
        id == FieldId::kTag || id == FieldId::kScore) {
      continue;
    }
    EncodedColumn column;
    column.kind = ChunkKind::kField;
    column.index = static_cast<uint32_t>(id);
    auto column_of = [id](const ColumnBlock& block) { return block.column(id); };
    bool present = false;
    ColumnSummary field_summary;
    switch (info.kind) {
      case FieldKind::kString: {
        // A local field's column holds segment-local ids (local_strings.h): it gets no summary,
        // since queries see it translated into table ids (query::SummaryOf skips it).
        if (IsLocalStringField(id)) {
          present = EncodeInts(LocalIds(local_[local_index_[column.index]], begin, count), &column);
          break;
        }
        std::vector<int64_t> ids = ids_of(column_of, &needs_.fields[column.index]);
        present = EncodeInts(ids, &column);
        field_summary = SummarizeIds(ids);
        break;
      }
      case FieldKind::kEnum:
      case FieldKind::kBool: {
        std::vector<uint8_t> values(count);
        for (size_t idx = 0; idx < count; ++idx) {
          values[idx] = ByteAt(blocks_[rows_[begin + idx].block].column(id), rows_[begin + idx].row);
        }
        present = EncodeBytes(values, &column);
        field_summary = SummarizeBytes(values, info.kind == FieldKind::kEnum);
        break;
      }
      case FieldKind::kInt:
      case FieldKind::kMoney: {
        std::vector<int64_t> values(count);
        for (size_t idx = 0; idx < count; ++idx) {
          values[idx] = IntAt(blocks_[rows_[begin + idx].block].column(id), rows_[begin + idx].row);
        }
        present = EncodeInts(values, &column);
        // http_status readers expect an offset layout; validation keeps it in 100..599.
        if (present && id == FieldId::kHttpStatus && column.width == 8) present = false;
        field_summary = id == FieldId::kHttpStatus ? SummarizeIds(values) : SummarizeInts(values);
        break;
      }
      case FieldKind::kDouble: {
        std::vector<double> values(count);
        for (size_t idx = 0; idx < count; ++idx) {
          values[idx] = DoubleAt(blocks_[rows_[begin + idx].block].column(id), rows_[begin + idx].row);
        }
        present = EncodeDoubles(values, &column);
        field_summary = SummarizeDoubles(values);
        break;
      }
      case FieldKind::kTime:
        break;
    }
    if (present) {
      summary.fields[column.index] = std::move(field_summary);
      MaybeSparsify(&column, count);
      AppendExceptions(&column);
      columns.push_back(std::move(column));
    }
  }
  needs_.tag_values.resize(tag_count_, 0);
  for (size_t key_index = 0; key_index < tag_count_; ++key_index) {
    EncodedColumn column;
    column.kind = ChunkKind::kTag;
    column.index = static_cast<uint32_t>(key_index);
    auto column_of = [key_index](const ColumnBlock& block) { return block.tag(key_index); };
    std::vector<int64_t> ids = ids_of(column_of, &needs_.tag_values[key_index]);
    if (EncodeInts(ids, &column)) {
      summary.tags.resize(key_index + 1);
      summary.tags[key_index] = SummarizeIds(ids);
      MaybeSparsify(&column, count);
      AppendExceptions(&column);
      columns.push_back(std::move(column));
    }
  }
  for (size_t score_index = 0; score_index < score_count_; ++score_index) {
    EncodedColumn column;
    column.kind = ChunkKind::kScore;
    column.index = static_cast<uint32_t>(score_index);
    std::vector<double> values(count);
    for (size_t idx = 0; idx < count; ++idx) {
      const RowRef ref = rows_[begin + idx];
      values[idx] = DoubleAt(blocks_[ref.block].score(score_index), ref.row);
    }
    if (EncodeDoubles(values, &column)) {
      needs_.score_names = std::max<uint64_t>(needs_.score_names, score_index + 1);
      MaybeSparsify(&column, count);
      AppendExceptions(&column);
      columns.push_back(std::move(column));
    }
  }

  segment::PutVarint(&footer_blocks_, count);
  segment::PutSigned(&footer_blocks_, min_ts);
  segment::PutSigned(&footer_blocks_, max_ts);
  segment::PutVarint(&footer_blocks_, columns.size());
  for (const EncodedColumn& column : columns) AddChunk(column, count);
  EncodeBlockSummary(summary, &footer_summaries_);
  ++block_count_;
}

Result<SegmentWriteResult> Builder::Build(std::vector<IdKey> ids, std::string* file) {
  for (size_t block_idx = 0; block_idx < blocks_.size(); ++block_idx) {
    const ColumnBlock& block = blocks_[block_idx];
    tag_count_ = std::max(tag_count_, block.tags.size());
    score_count_ = std::max(score_count_, block.scores.size());
    for (size_t row = 0; row < block.rows; ++row) {
      if (block.Ts(row) < options_.min_keep_ts) continue;
      rows_.push_back({static_cast<uint32_t>(block_idx), static_cast<uint32_t>(row)});
    }
  }
  SegmentWriteResult result;
  result.rows = rows_.size();
  if (rows_.empty()) return result;

  file_ = file;
  file->append(segment::kHeaderMagic);
  cctx_ = ZSTD_createCCtx();
  for (size_t begin = 0; begin < rows_.size(); begin += segment::kBlockRows) {
    EncodeBlock(begin, std::min(rows_.size(), begin + segment::kBlockRows));
  }
  std::string local_footer;
  WriteLocalTables(&local_footer);
  ZSTD_freeCCtx(cctx_);

  // Id hashes: 96 bits each (StoredId), sorted, distinct, bit-packed in buckets (segment_ids.h)
  // so that a lookup reads one bucket with pread.
  for (IdKey& key : ids) key = segment::StoredId(key);
  std::sort(ids.begin(), ids.end(), [](const IdKey& a, const IdKey& b) {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const uint64_t ids_offset = file->size();
  const std::string id_bytes = segment::EncodeIds(ids);
  file->append(id_bytes);

  std::string footer;
  footer.push_back(static_cast<char>(segment::kFooterVersion));
  int64_t min_ts = std::numeric_limits<int64_t>::max();
  int64_t max_ts = std::numeric_limits<int64_t>::min();
  for (const RowRef& ref : rows_) {
    const int64_t ts = blocks_[ref.block].Ts(ref.row);
    min_ts = std::min(min_ts, ts);
    max_ts = std::max(max_ts, ts);
  }
  segment::PutVarint(&footer, rows_.size());
  segment::PutSigned(&footer, min_ts);
  segment::PutSigned(&footer, max_ts);
  segment::PutVarint(&footer, options_.wal_seq);
  // Dictionary needs.
  size_t string_fields = 0;
  for (size_t field = 0; field < kFieldIdCount; ++field) string_fields += needs_.fields[field] > 0;
  segment::PutVarint(&footer, string_fields);
  for (size_t field = 0; field < kFieldIdCount; ++field) {
    if (needs_.fields[field] == 0) continue;
    footer.push_back(static_cast<char>(field));
    segment::PutVarint(&footer, needs_.fields[field]);
  }
  segment::PutVarint(&footer, needs_.tag_values.size());
  for (uint64_t need : needs_.tag_values) segment::PutVarint(&footer, need);
  segment::PutVarint(&footer, needs_.score_names);
  footer.append(local_footer);
  segment::PutVarint(&footer, block_count_);
  footer.append(footer_blocks_);
  segment::PutVarint(&footer, ids.size());
  segment::PutVarint(&footer, ids_offset);
  segment::PutVarint(&footer, id_bytes.size());
  segment::PutFixed32(&footer, crc32c::Mask(crc32c::Value(id_bytes)));
  segment::PutVarint(&footer, footer_summaries_.size());
  footer.append(footer_summaries_);

  const uint64_t footer_offset = file->size();
  file->append(footer);
  segment::PutFixed64(file, footer_offset);
  segment::PutFixed32(file, static_cast<uint32_t>(footer.size()));
  segment::PutFixed32(file, crc32c::Mask(crc32c::Value(footer)));
  file->append(segment::kTrailerMagic);

  result.min_ts = min_ts;
  result.max_ts = max_ts;
  result.file_bytes = file->size();
  return result;
}

// Appends each local string table as one zstd chunk and describes them for the footer:
// varint table_count · (u8 field · varint string_count · chunk ref) per table.
void Builder::WriteLocalTables(std::string* footer) {
  size_t tables = 0;
  for (const LocalTable& table : local_) tables += table.count == 0 ? 0 : 1;
  segment::PutVarint(footer, tables);
  for (const LocalTable& table : local_) {
    if (table.count == 0) continue;
    const std::string stored = Compress(table.bytes);
    const uint64_t offset = file_->size();
    file_->append(stored);
    footer->push_back(static_cast<char>(table.field));
    segment::PutVarint(footer, table.count);
    segment::PutVarint(footer, offset);
    segment::PutVarint(footer, stored.size());
    segment::PutVarint(footer, table.bytes.size());
    segment::PutFixed32(footer, crc32c::Mask(crc32c::Value(stored)));
  }
}

Status WriteFileDurably(const std::filesystem::path& path, const std::string& bytes,
                        const std::function<int(size_t)>& fault_hook) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoToStatus(errno, "create " + tmp.string());
  auto fail = [&](int err, const std::string& what) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, what + " " + tmp.string());
  };
  constexpr size_t kWriteBytes = 1 << 20;
  for (size_t offset = 0; offset < bytes.size();) {
    size_t size = std::min(kWriteBytes, bytes.size() - offset);
    if (fault_hook) {
      if (int err = fault_hook(size); err != 0) {
        (void)!::write(fd, bytes.data() + offset, size / 2);
        return fail(err, "write");
      }
    }
    ssize_t written = ::write(fd, bytes.data() + offset, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return fail(errno, "write");
    }
    offset += static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0) return fail(errno, "fsync");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return ErrnoToStatus(errno, "close " + tmp.string());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, "rename " + tmp.string());
  }
  return SyncDirectory(path.parent_path());
}

}  // namespace

Result<SegmentWriteResult> WriteSegment(const std::filesystem::path& path,
                                        std::span<const ColumnBlock> blocks,
                                        std::span<const LocalColumn> local_columns, std::vector<IdKey> ids,
                                        const SegmentWriteOptions& options) {
  std::string file;
  Builder builder(blocks, local_columns, options);
  Result<SegmentWriteResult> result = builder.Build(std::move(ids), &file);
  if (!result.ok() || result->rows == 0) return result;
  MLTRACK_RETURN_IF_ERROR(WriteFileDurably(path, file, options.fault_hook));
  return result;
}

}  // namespace mltrack::store
