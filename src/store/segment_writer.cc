#include "store/segment_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "store/block_slices.h"
#include "store/block_user_rollup.h"
#include "store/block_summary.h"
#include "store/block_moments.h"
#include "store/derived_sketch.h"
#include "store/column_encoding.h"
#include "core/crc32c.h"
#include "store/dictionary.h"
#include "store/segment_format.h"
#include "store/segment_ids.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

using segment::ChunkKind;

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
  std::vector<size_t> frame_starts;  // offset in `bytes` of every kLocalStringsPerFrame-th string
  std::vector<uint64_t> hashes;  // StringFilter::Hash of each string, by table id − 1
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
  // The kept input rows of one output block that come from one input block: rows_[first, end);
  // `contiguous` when no row between them was dropped.
  struct Piece {
    uint32_t block;
    size_t first;
    size_t end;
    bool contiguous;
  };

  void EncodeBlock(size_t begin, size_t end);
  std::vector<Piece> PiecesOf(size_t begin, size_t end) const;
  template <typename Fn>
  void ForEachCandidate(const Piece& piece, const ColumnData& column, size_t begin, Fn&& fn) const;
  void EncodeTags(const std::vector<Piece>& pieces, size_t begin, size_t count, BlockSummary* summary,
                  std::vector<EncodedColumn>* columns, BlockValues* values);
  void EncodeScores(const std::vector<Piece>& pieces, size_t begin, size_t count, std::vector<EncodedColumn>* columns,
                    BlockValues* values);
  std::vector<int64_t> LocalIds(LocalTable& table, size_t begin, size_t count);
  void WriteLocalTables(std::string* footer);
  void AddChunk(const EncodedColumn& column, size_t rows);
  void WriteChunkRef(uint64_t offset, size_t stored, size_t raw, uint32_t crc);
  std::string Compress(std::string_view raw);

  std::span<const ColumnBlock> blocks_;
  const SegmentWriteOptions& options_;
  std::vector<RowRef> rows_;
  size_t tag_count_ = 0;  // 1 + the largest tag key index of the input
  DictionaryNeeds needs_;
  std::vector<LocalTable> local_;
  std::array<size_t, kFieldIdCount> local_index_{};  // field → index in local_ (local fields only)
  std::string* file_ = nullptr;
  std::string footer_blocks_;
  std::string footer_summaries_;  // one BlockSummary per block (format version 3)
  std::string footer_slices_;     // each block's value slices (format version 4, block_slices.h)
  std::string footer_derived_;    // each block's tokens_per_s sketches (version 5, derived_sketch.h)
  std::string footer_moments_;    // each block's and slice's moments (version 6, block_moments.h)
  std::string footer_string_filters_;  // each block's local string filters (version 4, string_filter.h)
  std::string footer_user_rollups_;    // each block's user rollup (version 5, block_user_rollup.h)
  size_t block_count_ = 0;
  ZSTD_CCtx* cctx_ = nullptr;
};

