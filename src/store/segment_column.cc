#include "store/segment_column.h"

#include <algorithm>
#include <cstring>

#include "store/local_strings.h"
#include "store/packed_column.h"

namespace mltrack::store::segment {
namespace {

double Pow10(uint8_t digits) {
  double scale = 1;
  for (uint8_t digit = 0; digit < digits; ++digit) scale *= 10;
  return scale;
}

// zstd frame → `out` (chunk.raw bytes); version 3 stores values wider than a byte as byte planes.
bool Decompress(ZSTD_DCtx* dctx, uint8_t version, const BlockRef& block, const ColumnRef& column,
                std::string_view stored, char* out, std::string* planes) {
  const size_t planar =
      version >= 3 && column.width > 1 ? (column.sparse ? column.sparse_count : block.rows) * column.width : 0;
  if (planar > 0) planes->resize(column.chunk.raw);
  const size_t size = ZSTD_decompressDCtx(dctx, planar > 0 ? planes->data() : out, column.chunk.raw, stored.data(),
                                          stored.size());
  if (ZSTD_isError(size) || size != column.chunk.raw) return false;
  if (planar > 0) {
    JoinBytePlanes(planes->data(), planar / column.width, column.width, out);
    std::memcpy(out + planar, planes->data() + planar, column.chunk.raw - planar);
  }
  return true;
}

// ts deltas (zigzag, `column.width` bytes each, from `base`) → uint32 offsets from min_ts, or
// int64 when the block spans 2^32 ms or more; false when a ts leaves the block's zone map.
bool DecodeTs(const BlockRef& block, const ColumnRef& column, const char* deltas, char* out, ColumnBlock* target) {
  const bool narrow = NarrowTs(block.min_ts, block.max_ts);
  auto* ts = reinterpret_cast<int64_t*>(out);
  auto* offsets = reinterpret_cast<uint32_t*>(out);
  int64_t value = column.base;
  for (size_t row = 0; row < block.rows; ++row) {
    uint64_t delta = 0;
    std::memcpy(&delta, deltas + row * column.width, column.width);
    value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(UnZigZag(delta)));
    if (value < block.min_ts || value > block.max_ts) return false;
    if (narrow) {
      offsets[row] = static_cast<uint32_t>(value - block.min_ts);
    } else {
      ts[row] = value;
    }
  }
  target->ts = narrow ? nullptr : ts;
  target->ts_offsets = narrow ? offsets : nullptr;
  return true;
}

// Points `data` at the exception and sparse lists at the end of the decoded chunk and checks
// their rows (ascending, inside the block); the problem, or empty.
std::string AttachRowLists(const BlockRef& block, const ColumnRef& column, const char* bytes, ColumnData* data) {
  if (column.exception_count > 0) {
    const uint64_t values_end = column.chunk.raw - column.exception_count * 10;
    data->exception_count = static_cast<uint32_t>(column.exception_count);
    data->exception_values = reinterpret_cast<const double*>(bytes + values_end);
    data->exception_rows = reinterpret_cast<const uint16_t*>(bytes + values_end + column.exception_count * 8);
    for (uint64_t idx = 0; idx < column.exception_count; ++idx) {
      const uint16_t row = data->exception_rows[idx];
      if (row >= block.rows || (idx > 0 && row <= data->exception_rows[idx - 1])) return "exception rows out of order";
    }
  }
  if (column.sparse) {
    const uint64_t sparse_end = SparseChunkSize(column.sparse_count, column.width);
    const auto* listed = reinterpret_cast<const uint16_t*>(bytes + (sparse_end - column.sparse_count * sizeof(uint16_t)));
    for (uint64_t idx = 0; idx < column.sparse_count; ++idx) {
      if (listed[idx] >= block.rows || (idx > 0 && listed[idx] <= listed[idx - 1])) {
        return "sparse column rows out of order";
      }
    }
    data->sparse_rows = listed;
    data->sparse_count = static_cast<uint32_t>(column.sparse_count);
  }
  return {};
}

// Puts `data` in its place in the block after checking that its kind allows the layout; the
// problem, or empty.
std::string Attach(const ColumnRef& column, ColumnData data, ColumnBlock* block) {
  std::string what;
  switch (column.kind) {
    case ChunkKind::kField: {
      const FieldId field = static_cast<FieldId>(column.index);
      const FieldKind kind = GetFieldInfo(field).kind;
      if (kind == FieldKind::kDouble) {
        data.scale = column.scale_digits == kRawDoubles ? 0 : Pow10(column.scale_digits);
        if ((data.scale == 0) != (column.width == 8)) what = "double layout mismatch";
      } else if ((kind == FieldKind::kEnum || kind == FieldKind::kBool) && column.width != 1) {
        what = "enum column wider than a byte";
      } else if ((kind == FieldKind::kString || field == FieldId::kHttpStatus) && column.width == 8) {
        what = "id column in raw layout";
      }
      block->columns[column.index] = data;
      break;
    }
    case ChunkKind::kTag:
      if (column.width == 8) what = "tag column in raw layout";
      block->tags.push_back({static_cast<uint32_t>(column.index), data});
      break;
    case ChunkKind::kScore:
      data.scale = column.scale_digits == kRawDoubles ? 0 : Pow10(column.scale_digits);
      if ((data.scale == 0) != (column.width == 8)) what = "double layout mismatch";
      block->scores.push_back({static_cast<uint32_t>(column.index), data});
      break;
    default:
      break;
  }
  return what;
}

}  // namespace

