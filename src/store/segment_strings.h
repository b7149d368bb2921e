#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/local_strings.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// The string table of one local string field in one segment (docs/segment_format.md, "Local
// string tables"): `count` strings as (varint length · bytes), in the order of their local ids
// 1..count, compressed as zstd frames of whole strings (segment_format.h kLocalStringsPerFrame
// each; a table written before 2026-12 is one frame). Kept compressed in memory (the CRC and the
// whole structure are verified by Open). A query that reads the field decodes it and drops it
// (ForEach); a search's page decodes only the frames of the strings it shows, into the reader's
// StringPieces (Find); compaction decodes it and keeps it (Get).
//
// Thread-safety: every method may be called concurrently.
class SegmentStrings final : public LocalStrings {
 public:
  // Verifies that `compressed` is zstd frames that decompress to exactly `raw_size` bytes holding
  // exactly `count` non-empty strings, none across two frames. kCorruption (with `what`)
  // otherwise; the caller adds file and offset.
  static Result<std::shared_ptr<SegmentStrings>> Open(std::string compressed, uint64_t count, uint64_t raw_size);

  size_t size() const override { return count_; }
  // Decodes the table and keeps it (compaction reads every string).
  std::string_view Get(uint32_t local_id) const override;
  // Decodes the frame holding `local_id` into `pieces` unless Get already decoded the table.
  std::string_view Find(uint32_t local_id, StringPieces* pieces) const override;
  // Decodes frame by frame into a temporary unless Get already did: interning the strings into
  // the table dictionary (a query) does not keep a second copy of them.
  void ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const override;
  // Compressed bytes and the frame list, plus the decoded table and global ids once made.
  size_t MemoryBytes() const;
  size_t frame_count() const { return frames_.size(); }

 private:
  struct Frame {
    uint32_t offset = 0;    // in compressed_
    uint32_t size = 0;      // stored bytes
    uint32_t raw_size = 0;  // decoded bytes
    uint32_t first_id = 0;  // local id of its first string
  };
  SegmentStrings(std::string compressed, uint64_t count, uint64_t raw_size)
      : compressed_(std::move(compressed)), count_(count), raw_size_(raw_size) {}
  // Decodes frame `index` into *raw (its bytes) and *starts (each string's offset in *raw);
  // false when the bytes do not hold whole non-empty strings.
  bool DecodeFrame(const Frame& frame, std::string* raw, std::vector<uint32_t>* starts) const;
  // The frame holding `local_id` (1..count_).
  size_t FrameOf(uint32_t local_id) const;

  const std::string compressed_;
  const uint64_t count_;
  const uint64_t raw_size_;
  std::vector<Frame> frames_;  // set by Open, then immutable
  mutable std::once_flag decoded_;
  mutable std::string raw_;
  mutable std::vector<uint32_t> starts_;  // by local id − 1: offset of the string's length varint
  mutable std::atomic<size_t> decoded_bytes_{0};  // of raw_ and starts_, once decoded (for stats)
};

// A segment's column of local ids for one block, kept as stored (compressed; a column of ids in
// order of first appearance shrinks to almost nothing) and decoded only when read: by a query
// that resolves the field, or by compaction. Open verifies everything once, so Decode cannot fail.
//
// Thread-safety: immutable.
class PackedIds {
 public:
  struct Layout {
    uint64_t rows = 0;  // of the block
    uint8_t width = 0;  // 1, 2 or 4
    int64_t base = 0;
    bool sparse = false;
    uint64_t sparse_count = 0;
    uint64_t raw_size = 0;
  };
  // `stored` is the chunk as written (CRC already checked). kCorruption when it does not
  // decompress to raw_size, its sparse rows are out of order, or an id is past `table_size`.
  static Result<std::shared_ptr<PackedIds>> Open(std::string stored, const Layout& layout, uint64_t table_size);

  // The decoded column, in `*buffer`'s memory (valid while *buffer is unchanged).
  ColumnData Decode(std::vector<uint64_t>* buffer) const;
  size_t MemoryBytes() const { return stored_.capacity(); }

 private:
  PackedIds(std::string stored, const Layout& layout) : stored_(std::move(stored)), layout_(layout) {}

  const std::string stored_;
  const Layout layout_;
};

}  // namespace mltrack::store