std::string Builder::Compress(std::string_view raw) {
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
    if (table.count % segment::kLocalStringsPerFrame == 0) table.frame_starts.push_back(table.bytes.size());
    segment::PutVarint(&table.bytes, value.size());
    table.bytes.append(value);
    table.hashes.push_back(StringFilter::Hash(value));
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
  std::vector<std::pair<FieldId, StringFilter>> string_filters;  // of local string fields
  BlockValues block_values;  // what the block's value slices are summarized from
  block_values.ts.resize(count);

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
      block_values.ts[idx] = value;
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
    BlockValues::Column kept;
    kept.field = id;
    switch (info.kind) {
      case FieldKind::kString: {
        // A local field's column holds segment-local ids (local_strings.h): it gets no summary,
        // since queries see it translated into table ids (query::SummaryOf skips it).
        if (IsLocalStringField(id)) {
          LocalTable& table = local_[local_index_[column.index]];
          const std::vector<int64_t> local_ids = LocalIds(table, begin, count);
          present = EncodeInts(local_ids, &column);
          std::vector<uint64_t> hashes;
          for (const int64_t local_id : local_ids) {
            if (local_id != kNullInt) hashes.push_back(table.hashes[static_cast<size_t>(local_id - 1)]);
          }
          if (!hashes.empty()) string_filters.emplace_back(id, StringFilter::Of(std::move(hashes)));
          break;
        }
        std::vector<int64_t> ids = ids_of(column_of, &needs_.fields[column.index]);
        present = EncodeInts(ids, &column);
        field_summary = SummarizeIds(ids);
        kept.ints = std::move(ids);
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
        kept.kind = info.kind == FieldKind::kEnum ? BlockValues::Kind::kEnum : BlockValues::Kind::kBytes;
        kept.bytes = std::move(values);
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
        kept.kind = id == FieldId::kHttpStatus ? BlockValues::Kind::kIds : BlockValues::Kind::kInts;
        kept.ints = std::move(values);
        break;
      }
      case FieldKind::kDouble: {
        std::vector<double> values(count);
        for (size_t idx = 0; idx < count; ++idx) {
          values[idx] = DoubleAt(blocks_[rows_[begin + idx].block].column(id), rows_[begin + idx].row);
        }
        present = EncodeDoubles(values, &column);
        field_summary = SummarizeDoubles(values);
        kept.kind = BlockValues::Kind::kDoubles;
        kept.doubles = std::move(values);
        break;
      }
      case FieldKind::kTime:
        break;
    }
    if (present && field_summary.type != ColumnSummary::Type::kAbsent) block_values.fields.push_back(std::move(kept));
    if (present) {
      summary.fields[column.index] = std::move(field_summary);
      MaybeSparsify(&column, count);
      AppendExceptions(&column);
      columns.push_back(std::move(column));
    }
  }
  const std::vector<Piece> pieces = PiecesOf(begin, end);
  EncodeTags(pieces, begin, count, &summary, &columns, &block_values);
  EncodeScores(pieces, begin, count, &columns, &block_values);

  segment::PutVarint(&footer_blocks_, count);
  segment::PutSigned(&footer_blocks_, min_ts);
  segment::PutSigned(&footer_blocks_, max_ts);
  segment::PutVarint(&footer_blocks_, columns.size());
  for (const EncodedColumn& column : columns) AddChunk(column, count);
  EncodeBlockSummary(summary, &footer_summaries_);
  std::vector<std::vector<uint32_t>> slice_rows;
  const std::vector<ValueSlice> slices = SliceBlock(block_values, summary, &slice_rows);
  EncodeSlices(slices, &footer_slices_);
  EncodeUserRollup(RollUpUsers(block_values), &footer_user_rollups_);
  EncodeDerivedSketches(block_values, slice_rows, &footer_derived_);
  EncodeBlockMoments(block_values, slices, slice_rows, &footer_moments_);
  segment::PutVarint(&footer_string_filters_, string_filters.size());
  for (const auto& [field, filter] : string_filters) {
    footer_string_filters_.push_back(static_cast<char>(field));
    filter.Encode(&footer_string_filters_);
  }
  ++block_count_;
}

std::vector<Builder::Piece> Builder::PiecesOf(size_t begin, size_t end) const {
  std::vector<Piece> pieces;
  for (size_t pos = begin; pos < end; ++pos) {
    if (pieces.empty() || rows_[pos].block != pieces.back().block) pieces.push_back({rows_[pos].block, pos, pos, true});
    Piece& piece = pieces.back();
    piece.end = pos + 1;
    piece.contiguous &= rows_[pos].row - rows_[piece.first].row == pos - piece.first;
  }
  return pieces;
}

