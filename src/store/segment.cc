#include "store/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <type_traits>

#include "core/crc32c.h"
#include "store/block_slices.h"
#include "store/block_user_rollup.h"
#include "store/block_moments.h"
#include "store/derived_sketch.h"
#include "store/segment_column.h"
#include "store/segment_format.h"
#include "store/segment_ids.h"
#include "store/segment_strings.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

int64_t MtimeNs(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

}  // namespace

using segment::DictionaryNeed;

Segment::~Segment() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::shared_ptr<Segment>> Segment::Open(const std::filesystem::path& path,
                                               const DictionarySet& dictionaries,
                                               uint64_t* corrupt_offset) {
  std::shared_ptr<Segment> segment(new Segment());
  segment->path_ = path;
  segment->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (segment->fd_ < 0) return ErrnoToStatus(errno, "open " + path.string());
  uint64_t offset = 0;
  Status status = segment->Load(&dictionaries, &offset);
  if (!status.ok()) {
    if (corrupt_offset != nullptr) *corrupt_offset = offset;
    return status;
  }
  return segment;
}

Result<std::shared_ptr<Segment>> Segment::OpenUnchecked(const std::filesystem::path& path, uint64_t* corrupt_offset,
                                                        uint64_t* footer_rows) {
  std::shared_ptr<Segment> segment(new Segment());
  segment->path_ = path;
  segment->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (segment->fd_ < 0) return ErrnoToStatus(errno, "open " + path.string());
  uint64_t offset = 0;
  Status status = segment->Load(nullptr, &offset);
  if (!status.ok()) {
    if (corrupt_offset != nullptr) *corrupt_offset = offset;
    if (footer_rows != nullptr) *footer_rows = segment->rows_;  // set only after the footer's CRC
    return status;
  }
  return segment;
}

Status Segment::CheckDictionaries(const DictionarySet& dictionaries, uint64_t* corrupt_offset) const {
  for (const DictionaryNeed& need : needs_) {
    std::string what;
    switch (need.kind) {
      case DictionaryNeed::Kind::kField: {
        const Dictionary* dictionary =
            need.index < kFieldIdCount ? dictionaries.field(static_cast<FieldId>(need.index)) : nullptr;
        if (dictionary == nullptr) {
          what = "dictionary of an unknown field";
        } else if (need.need > dictionary->size()) {
          what = "needs " + std::to_string(need.need) + " entries of the " +
                 std::string(GetFieldInfo(static_cast<FieldId>(need.index)).name) + " dictionary, which has " +
                 std::to_string(dictionary->size());
        }
        break;
      }
      case DictionaryNeed::Kind::kTagKeys:
        if (need.need > dictionaries.tag_keys().size()) what = "needs tag keys the dictionary lacks";
        break;
      case DictionaryNeed::Kind::kTagValues: {
        const Dictionary* values = dictionaries.FindTagValues(need.index);
        if (need.need > 0 && (values == nullptr || need.need > values->size())) {
          what = "needs tag values the dictionary lacks";
        }
        break;
      }
      case DictionaryNeed::Kind::kScoreNames:
        if (need.need > dictionaries.score_names().size()) what = "needs score names the dictionary lacks";
        break;
    }
    if (!what.empty()) {
      if (corrupt_offset != nullptr) *corrupt_offset = need.offset;
      return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(need.offset) + ": " + what);
    }
  }
  return Status::OK();
}

