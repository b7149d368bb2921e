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

namespace mltrack::store {

// The string table of one local string field in one segment (docs/segment_format.md, "Local
// string tables"): `count` strings as (varint length · bytes), in the order of their local ids
// 1..count, compressed as one zstd frame. Kept compressed in memory (the CRC and the whole
// structure are verified by Open); decoded on the first Get, i.e. only when a query reads the
// field or compaction rewrites the segment.
//
// Thread-safety: every method may be called concurrently.
class SegmentStrings final : public LocalStrings {
 public:
  // Verifies that `compressed` decompresses to exactly `raw_size` bytes holding exactly `count`
  // non-empty strings. kCorruption (with `what`) otherwise; the caller adds file and offset.
  static Result<std::shared_ptr<SegmentStrings>> Open(std::string compressed, uint64_t count, uint64_t raw_size);

  size_t size() const override { return count_; }
  std::string_view Get(uint32_t local_id) const override;
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

}  // namespace mltrack::store