// Calls fn(output row, input row) for each kept row of `piece` that `column` may hold a value
// in, ascending: the listed and exception rows of a sparse column, every row otherwise.
template <typename Fn>
void Builder::ForEachCandidate(const Piece& piece, const ColumnData& column, size_t begin, Fn&& fn) const {
  const uint32_t first_row = rows_[piece.first].row;
  const uint32_t last_row = rows_[piece.end - 1].row;
  auto visit = [&](uint32_t row) {
    size_t pos = piece.first + (row - first_row);
    if (!piece.contiguous) {
      const auto found = std::lower_bound(rows_.begin() + piece.first, rows_.begin() + piece.end, row,
                                          [](const RowRef& ref, uint32_t wanted) { return ref.row < wanted; });
      if (found == rows_.begin() + piece.end || found->row != row) return;  // dropped (retention)
      pos = static_cast<size_t>(found - rows_.begin());
    }
    fn(static_cast<uint16_t>(pos - begin), row);
  };
  if (!column.sparse()) {
    for (uint32_t row = first_row; row <= last_row; ++row) visit(row);
    return;
  }
  const uint16_t* listed = std::lower_bound(column.sparse_rows, column.sparse_rows + column.sparse_count, first_row);
  const uint16_t* listed_end = column.sparse_rows + column.sparse_count;
  const uint16_t* excepted = column.exception_rows;
  const uint16_t* excepted_end = excepted + column.exception_count;
  if (excepted != nullptr) excepted = std::lower_bound(excepted, excepted_end, first_row);
  while (true) {
    const uint32_t next_listed = listed < listed_end ? *listed : UINT32_MAX;
    const uint32_t next_excepted = excepted < excepted_end ? *excepted : UINT32_MAX;
    const uint32_t row = std::min(next_listed, next_excepted);
    if (row > last_row) return;
    visit(row);
    if (next_listed == row) ++listed;
    if (next_excepted == row) ++excepted;
  }
}