Status Segment::AttachSummaries(const segment::Footer& footer, uint64_t footer_offset, uint64_t filters_offset,
                                uint64_t* corrupt_offset) {
  std::vector<uint32_t> block_rows;
  for (const ColumnBlock& block : blocks_) block_rows.push_back(static_cast<uint32_t>(block.rows));
  bool ok = DecodeBlockSummaries(footer.summaries, block_rows, footer.tag_keys, &summaries_);
  for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
    ok = SummaryMatchesBlock(summaries_[block_idx], blocks_[block_idx]);
    blocks_[block_idx].summary = &summaries_[block_idx];
  }
  // Version 4: each block's value slices (block_slices.h), checked against its summary.
  if (ok && footer.version >= 4) {
    segment::FooterReader reader(footer.slices);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      ok = DecodeSlices(reader, footer.tag_keys, blocks_[block_idx].min_ts, blocks_[block_idx].max_ts,
                        &summaries_[block_idx]);
    }
    ok = ok && reader.at_end();
  }
  // Version 4: each block's string filters (string_filter.h): one per local string field the
  // block stores, ascending by field. Their words stay in the file (read by trace-id lookups).
  if (ok && footer.version >= 4) {
    segment::FooterReader reader(footer.filters);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      BlockSummary& summary = summaries_[block_idx];
      summary.string_filtered = true;
      uint64_t count = 0;
      ok = reader.GetVarint(&count) && count <= kFieldIdCount;
      for (uint64_t idx = 0; ok && idx < count; ++idx) {
        uint8_t field = 0;
        StringFilter filter;
        ok = reader.GetByte(&field) && field < kFieldIdCount && IsLocalStringField(static_cast<FieldId>(field)) &&
             (summary.string_filters.empty() || static_cast<uint8_t>(summary.string_filters.back().first) < field) &&
             filter.DecodeInFile(reader, fd_, filters_offset);
        if (ok) summary.string_filters.emplace_back(static_cast<FieldId>(field), std::move(filter));
      }
    }
    ok = ok && reader.at_end();
  }
  // Version 5: each block's user rollup (block_user_rollup.h), keyed by model and provider too
  // from version 7.
  if (ok && footer.version >= 5) {
    segment::FooterReader reader(footer.user_rollups);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      const ColumnBlock& block = blocks_[block_idx];
      auto rollup = std::make_shared<UserRollup>();
      ok = DecodeUserRollup(reader, static_cast<uint32_t>(block.rows), block.max_ts - block.min_ts,
                            footer.version >= 7, rollup.get());
      if (ok && rollup->size() > 0) summaries_[block_idx].user_rollup = std::move(rollup);
    }
    ok = ok && reader.at_end();
  }
  // Version 5: each block's and slice's tokens_per_s sketch (derived_sketch.h).
  if (ok && footer.version >= 5) {
    segment::FooterReader reader(footer.derived);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      ok = DecodeDerivedSketches(reader, &summaries_[block_idx]);
    }
    ok = ok && reader.at_end();
  }
  // Version 6: each block's and slice's moments (block_moments.h).
  if (ok && footer.version >= 6) {
    segment::FooterReader reader(footer.moments);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      ok = DecodeBlockMoments(reader, footer.score_names, &summaries_[block_idx]);
    }
    ok = ok && reader.at_end();
  }
  if (ok) return Status::OK();
  summaries_.clear();
  *corrupt_offset = footer_offset;
  return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(footer_offset) +
                            ": block summaries do not match the blocks");
}

Status Segment::Corrupt(uint64_t offset, const std::string& what, uint64_t* corrupt_offset) const {
  *corrupt_offset = offset;
  return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(offset) + ": " + what);
}

// Read with pread, part by part (trailer, footer, each chunk into one reused buffer), never
// mapped: a file truncated or replaced while it is read then gives a short read, reported as
// damage, instead of a SIGBUS that would kill the server.
Status Segment::ReadRange(uint64_t offset, uint64_t size, std::string* out, uint64_t* corrupt_offset) const {
  out->resize(size);
  Status status = segment::ReadAt(fd_, out->data(), size, offset, path_);
  if (status.code() == StatusCode::kCorruption) *corrupt_offset = offset;
  return status;
}

Status Segment::Load(const DictionarySet* dictionaries, uint64_t* corrupt_offset) {
  struct stat info;
  if (::fstat(fd_, &info) != 0) return ErrnoToStatus(errno, "stat " + path_.string());
  file_bytes_ = static_cast<uint64_t>(info.st_size);
  file_mtime_ns_ = MtimeNs(info);
  std::string footer_bytes;
  segment::Footer footer;
  const Status footer_status = segment::ReadFooter(fd_, path_, file_bytes_, &footer_bytes, &footer, corrupt_offset);
  rows_ = footer.rows;  // read only once the footer's CRC checked out (OpenUnchecked's footer_rows)
  if (!footer_status.ok()) return footer_status;
  min_ts_ = footer.min_ts;
  max_ts_ = footer.max_ts;
  needs_ = std::move(footer.needs);
  if (dictionaries != nullptr) MLTRACK_RETURN_IF_ERROR(CheckDictionaries(*dictionaries, corrupt_offset));
  const uint64_t footer_offset = file_bytes_ - segment::kTrailerSize - footer_bytes.size();
  LocalTables tables{};
  MLTRACK_RETURN_IF_ERROR(OpenLocalTables(footer, &tables, corrupt_offset));
  MLTRACK_RETURN_IF_ERROR(DecodeBlocks(footer, footer_offset, tables, corrupt_offset));
  for (size_t field = 0; field < kFieldIdCount; ++field) local_strings_[field] = std::move(tables[field]);
  if (footer.version >= 3) {
    const uint64_t filters_offset = footer_offset + static_cast<uint64_t>(footer.filters.data() - footer_bytes.data());
    MLTRACK_RETURN_IF_ERROR(AttachSummaries(footer, footer_offset, filters_offset, corrupt_offset));
  }
  return LoadIds(footer, corrupt_offset);
}