bool DecodeColumnChunk(ZSTD_DCtx* dctx, uint8_t version, uint64_t footer_offset, const BlockRef& block,
                       const ColumnRef& column, std::string_view stored, const ColumnTarget& target,
                       std::string* scratch, std::string* planes, size_t* used, Damage* damage) {
  const bool is_ts = column.kind == ChunkKind::kTs;
  *used = DecodedBytes(block, column);
  if (is_ts) scratch->resize(column.chunk.raw);
  if (!Decompress(dctx, version, block, column, stored, is_ts ? scratch->data() : target.data, planes)) {
    *damage = {column.chunk.offset, "column chunk does not decompress to its size"};
    return false;
  }
  if (is_ts) {
    if (DecodeTs(block, column, scratch->data(), target.data, target.block)) return true;
    *damage = {column.chunk.offset, "ts outside the block's zone map"};
    return false;
  }
  ColumnData data;
  data.data = target.data;
  data.width = column.width;
  data.base = column.base;
  std::string what = AttachRowLists(block, column, target.data, &data);
  if (!what.empty()) {
    *damage = {column.chunk.offset, what};
    return false;
  }
  // Local string fields of segments before version 3 are table ids translated per snapshot
  // (TableSnapshot), which reads them as plain narrow columns: they stay as they are.
  const bool local = column.kind == ChunkKind::kField && IsLocalStringField(static_cast<FieldId>(column.index));
  if (!local) {
    if (const size_t packed = PackColumn(&data, block.rows, target.data); packed > 0) *used = packed;
  }
  what = Attach(column, data, target.block);
  if (what.empty()) return true;
  *damage = {footer_offset, what};
  return false;
}

bool SortKeyedColumns(ColumnBlock* block, uint64_t footer_offset, Damage* damage) {
  // Listed ascending by the writer; a repeated key is damage.
  for (std::vector<KeyedColumn>* keyed : {&block->tags, &block->scores}) {
    std::sort(keyed->begin(), keyed->end(), [](const KeyedColumn& a, const KeyedColumn& b) { return a.index < b.index; });
    for (size_t idx = 1; idx < keyed->size(); ++idx) {
      if ((*keyed)[idx].index == (*keyed)[idx - 1].index) {
        *damage = {footer_offset, "a tag or score column listed twice"};
        return false;
      }
    }
  }
  return true;
}

}  // namespace mltrack::store::segment
