#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <span>
#include <vector>

#include "core/status.h"
#include "store/id_index.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

struct SegmentWriteOptions {
  int zstd_level = 3;
  // The newest WAL file whose records this segment (with the ones before it) covers; kept in
  // the footer for inspection.
  uint64_t wal_seq = 0;
  // Rows with ts below this are left out (retention).
  int64_t min_keep_ts = std::numeric_limits<int64_t>::min();
  // Test hook for disk-full faults, as WalWriterOptions::fault_hook: called before each
  // write(2) with its size; a nonzero errno makes the write stop halfway and fail.
  std::function<int(size_t bytes)> fault_hook;
};

struct SegmentWriteResult {
  uint64_t rows = 0;  // 0: every row was dropped and no file was written
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint64_t file_bytes = 0;
};

// Writes the rows of `blocks` (in order, any ColumnData layout) and the id hashes `ids` into a
// new segment file `path` (format in segment_format.h, docs/segment_format.md): each output
// block of up to segment::kBlockRows rows gets each column in its narrowest exact layout,
// compressed with zstd and checksummed. Local string fields (local_strings.h) are read from
// `local_columns` (block_index refers to `blocks`; their columns in `blocks` are ignored) and
// written as one string table per field plus segment-local ids. The file is written as
// `path`.tmp, fsynced, renamed to `path` and the directory fsynced, so `path` either does not
// exist or is complete and durable. On failure the temporary file is removed and nothing else
// changes: kNoSpace when the disk is full, kIOError otherwise. Not thread-safe for one path; the
// blocks and local columns must stay valid meanwhile.
Result<SegmentWriteResult> WriteSegment(const std::filesystem::path& path,
                                        std::span<const ColumnBlock> blocks,
                                        std::span<const LocalColumn> local_columns, std::vector<IdKey> ids,
                                        const SegmentWriteOptions& options);

}  // namespace mltrack::store