Status Segment::OpenLocalTables(const segment::Footer& footer, LocalTables* tables, uint64_t* corrupt_offset) const {
  for (const segment::LocalTableRef& table : footer.local_tables) {
    std::string stored;
    MLTRACK_RETURN_IF_ERROR(ReadRange(table.chunk.offset, table.chunk.stored, &stored, corrupt_offset));
    if (crc32c::Unmask(table.chunk.crc) != crc32c::Value(stored)) {
      return Corrupt(table.chunk.offset, "local string table checksum mismatch", corrupt_offset);
    }
    Result<std::shared_ptr<SegmentStrings>> strings = SegmentStrings::Open(std::move(stored), table.count, table.chunk.raw);
    if (!strings.ok()) return Corrupt(table.chunk.offset, strings.status().message(), corrupt_offset);
    (*tables)[table.field] = std::move(strings).value();
  }
  return Status::OK();
}

Status Segment::OpenLocalColumn(const segment::BlockRef& block, const segment::ColumnRef& column, std::string stored,
                                const LocalTables& tables, uint64_t* corrupt_offset) {
  const SegmentStrings* strings = tables[column.index].get();
  if (strings == nullptr || column.width == 8 || column.exception_count > 0) {
    return Corrupt(column.chunk.offset, "local id column without its string table", corrupt_offset);
  }
  Result<std::shared_ptr<PackedIds>> packed = PackedIds::Open(
      std::move(stored), {block.rows, column.width, column.base, column.sparse, column.sparse_count, column.chunk.raw},
      strings->size());
  if (!packed.ok()) return Corrupt(column.chunk.offset, packed.status().message(), corrupt_offset);
  const FieldId field = static_cast<FieldId>(column.index);
  local_columns_.push_back({blocks_.size(), field, ColumnData{}, tables[column.index], *packed});
  return Status::OK();
}

Status Segment::DecodeBlocks(const segment::Footer& footer, uint64_t footer_offset, const LocalTables& tables,
                             uint64_t* corrupt_offset) {
  size_t arena_words = 0;
  for (const segment::BlockRef& block : footer.blocks) {
    for (const segment::ColumnRef& column : block.columns) {
      // Local id columns stay packed (OpenLocalColumn).
      if (!segment::IsLocalColumn(footer.version, column.kind, column.index)) {
        arena_words += (segment::DecodedBytes(block, column) + 7) / 8;
      }
    }
  }
  arena_.reset(new uint64_t[std::max<size_t>(arena_words, 1)]);
  arena_bytes_ = arena_words * 8;
  char* cursor = reinterpret_cast<char*>(arena_.get());
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::string stored;
  std::string scratch;
  std::string planes;
  segment::Damage damage;
  blocks_.reserve(footer.blocks.size());
  // The blocks' segment_id (table_snapshot.h): unique per opened Segment in this process.
  static std::atomic<uint64_t> next_segment_id{1};
  const uint64_t segment_id = next_segment_id.fetch_add(1, std::memory_order_relaxed);
  for (const segment::BlockRef& ref : footer.blocks) {
    ColumnBlock block;
    block.segment_id = segment_id;
    block.rows = ref.rows;
    block.min_ts = ref.min_ts;
    block.max_ts = ref.max_ts;
    for (const segment::ColumnRef& column : ref.columns) {
      MLTRACK_RETURN_IF_ERROR(ReadRange(column.chunk.offset, column.chunk.stored, &stored, corrupt_offset));
      if (crc32c::Unmask(column.chunk.crc) != crc32c::Value(stored)) {
        return Corrupt(column.chunk.offset, "column chunk checksum mismatch", corrupt_offset);
      }
      if (segment::IsLocalColumn(footer.version, column.kind, column.index)) {
        MLTRACK_RETURN_IF_ERROR(OpenLocalColumn(ref, column, stored, tables, corrupt_offset));
        continue;
      }
      size_t used = 0;
      if (!segment::DecodeColumnChunk(dctx.get(), footer.version, footer_offset, ref, column, stored, {cursor, &block},
                                      &scratch, &planes, &used, &damage)) {
        return Corrupt(damage.offset, damage.what, corrupt_offset);
      }
      cursor += (used + 7) / 8 * 8;
    }
    if (!segment::SortKeyedColumns(&block, footer_offset, &damage)) return Corrupt(damage.offset, damage.what, corrupt_offset);
    blocks_.push_back(std::move(block));
  }
  ShrinkArena(static_cast<size_t>(cursor - reinterpret_cast<char*>(arena_.get())));
  return Status::OK();
}

