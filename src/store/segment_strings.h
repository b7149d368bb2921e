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
// 1..count, compressed as one zstd frame. Kept compressed in memory (the CRC and the whole
// structure are verified by Open); decoded when a query first reads the field (then dropped) or
// when compaction rewrites the segment (then kept: Get).
//
// Thread-safety: every method may be called concurrently.
class SegmentStrings final : public LocalStrings {
 public:
  // Verifies that `compressed` decompresses to exactly `raw_size` bytes holding exactly `count`
  // non-empty strings. kCorruption (with `what`) otherwise; the caller adds file and offset.
  static Result<std::shared_ptr<SegmentStrings>> Open(std::string compressed, uint64_t count, uint64_t raw_size);

  size_t size() const override { return count_; }
  // Decodes the table and keeps it (compaction reads every string).
  std::string_view Get(uint32_t local_id) const override;
  // Decodes into a temporary unless Get already did: interning the strings into the table
  // dictionary (a query) does not keep a second copy of them.
  void ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const override;
  // Compressed bytes, plus the decoded table and global ids once made.
  size_t MemoryBytes() const;

 private:
  SegmentStrings(std::string compressed, uint64_t count, uint64_t raw_size)
      : compressed_(std::move(compressed)), count_(count), raw_size_(raw_size) {}
  // Decodes into raw_/starts_; false when the bytes do not hold the table.
  bool Decode(std::string* raw, std::vector<uint32_t>* starts) const;

  const std::string compressed_;
  const uint64_t count_;
  const uint64_t raw_size_;
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
