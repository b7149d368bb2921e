#pragma once

#include <cstddef>
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/block_summary.h"
#include "store/dictionary_set.h"
#include "store/id_index.h"
#include "store/segment_footer.h"
#include "store/segment_ids.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

class SegmentStrings;

// An open, immutable segment file (format in segment_format.h, docs/segment_format.md),
// decoded into narrow in-memory columns that queries read directly: zstd is undone once, at
// open, never per query.
//
// Thread-safety: immutable after Open; every method may be called concurrently. Snapshots hold
// shared ownership, so a segment dropped by retention or replaced by compaction stays readable
// until its last snapshot goes away. The file descriptor stays open for id lookups (an
// unlinked file stays readable through it).
class Segment {
 public:
  // Reads and verifies the whole file: trailer magic, footer CRC and structure, every chunk's
  // CRC and decompressed size, and that every dictionary id it references exists in
  // `dictionaries`. kCorruption names the file and the byte offset of the damage (also stored
  // in *corrupt_offset when given); kIOError when the file cannot be read.
  static Result<std::shared_ptr<Segment>> Open(const std::filesystem::path& path,
                                               const DictionarySet& dictionaries,
                                               uint64_t* corrupt_offset = nullptr);
  // Open without the dictionary check, so that a restart decodes segments while the dictionary
  // log is still replaying; the caller must pass CheckDictionaries before serving the segment.
  // On failure, *footer_rows (when given) is the row count the footer names once its CRC has
  // checked out (damage past the footer: a chunk, the id section), else 0 (unknown).
  static Result<std::shared_ptr<Segment>> OpenUnchecked(const std::filesystem::path& path,
                                                        uint64_t* corrupt_offset = nullptr,
                                                        uint64_t* footer_rows = nullptr);
  // kCorruption (offset in *corrupt_offset, as Open reports it) when the segment references a
  // dictionary entry that `dictionaries` lacks.
  Status CheckDictionaries(const DictionarySet& dictionaries, uint64_t* corrupt_offset = nullptr) const;
  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The decoded blocks; local string fields (local_strings.h) are absent from them and listed
  // in local_columns() (block_index into blocks()).
  const std::vector<ColumnBlock>& blocks() const { return blocks_; }
  const std::vector<LocalColumn>& local_columns() const { return local_columns_; }
  // Appends the blocks and local columns to `parts` (block indexes adjusted); the caller keeps
  // this segment alive (parts->keep_alive) as long as `parts` is used.
  void CollectBlocks(TableSnapshot::Parts* parts) const;
  uint64_t rows() const { return rows_; }
  int64_t min_ts() const { return min_ts_; }
  int64_t max_ts() const { return max_ts_; }
  uint64_t file_bytes() const { return file_bytes_; }
  // Bytes held in memory, by structure: decoded columns (and block headers), block summaries,
  // local string tables with their packed id columns, the id section's directory.
  struct Memory {
    size_t columns = 0;
    size_t summaries = 0;
    size_t local_strings = 0;
    size_t id_directory = 0;
    size_t user_rollups = 0;  // block_user_rollup.h
    size_t total() const { return columns + summaries + local_strings + id_directory + user_rollups; }
    void Add(const Memory& other) {
      user_rollups += other.user_rollups;
      columns += other.columns;
      summaries += other.summaries;
      local_strings += other.local_strings;
      id_directory += other.id_directory;
    }
  };
  Memory MemoryParts() const;
  size_t MemoryBytes() const { return MemoryParts().total(); }

  size_t id_count() const { return ids_.count(); }
  // Reads every id hash of the segment from the file (sorted by high, low). kIOError or
  // kCorruption (the id section fails its CRC).
  Status ReadIds(std::vector<IdKey>* out) const;
  // Whether the segment holds `key`: one pread of a small run of the sorted id section, found
  // through an in-memory sparse index. kIOError when the file cannot be read; kCorruption when
  // it is no longer the file that was verified at open (another size or modification time, a
  // short read, entries out of order): the caller must not take that as "absent".
  Result<bool> ContainsId(const IdKey& key) const;

 private:
  Segment() = default;
  // The loading steps, in order (each reports damage as Open does).
  Status Load(const DictionarySet* dictionaries, uint64_t* corrupt_offset);
  using LocalTables = std::array<std::shared_ptr<SegmentStrings>, kFieldIdCount>;  // by FieldId
  Status OpenLocalTables(const segment::Footer& footer, LocalTables* tables, uint64_t* corrupt_offset) const;
  // Reads, verifies and decodes every column chunk into the arena (blocks_, local_columns_).
  Status DecodeBlocks(const segment::Footer& footer, uint64_t footer_offset, const LocalTables& tables,
                      uint64_t* corrupt_offset);
  // Moves the decoded columns into an arena of their `used_bytes` (palette columns leave the
  // arena's tail unused) and points the blocks at it.
  void ShrinkArena(size_t used_bytes);
  // A local id column stays compressed (PackedIds) until a query or compaction reads it.
  Status OpenLocalColumn(const segment::BlockRef& block, const segment::ColumnRef& column, std::string stored,
                         const LocalTables& tables, uint64_t* corrupt_offset);
  // Decodes the footer's block summaries (version 3) and points each block at its own; from
  // version 4 also each block's value slices and string filters (whose words stay in the file,
  // at `filters_offset` where footer.filters starts).
  Status AttachSummaries(const segment::Footer& footer, uint64_t footer_offset, uint64_t filters_offset,
                         uint64_t* corrupt_offset);
  // Verifies the id section and keeps its in-memory directory.
  Status LoadIds(const segment::Footer& footer, uint64_t* corrupt_offset);
  Status Corrupt(uint64_t offset, const std::string& what, uint64_t* corrupt_offset) const;
  Status ReadRange(uint64_t offset, uint64_t size, std::string* out, uint64_t* corrupt_offset) const;

  std::vector<segment::DictionaryNeed> needs_;

  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t file_bytes_ = 0;
  int64_t file_mtime_ns_ = 0;  // when the file was last written, as verified at open
  uint64_t rows_ = 0;
  int64_t min_ts_ = 0;
  int64_t max_ts_ = 0;
  std::vector<ColumnBlock> blocks_;
  std::vector<LocalColumn> local_columns_;
  std::array<std::shared_ptr<const SegmentStrings>, kFieldIdCount> local_strings_{};  // by FieldId
  std::vector<BlockSummary> summaries_;  // one per block (format version 3), else empty
  std::unique_ptr<uint64_t[]> arena_;  // every decoded column, 8-byte aligned
  size_t arena_bytes_ = 0;
  uint64_t ids_offset_ = 0;
  uint64_t ids_size_ = 0;
  uint32_t ids_crc_ = 0;
  segment::IdSection ids_;
};

}  // namespace mltrack::store