// Only the keys some input row of the block carries are visited, and for each only the rows
// that may carry it, so a key costs in proportion to its values, not to the block's rows.
void Builder::EncodeTags(const std::vector<Piece>& pieces, size_t begin, size_t count, BlockSummary* summary,
                         std::vector<EncodedColumn>* columns, BlockValues* values) {
  std::vector<uint32_t> keys;
  for (const Piece& piece : pieces) {
    for (const KeyedColumn& column : blocks_[piece.block].tags) keys.push_back(column.index);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<uint16_t> rows;
  std::vector<uint32_t> ids;
  for (const uint32_t key_index : keys) {
    rows.clear();
    ids.clear();
    for (const Piece& piece : pieces) {
      const ColumnData column = blocks_[piece.block].tag(key_index);
      if (!column.present()) continue;
      ForEachCandidate(piece, column, begin, [&](uint16_t out_row, uint32_t row) {
        const uint32_t id = IdAt(column, row);
        if (id == kAbsentId) return;
        rows.push_back(out_row);
        ids.push_back(id);
      });
    }
    if (ids.empty()) continue;
    EncodedColumn column;
    column.kind = ChunkKind::kTag;
    column.index = key_index;
    uint64_t& need = needs_.tag_values[key_index];
    need = std::max<uint64_t>(need, *std::max_element(ids.begin(), ids.end()));
    std::vector<int64_t> dense(count, kNullInt);
    for (size_t idx = 0; idx < rows.size(); ++idx) dense[rows[idx]] = ids[idx];
    if (EncodeSparseIds(rows, ids, count, &column)) {
      summary->tags.emplace_back(key_index, SummarizeSparseIds(ids, count));
    } else {
      EncodeInts(dense, &column);
      summary->tags.emplace_back(key_index, SummarizeIds(dense));
      MaybeSparsify(&column, count);
    }
    values->tags.emplace_back(key_index, std::move(dense));
    columns->push_back(std::move(column));
  }
}

void Builder::EncodeScores(const std::vector<Piece>& pieces, size_t begin, size_t count,
                           std::vector<EncodedColumn>* columns, BlockValues* block_values) {
  std::vector<uint32_t> names;
  for (const Piece& piece : pieces) {
    for (const KeyedColumn& column : blocks_[piece.block].scores) names.push_back(column.index);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<uint16_t> rows;
  std::vector<double> values;
  for (const uint32_t score_index : names) {
    rows.clear();
    values.clear();
    for (const Piece& piece : pieces) {
      const ColumnData column = blocks_[piece.block].score(score_index);
      if (!column.present()) continue;
      ForEachCandidate(piece, column, begin, [&](uint16_t out_row, uint32_t row) {
        const double value = DoubleAt(column, row);
        if (std::isnan(value)) return;
        rows.push_back(out_row);
        values.push_back(value);
      });
    }
    if (values.empty()) continue;
    std::vector<double> kept(count, std::numeric_limits<double>::quiet_NaN());
    for (size_t idx = 0; idx < rows.size(); ++idx) kept[rows[idx]] = values[idx];
    block_values->scores.emplace_back(score_index, std::move(kept));
    EncodedColumn column;
    column.kind = ChunkKind::kScore;
    column.index = score_index;
    needs_.score_names = std::max<uint64_t>(needs_.score_names, uint64_t{score_index} + 1);
    // A score few rows carry: only its values are encoded (no array of the block's rows) when
    // that at least halves the decoded size.
    const bool sparse =
        values.size() * 2 < count && EncodeSparseDoubles(rows, values, count, &column) >= column.raw.size() * 2;
    if (!sparse) {
      column = EncodedColumn{};
      column.kind = ChunkKind::kScore;
      column.index = score_index;
      std::vector<double> dense(count, std::numeric_limits<double>::quiet_NaN());
      for (size_t idx = 0; idx < rows.size(); ++idx) dense[rows[idx]] = values[idx];
      EncodeDoubles(dense, &column);
      MaybeSparsify(&column, count);
      AppendExceptions(&column);
    }
    columns->push_back(std::move(column));
  }
}

Result<SegmentWriteResult> Builder::Build(std::vector<IdKey> ids, std::string* file) {
  for (size_t block_idx = 0; block_idx < blocks_.size(); ++block_idx) {
    const ColumnBlock& block = blocks_[block_idx];
    if (!block.tags.empty()) tag_count_ = std::max<size_t>(tag_count_, block.tags.back().index + 1);
    for (size_t row = 0; row < block.rows; ++row) {
      if (block.Ts(row) < options_.min_keep_ts) continue;
      rows_.push_back({static_cast<uint32_t>(block_idx), static_cast<uint32_t>(row)});
    }
  }
  SegmentWriteResult result;
  result.rows = rows_.size();
  if (rows_.empty()) return result;
  needs_.tag_values.assign(tag_count_, 0);

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
  segment::PutVarint(&footer, footer_slices_.size());
  footer.append(footer_slices_);
  segment::PutVarint(&footer, footer_string_filters_.size());
  footer.append(footer_string_filters_);
  segment::PutVarint(&footer, footer_user_rollups_.size());
  footer.append(footer_user_rollups_);
  segment::PutVarint(&footer, footer_derived_.size());
  footer.append(footer_derived_);
  segment::PutVarint(&footer, footer_moments_.size());
  footer.append(footer_moments_);

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

// Appends each local string table as one zstd frame per kLocalStringsPerFrame strings (one
// chunk: the CRC and sizes cover all its frames) and describes them for the footer:
// varint table_count · (u8 field · varint string_count · chunk ref) per table.
void Builder::WriteLocalTables(std::string* footer) {
  size_t tables = 0;
  for (const LocalTable& table : local_) tables += table.count == 0 ? 0 : 1;
  segment::PutVarint(footer, tables);
  for (const LocalTable& table : local_) {
    if (table.count == 0) continue;
    std::string stored;
    for (size_t frame = 0; frame < table.frame_starts.size(); ++frame) {
      const size_t begin = table.frame_starts[frame];
      const size_t end = frame + 1 < table.frame_starts.size() ? table.frame_starts[frame + 1] : table.bytes.size();
      stored += Compress(std::string_view(table.bytes).substr(begin, end - begin));
    }
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
