#pragma once
// Decoding one column chunk of a segment block into the in-memory layout queries read
// (ColumnData, table_snapshot.h); the footer that locates it is decoded by segment_footer.h.

#include <zstd.h>

#include <string>
#include <string_view>

#include "store/segment_footer.h"
#include "store/table_snapshot.h"

namespace mltrack::store::segment {

// Where a decoded column goes: `data` for its values, `block` for its place among the block's
// columns (ts, a field, a tag or a score).
struct ColumnTarget {
  char* data = nullptr;
  ColumnBlock* block = nullptr;
};

// Decodes the chunk `stored` (its CRC already checked) of `column` in `block` into
// target.data (DecodedBytes(block, column) bytes, 8-byte aligned) and attaches it to
// *target.block; a dense narrow column is packed there into fewer bits per row where that saves
// an eighth or more (packed_column.h). *used = the bytes at target.data the column keeps (at
// most DecodedBytes). false with *damage (the chunk's offset for bad bytes, the footer's for a layout
// the column's kind does not allow) otherwise. `scratch` and `planes` are reused buffers.
bool DecodeColumnChunk(ZSTD_DCtx* dctx, uint8_t version, uint64_t footer_offset, const BlockRef& block,
                       const ColumnRef& column, std::string_view stored, const ColumnTarget& target,
                       std::string* scratch, std::string* planes, size_t* used, Damage* damage);

// Sorts the block's tag and score columns by index; false (damage at the footer) when a key is
// listed twice.
bool SortKeyedColumns(ColumnBlock* block, uint64_t footer_offset, Damage* damage);

}  // namespace mltrack::store::segment
