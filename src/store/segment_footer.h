#pragma once
// Decoding a segment's trailer and footer (docs/segment_format.md) without reading any chunk:
// the leveldb split of "where is everything" (Footer) from "read and decode a block"
// (segment_column.h, Segment). Pure functions over bytes, so every check is testable alone.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/segment_format.h"

namespace mltrack::store::segment {

// Where a decode found damage: the file byte offset and what is wrong there.
struct Damage {
  uint64_t offset = 0;
  std::string what;
};

// One stored chunk: a zstd frame of a column, a local string table or the raw id section.
struct ChunkRef {
  uint64_t offset = 0;
  uint64_t stored = 0;
  uint64_t raw = 0;
  uint32_t crc = 0;
};

// One column of one block as the footer lists it (width without its flag bits).
struct ColumnRef {
  ChunkKind kind = ChunkKind::kTs;
  uint64_t index = 0;
  uint8_t width = 0;
  int64_t base = 0;
  uint8_t scale_digits = 0;
  bool sparse = false;
  uint64_t sparse_count = 0;
  uint64_t exception_count = 0;
  ChunkRef chunk;
};

struct BlockRef {
  uint64_t rows = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  std::vector<ColumnRef> columns;
};

// One dictionary size the footer says the segment needs, with the footer byte it came from.
struct DictionaryNeed {
  enum class Kind : uint8_t { kField, kTagKeys, kTagValues, kScoreNames } kind;
  uint64_t index;  // FieldId for kField, tag key index for kTagValues
  uint64_t need;
  uint64_t offset;
};

// A local string table (version 3): field, string count and its chunk.
struct LocalTableRef {
  uint8_t field = 0;
  uint64_t count = 0;
  ChunkRef chunk;
};

struct Trailer {
  uint64_t footer_offset = 0;
  uint32_t footer_size = 0;
  uint32_t footer_crc = 0;
};

struct Footer {
  uint8_t version = 0;
  uint64_t rows = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint64_t wal_seq = 0;
  std::vector<DictionaryNeed> needs;
  uint64_t tag_keys = 0;
  uint64_t score_names = 0;
  std::vector<LocalTableRef> local_tables;
  std::vector<BlockRef> blocks;
  uint64_t id_count = 0;
  ChunkRef ids;  // raw unused
  std::string_view summaries;  // version 3: the block summaries, inside the footer's bytes
  std::string_view slices;     // version 4: the blocks' value slices (block_slices.h)
  std::string_view user_rollups;  // version 5: the blocks' user rollups (block_user_rollup.h)
  std::string_view filters;    // version 4: the blocks' string filters (string_filter.h)
  std::string_view derived;    // version 5: the blocks' tokens_per_s sketches (derived_sketch.h)
  std::string_view moments;    // version 6: the blocks' and slices' moments (block_moments.h)
};

// Whether a column holds the segment-local ids of a local string field (version 3).
bool IsLocalColumn(uint8_t version, ChunkKind kind, uint64_t index);
// Whether a block's ts fit uint32 offsets from its min_ts (ColumnBlock::ts_offsets).
bool NarrowTs(int64_t min_ts, int64_t max_ts);
// Bytes the decoded column takes in memory: ts as uint32 offsets (int64 when the block spans
// 2^32 ms or more), any other column as its raw chunk.
size_t DecodedBytes(const BlockRef& block, const ColumnRef& column);

// Decodes the 24-byte trailer of a file of `file_bytes` bytes (trailer magic, footer position).
bool DecodeTrailer(std::string_view bytes, uint64_t file_bytes, Trailer* trailer, Damage* damage);
// Decodes and checks the structure of the footer that starts at file byte `footer_offset` (its
// CRC already checked): versions, kinds, widths, sizes, offsets inside the file, rows adding up.
// `footer` must outlive `*out` (summaries, slices and filters point into it).
bool DecodeFooter(std::string_view footer, uint64_t footer_offset, Footer* out, Damage* damage);

// Reads `size` bytes at `offset` with pread (never a mapping: a file truncated meanwhile gives a
// short read, kCorruption naming the offset, instead of a SIGBUS); kIOError when it fails.
Status ReadAt(int fd, char* out, size_t size, uint64_t offset, const std::filesystem::path& path);

// Reads and checks, from the open file `fd` of `file_bytes` bytes: header magic, trailer,
// footer CRC and structure. *footer_bytes holds the footer (footer->summaries points into it).
// kCorruption names the file and offset (also in *corrupt_offset); kIOError when unreadable.
Status ReadFooter(int fd, const std::filesystem::path& path, uint64_t file_bytes, std::string* footer_bytes,
                  Footer* footer, uint64_t* corrupt_offset);

}  // namespace mltrack::store::segment
