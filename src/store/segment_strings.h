#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
// Its translation into table ids is kept with it once made (Translated): a request takes a new
// snapshot, and without it each request decoded and translated the local columns of its range
// again (at 10M, 7 days of trace ids and 30 of input hashes: ~9 % of an insights request's CPU).
// The kept translations of a process hold at most MaxKeptBytes() (64 MiB; a sparse column keeps
// 6 bytes per listed row, a dense one 4 per row: the insights request keeps ~8 MB at 10M); past
// that a block is translated per snapshot again, so a query over every trace id of a large
// table does not pin 4 bytes per row.
//
// Thread-safety: every method may be called concurrently.
class PackedIds {
 public:
  // Table ids of the column (TableSnapshot::ResolveLocalEntry): the column and its memory.
  struct Translation {
    std::shared_ptr<uint32_t[]> memory;  // owns what `column` points to
    ColumnData column;
    size_t bytes = 0;
  };

  ~PackedIds();
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
  // The column's translation into the ids of table dictionary `table`: the kept one, or `make`'s,
  // kept when the allowance has room (one table per column: for another, `make`'s every time).
  // A translation depends only on the column's strings and the table, never on which of them a
  // snapshot interned first. nullopt when `make` returns nullopt.
  std::optional<Translation> Translated(const void* table, const std::function<std::optional<Translation>()>& make) const;
  // Stored bytes, plus the kept translation.
  size_t MemoryBytes() const { return stored_.capacity() + translation_bytes_.load(std::memory_order_relaxed); }

  static size_t MaxKeptBytes();
  static void SetMaxKeptBytes(size_t bytes);  // tests

 private:
  PackedIds(std::string stored, const Layout& layout) : stored_(std::move(stored)), layout_(layout) {}

  const std::string stored_;
  const Layout layout_;
  mutable std::mutex translation_mutex_;
  mutable const void* translation_table_ = nullptr;  // what translation_ was made for (null: none kept)
  mutable Translation translation_;
  mutable std::atomic<size_t> translation_bytes_{0};
};

}  // namespace mltrack::store