void Segment::ShrinkArena(size_t used_bytes) {
  if (used_bytes + 8 > arena_bytes_) return;
  const size_t words = std::max<size_t>((used_bytes + 7) / 8, 1);
  std::unique_ptr<uint64_t[]> arena(new uint64_t[words]);
  std::memcpy(arena.get(), arena_.get(), used_bytes);
  const char* old_begin = reinterpret_cast<const char*>(arena_.get());
  const char* old_end = old_begin + used_bytes;
  char* new_begin = reinterpret_cast<char*>(arena.get());
  auto move = [&](auto*& pointer) {
    const char* at = reinterpret_cast<const char*>(pointer);
    if (at >= old_begin && at < old_end) {
      pointer = reinterpret_cast<std::remove_reference_t<decltype(pointer)>>(new_begin + (at - old_begin));
    }
  };
  auto move_column = [&](ColumnData& column) {
    move(column.data);
    move(column.sparse_rows);
    move(column.exception_rows);
    move(column.exception_values);
    move(column.palette);
  };
  for (ColumnBlock& block : blocks_) {
    move(block.ts);
    move(block.ts_offsets);
    for (ColumnData& column : block.columns) move_column(column);
    for (KeyedColumn& column : block.tags) move_column(column.data);
    for (KeyedColumn& column : block.scores) move_column(column.data);
  }
  arena_ = std::move(arena);
  arena_bytes_ = words * 8;
}

Status Segment::LoadIds(const segment::Footer& footer, uint64_t* corrupt_offset) {
  std::string id_bytes;
  MLTRACK_RETURN_IF_ERROR(ReadRange(footer.ids.offset, footer.ids.stored, &id_bytes, corrupt_offset));
  if (crc32c::Unmask(footer.ids.crc) != crc32c::Value(id_bytes)) {
    return Corrupt(footer.ids.offset, "id section checksum mismatch", corrupt_offset);
  }
  ids_offset_ = footer.ids.offset;
  ids_size_ = footer.ids.stored;
  ids_crc_ = footer.ids.crc;
  if (!ids_.Init(footer.version, footer.id_count, id_bytes)) {
    return Corrupt(footer.ids.offset, "id section directory is inconsistent", corrupt_offset);
  }
  return Status::OK();
}

Segment::Memory Segment::MemoryParts() const {
  Memory memory;
  memory.columns = arena_bytes_ + blocks_.size() * sizeof(ColumnBlock);
  for (const ColumnBlock& block : blocks_) {
    memory.columns += (block.tags.capacity() + block.scores.capacity()) * sizeof(KeyedColumn);
  }
  for (const auto& strings : local_strings_) {
    if (strings) memory.local_strings += strings->MemoryBytes();
  }
  for (const LocalColumn& local : local_columns_) memory.local_strings += local.packed->MemoryBytes();
  for (const BlockSummary& summary : summaries_) {
    memory.summaries += summary.MemoryBytes();
    if (summary.user_rollup) memory.user_rollups += sizeof(UserRollup) + summary.user_rollup->MemoryBytes();
  }
  memory.id_directory = ids_.MemoryBytes();
  return memory;
}

void Segment::CollectBlocks(TableSnapshot::Parts* parts) const {
  const size_t first = parts->blocks.size();
  parts->blocks.insert(parts->blocks.end(), blocks_.begin(), blocks_.end());
  for (LocalColumn local : local_columns_) {
    local.block_index += first;
    parts->local_columns.push_back(std::move(local));
  }
}

Status Segment::ReadIds(std::vector<IdKey>* out) const {
  std::string bytes(ids_size_, '\0');
  MLTRACK_RETURN_IF_ERROR(segment::ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_, path_));
  if (crc32c::Unmask(ids_crc_) != crc32c::Value(bytes)) {
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(ids_offset_) +
                              ": id section checksum mismatch");
  }
  ids_.DecodeAll(bytes, out);
  return Status::OK();
}

Result<bool> Segment::ContainsId(const IdKey& key) const {
  const segment::IdSection::Probe probe = ids_.Find(key);
  if (probe.first >= probe.last) return false;
  // The file was verified whole when opened; what a lookup reads is trusted only while the file
  // keeps that size and the bytes read are ordered as written.
  struct stat info;
  if (::fstat(fd_, &info) != 0) return ErrnoToStatus(errno, "stat " + path_.string());
  if (static_cast<uint64_t>(info.st_size) != file_bytes_) {
    return Status::Corruption("segment " + path_.string() + " changed on disk: it is " + std::to_string(info.st_size) +
                              " bytes, not the " + std::to_string(file_bytes_) + " it had when opened");
  }
  // Overwritten in place (same size): the bytes read could pass for a run of ids without them.
  if (MtimeNs(info) != file_mtime_ns_) {
    return Status::Corruption("segment " + path_.string() + " changed on disk: written to since it was opened");
  }
  std::string bytes(probe.byte_end - probe.byte_begin, '\0');
  MLTRACK_RETURN_IF_ERROR(segment::ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_ + probe.byte_begin, path_));
  const std::optional<bool> found = ids_.Match(bytes, probe, key);
  if (!found) {
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(ids_offset_ + probe.byte_begin) +
                              ": id section bytes out of order (the file changed since it was opened)");
  }
  return *found;
}

}  // namespace mltrack::store
