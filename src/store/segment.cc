#include "store/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/crc32c.h"
#include "store/block_slices.h"
#include "store/segment_format.h"
#include "store/segment_ids.h"
#include "store/segment_strings.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

using segment::ChunkKind;

Status ReadAt(int fd, char* out, size_t size, uint64_t offset, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "read " + path.string());
    }
    if (got == 0) return Status::Corruption("segment " + path.string() + " ends early at byte " + std::to_string(offset + done));
    done += static_cast<size_t>(got);
  }
  return Status::OK();
}

struct ChunkRef {
  uint64_t offset = 0;
  uint64_t stored = 0;
  uint64_t raw = 0;
  uint32_t crc = 0;
};

bool ReadChunkRef(segment::FooterReader& reader, ChunkRef* ref) {
  return reader.GetVarint(&ref->offset) && reader.GetVarint(&ref->stored) && reader.GetVarint(&ref->raw) &&
         reader.GetFixed32(&ref->crc);
}

// Whether a column holds the segment-local ids of a local string field (version 3).
bool IsLocalColumn(uint8_t version, ChunkKind kind, uint64_t index) {
  return version >= 3 && kind == ChunkKind::kField && index < kFieldIdCount &&
         IsLocalStringField(static_cast<FieldId>(index));
}

// Whether a block's ts fit uint32 offsets from its min_ts (ColumnBlock::ts_offsets).
bool NarrowTs(int64_t min_ts, int64_t max_ts) {
  return min_ts <= max_ts &&
         static_cast<uint64_t>(max_ts) - static_cast<uint64_t>(min_ts) <= std::numeric_limits<uint32_t>::max();
}

int64_t MtimeNs(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

double Pow10(uint8_t digits) {
  double scale = 1;
  for (uint8_t digit = 0; digit < digits; ++digit) scale *= 10;
  return scale;
}

}  // namespace

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

Status Segment::AttachSummaries(std::string_view bytes, const std::string_view* slice_bytes,
                                const std::string_view* filter_bytes, uint64_t tag_keys, uint64_t footer_offset,
                                uint64_t* corrupt_offset) {
  std::vector<uint32_t> block_rows;
  for (const ColumnBlock& block : blocks_) block_rows.push_back(static_cast<uint32_t>(block.rows));
  bool ok = DecodeBlockSummaries(bytes, block_rows, tag_keys, &summaries_);
  for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
    ok = SummaryMatchesBlock(summaries_[block_idx], blocks_[block_idx]);
    blocks_[block_idx].summary = &summaries_[block_idx];
  }
  // Version 4: each block's value slices (block_slices.h), checked against its summary.
  if (ok && slice_bytes != nullptr) {
    segment::FooterReader reader(*slice_bytes);
    for (size_t block_idx = 0; ok && block_idx < blocks_.size(); ++block_idx) {
      ok = DecodeSlices(reader, tag_keys, blocks_[block_idx].min_ts, blocks_[block_idx].max_ts, &summaries_[block_idx]);
    }
    ok = ok && reader.at_end();
  }
  // Version 4: each block's string filters (string_filter.h): one per local string field the
  // block stores, ascending by field.
  if (ok && filter_bytes != nullptr) {
    segment::FooterReader reader(*filter_bytes);
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
             filter.Decode(reader);
        if (ok) summary.string_filters.emplace_back(static_cast<FieldId>(field), std::move(filter));
      }
    }
    ok = ok && reader.at_end();
  }
  if (ok) return Status::OK();
  summaries_.clear();
  *corrupt_offset = footer_offset;
  return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(footer_offset) +
                            ": block summaries do not match the blocks");
}

Status Segment::Load(const DictionarySet* dictionaries, uint64_t* corrupt_offset) {
  struct stat info;
  if (::fstat(fd_, &info) != 0) return ErrnoToStatus(errno, "stat " + path_.string());
  file_bytes_ = static_cast<uint64_t>(info.st_size);
  file_mtime_ns_ = MtimeNs(info);
  // Read with pread, part by part (trailer, footer, each chunk into one reused buffer), never
  // mapped: a file truncated or replaced while it is read then gives a short read, reported as
  // damage, instead of a SIGBUS that would kill the server.
  auto corrupt = [&](uint64_t offset, const std::string& what) {
    *corrupt_offset = offset;
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(offset) + ": " + what);
  };
  auto read = [&](uint64_t offset, uint64_t size, std::string* out) -> Status {
    out->resize(size);
    Status status = ReadAt(fd_, out->data(), size, offset, path_);
    if (status.code() == StatusCode::kCorruption) *corrupt_offset = offset;
    return status;
  };
  if (file_bytes_ < segment::kHeaderMagic.size() + segment::kTrailerSize) return corrupt(0, "file too short");
  std::string header;
  MLTRACK_RETURN_IF_ERROR(read(0, segment::kHeaderMagic.size(), &header));
  if (header != segment::kHeaderMagic) return corrupt(0, "bad header magic");
  const uint64_t trailer = file_bytes_ - segment::kTrailerSize;
  std::string trailer_bytes;
  MLTRACK_RETURN_IF_ERROR(read(trailer, segment::kTrailerSize, &trailer_bytes));
  if (std::string_view(trailer_bytes).substr(16, 8) != segment::kTrailerMagic) {
    return corrupt(trailer + 16, "bad trailer magic");
  }
  const uint64_t footer_offset = segment::DecodeFixed64(trailer_bytes.data());
  const uint32_t footer_size = wal::DecodeFixed32(trailer_bytes.data() + 8);
  const uint32_t footer_crc = wal::DecodeFixed32(trailer_bytes.data() + 12);
  if (footer_offset < 8 || footer_offset > trailer || trailer - footer_offset != footer_size) {
    return corrupt(trailer, "footer position out of range");
  }
  std::string footer_bytes;
  MLTRACK_RETURN_IF_ERROR(read(footer_offset, footer_size, &footer_bytes));
  const std::string_view footer(footer_bytes);
  if (crc32c::Unmask(footer_crc) != crc32c::Value(footer)) return corrupt(footer_offset, "footer checksum mismatch");

  segment::FooterReader reader(footer);
  auto bad_footer = [&](const std::string& what) { return corrupt(footer_offset + reader.position(), what); };
  uint8_t version = 0;
  uint64_t wal_seq = 0;
  if (!reader.GetByte(&version) || version < 1 || version > segment::kFooterVersion) {
    return bad_footer("unknown footer version");
  }
  if (!reader.GetVarint(&rows_) || !reader.GetSigned(&min_ts_) || !reader.GetSigned(&max_ts_) ||
      !reader.GetVarint(&wal_seq)) {
    return bad_footer("truncated footer");
  }
  // Dictionary needs: every id the segment references must resolve.
  uint64_t string_fields = 0;
  if (!reader.GetVarint(&string_fields)) return bad_footer("truncated footer");
  for (uint64_t idx = 0; idx < string_fields; ++idx) {
    uint8_t field = 0;
    uint64_t need = 0;
    if (!reader.GetByte(&field) || !reader.GetVarint(&need)) return bad_footer("truncated footer");
    needs_.push_back({DictionaryNeed::Kind::kField, field, need, footer_offset + reader.position()});
  }
  uint64_t tag_keys = 0;
  if (!reader.GetVarint(&tag_keys)) return bad_footer("truncated footer");
  needs_.push_back({DictionaryNeed::Kind::kTagKeys, 0, tag_keys, footer_offset + reader.position()});
  for (uint64_t key_index = 0; key_index < tag_keys; ++key_index) {
    uint64_t need = 0;
    if (!reader.GetVarint(&need)) return bad_footer("truncated footer");
    // Keys the segment does not use need nothing (and cost nothing to remember).
    if (need > 0) needs_.push_back({DictionaryNeed::Kind::kTagValues, key_index, need, footer_offset + reader.position()});
  }
  uint64_t score_names = 0;
  if (!reader.GetVarint(&score_names)) return bad_footer("truncated footer");
  needs_.push_back({DictionaryNeed::Kind::kScoreNames, 0, score_names, footer_offset + reader.position()});
  if (dictionaries != nullptr) MLTRACK_RETURN_IF_ERROR(CheckDictionaries(*dictionaries, corrupt_offset));
  // Local string tables (version 3).
  std::array<std::shared_ptr<SegmentStrings>, kFieldIdCount> local_strings{};
  uint64_t local_tables = 0;
  if (version >= 3 && !reader.GetVarint(&local_tables)) return bad_footer("truncated footer");
  for (uint64_t table = 0; table < local_tables; ++table) {
    uint8_t field = 0;
    uint64_t count = 0;
    ChunkRef chunk;
    if (!reader.GetByte(&field) || !reader.GetVarint(&count) || !ReadChunkRef(reader, &chunk)) {
      return bad_footer("truncated local string table entry");
    }
    if (field >= kFieldIdCount || !IsLocalStringField(static_cast<FieldId>(field)) || local_strings[field]) {
      return bad_footer("bad local string table field");
    }
    if (chunk.offset < 8 || chunk.offset > footer_offset || chunk.stored > footer_offset - chunk.offset) {
      return bad_footer("local string table out of range");
    }
    std::string stored;
    MLTRACK_RETURN_IF_ERROR(read(chunk.offset, chunk.stored, &stored));
    if (crc32c::Unmask(chunk.crc) != crc32c::Value(stored)) {
      return corrupt(chunk.offset, "local string table checksum mismatch");
    }
    Result<std::shared_ptr<SegmentStrings>> strings = SegmentStrings::Open(std::move(stored), count, chunk.raw);
    if (!strings.ok()) return corrupt(chunk.offset, strings.status().message());
    local_strings[field] = std::move(strings).value();
  }

  uint64_t block_count = 0;
  if (!reader.GetVarint(&block_count) || block_count > rows_ + 1) return bad_footer("bad block count");

  // First pass: parse and check every chunk reference; size the arena.
  struct ColumnRef {
    ChunkKind kind;
    uint64_t index;
    uint8_t width;
    int64_t base;
    uint8_t scale_digits;
    bool sparse;
    uint64_t sparse_count;
    uint64_t exception_count;
    ChunkRef chunk;
  };
  struct BlockRef {
    uint64_t rows;
    int64_t min_ts;
    int64_t max_ts;
    std::vector<ColumnRef> columns;
  };
  std::vector<BlockRef> block_refs(block_count);
  size_t arena_words = 0;
  uint64_t total_rows = 0;
  for (BlockRef& block : block_refs) {
    uint64_t column_count = 0;
    if (!reader.GetVarint(&block.rows) || !reader.GetSigned(&block.min_ts) || !reader.GetSigned(&block.max_ts) ||
        !reader.GetVarint(&column_count) || block.rows == 0 || block.rows > segment::kBlockRows ||
        column_count > 1 + kFieldIdCount + tag_keys + score_names) {
      return bad_footer("bad block header");
    }
    total_rows += block.rows;
    block.columns.resize(column_count);
    bool has_ts = false;
    for (ColumnRef& column : block.columns) {
      uint8_t kind = 0;
      if (!reader.GetByte(&kind) || !reader.GetVarint(&column.index) || !reader.GetByte(&column.width)) {
        return bad_footer("truncated column entry");
      }
      column.sparse = version >= 2 && (column.width & segment::kSparseFlag) != 0;
      const bool has_exceptions = version >= 2 && (column.width & segment::kExceptionsFlag) != 0;
      if (version >= 2) column.width &= static_cast<uint8_t>(~(segment::kSparseFlag | segment::kExceptionsFlag));
      column.sparse_count = 0;
      column.exception_count = 0;
      if ((column.sparse && !reader.GetVarint(&column.sparse_count)) ||
          (has_exceptions && !reader.GetVarint(&column.exception_count)) || !reader.GetSigned(&column.base) ||
          !reader.GetByte(&column.scale_digits) || !ReadChunkRef(reader, &column.chunk)) {
        return bad_footer("truncated column entry");
      }
      if (has_exceptions && (column.width == 8 || column.exception_count == 0 || column.exception_count > block.rows ||
                             column.scale_digits == segment::kRawDoubles ||
                             (kind != static_cast<uint8_t>(ChunkKind::kScore) &&
                              !(kind == static_cast<uint8_t>(ChunkKind::kField) && column.index < kFieldIdCount &&
                                GetFieldInfo(static_cast<FieldId>(column.index)).kind == FieldKind::kDouble)))) {
        return bad_footer("bad exceptions");
      }
      if (column.sparse && (column.width == 8 || kind == static_cast<uint8_t>(ChunkKind::kTs) ||
                            column.sparse_count > block.rows)) {
        return bad_footer("bad sparse column");
      }
      column.kind = static_cast<ChunkKind>(kind);
      const bool width_ok = column.width == 1 || column.width == 2 || column.width == 4 || column.width == 8;
      if (kind > static_cast<uint8_t>(ChunkKind::kScore) || !width_ok) return bad_footer("bad column layout");
      if (column.kind == ChunkKind::kTs) has_ts = true;
      if (column.kind == ChunkKind::kField && (column.index >= kFieldIdCount)) return bad_footer("bad column field");
      if (column.kind == ChunkKind::kTag && column.index >= tag_keys) return bad_footer("tag column past the tag keys");
      if (column.kind == ChunkKind::kScore && column.index >= score_names) return bad_footer("score column past the score names");
      if (column.scale_digits != segment::kRawDoubles && column.scale_digits > segment::kMaxScaleDigits) {
        return bad_footer("bad scale");
      }
      uint64_t expected_raw = column.sparse ? segment::SparseChunkSize(column.sparse_count, column.width)
                                            : block.rows * column.width;
      if (column.exception_count > 0) expected_raw = (expected_raw + 7) / 8 * 8 + column.exception_count * 10;
      if (column.chunk.raw != expected_raw) return bad_footer("chunk size does not match its rows");
      if (column.chunk.offset < 8 || column.chunk.offset > footer_offset ||
          column.chunk.stored > footer_offset - column.chunk.offset) {
        return bad_footer("chunk out of range");
      }
      // ts decodes to uint32 offsets from the block's min_ts (int64 when the block spans 2^32 ms
      // or more); other columns keep their width.
      const size_t bytes = column.kind == ChunkKind::kTs ? block.rows * (NarrowTs(block.min_ts, block.max_ts) ? 4 : 8)
                                                         : column.chunk.raw;
      if (!IsLocalColumn(version, column.kind, column.index)) arena_words += (bytes + 7) / 8;  // else packed
    }
    if (!has_ts) return bad_footer("block without ts");
  }
  if (total_rows != rows_) return bad_footer("block rows do not add up");
  uint64_t id_count = 0;
  ChunkRef ids;
  ids.raw = 0;
  if (!reader.GetVarint(&id_count) || !reader.GetVarint(&ids.offset) || !reader.GetVarint(&ids.stored) ||
      !reader.GetFixed32(&ids.crc)) {
    return bad_footer("bad id section entry");
  }
  std::string_view summary_bytes;
  if (version >= 3 && !reader.GetBytes(&summary_bytes)) return bad_footer("bad block summaries");
  std::string_view slice_bytes;
  if (version >= 4 && !reader.GetBytes(&slice_bytes)) return bad_footer("bad value slices");
  std::string_view filter_bytes;
  if (version >= 4 && !reader.GetBytes(&filter_bytes)) return bad_footer("bad string filters");
  if (!reader.at_end()) return bad_footer("bytes after the footer's last section");
  if (id_count > UINT32_MAX || ids.stored != segment::IdSection::SizeFor(version, id_count) ||
      ids.offset > footer_offset || ids.stored > footer_offset - ids.offset) {
    return bad_footer("id section out of range");
  }

  // Second pass: verify and decode every chunk into the arena.
  arena_.reset(new uint64_t[std::max<size_t>(arena_words, 1)]);
  arena_bytes_ = arena_words * 8;
  char* cursor = reinterpret_cast<char*>(arena_.get());
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string chunk_bytes;
  std::string scratch;
  std::string planes;
  Status status;
  blocks_.reserve(block_refs.size());
  // The blocks' segment_id (table_snapshot.h): unique per opened Segment in this process.
  static std::atomic<uint64_t> next_segment_id{1};
  const uint64_t segment_id = next_segment_id.fetch_add(1, std::memory_order_relaxed);
  for (const BlockRef& ref : block_refs) {
    ColumnBlock block;
    block.segment_id = segment_id;
    block.rows = ref.rows;
    block.min_ts = ref.min_ts;
    block.max_ts = ref.max_ts;
    for (const ColumnRef& column : ref.columns) {
      status = read(column.chunk.offset, column.chunk.stored, &chunk_bytes);
      if (!status.ok()) break;
      const std::string_view stored(chunk_bytes);
      if (crc32c::Unmask(column.chunk.crc) != crc32c::Value(stored)) {
        status = corrupt(column.chunk.offset, "column chunk checksum mismatch");
        break;
      }
      if (IsLocalColumn(version, column.kind, column.index)) {
        // Local ids stay compressed until a query or compaction reads them (PackedIds).
        const SegmentStrings* strings = local_strings[column.index].get();
        if (strings == nullptr || column.width == 8 || column.exception_count > 0) {
          status = corrupt(column.chunk.offset, "local id column without its string table");
          break;
        }
        Result<std::shared_ptr<PackedIds>> packed = PackedIds::Open(
            std::string(stored),
            {ref.rows, column.width, column.base, column.sparse, column.sparse_count, column.chunk.raw},
            strings->size());
        if (!packed.ok()) {
          status = corrupt(column.chunk.offset, packed.status().message());
          break;
        }
        const FieldId field = static_cast<FieldId>(column.index);
        local_columns_.push_back({blocks_.size(), field, ColumnData{}, local_strings[column.index], *packed});
        continue;
      }
      char* target = cursor;
      if (column.kind == ChunkKind::kTs) {
        scratch.resize(column.chunk.raw);
        target = scratch.data();
      }
      // Version 3 stores the values of a column wider than a byte as byte planes.
      const size_t planar = version >= 3 && column.width > 1
                                ? (column.sparse ? column.sparse_count : ref.rows) * column.width
                                : 0;
      if (planar > 0) planes.resize(column.chunk.raw);
      size_t size = ZSTD_decompressDCtx(dctx, planar > 0 ? planes.data() : target, column.chunk.raw, stored.data(),
                                        stored.size());
      if (ZSTD_isError(size) || size != column.chunk.raw) {
        status = corrupt(column.chunk.offset, "column chunk does not decompress to its size");
        break;
      }
      if (planar > 0) {
        segment::JoinBytePlanes(planes.data(), planar / column.width, column.width, target);
        std::memcpy(target + planar, planes.data() + planar, column.chunk.raw - planar);
      }
      ColumnData data;
      data.data = cursor;
      data.width = column.width;
      data.base = column.base;
      if (column.kind == ChunkKind::kTs) {
        const bool narrow = NarrowTs(ref.min_ts, ref.max_ts);
        auto* ts = reinterpret_cast<int64_t*>(cursor);
        auto* offsets = reinterpret_cast<uint32_t*>(cursor);
        int64_t value = column.base;
        for (size_t row = 0; row < ref.rows; ++row) {
          uint64_t delta = 0;
          std::memcpy(&delta, scratch.data() + row * column.width, column.width);
          value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(segment::UnZigZag(delta)));
          if (value < ref.min_ts || value > ref.max_ts) {
            status = corrupt(column.chunk.offset, "ts outside the block's zone map");
            break;
          }
          if (narrow) offsets[row] = static_cast<uint32_t>(value - ref.min_ts);
          else ts[row] = value;
        }
        if (!status.ok()) break;
        block.ts = narrow ? nullptr : ts;
        block.ts_offsets = narrow ? offsets : nullptr;
        cursor += (ref.rows * (narrow ? 4 : 8) + 7) / 8 * 8;
        continue;
      }
      if (column.exception_count > 0) {
        const uint64_t values_end = column.chunk.raw - column.exception_count * 10;
        data.exception_count = static_cast<uint32_t>(column.exception_count);
        data.exception_values = reinterpret_cast<const double*>(cursor + values_end);
        data.exception_rows = reinterpret_cast<const uint16_t*>(cursor + values_end + column.exception_count * 8);
        for (uint64_t idx = 0; idx < column.exception_count; ++idx) {
          if (data.exception_rows[idx] >= ref.rows || (idx > 0 && data.exception_rows[idx] <= data.exception_rows[idx - 1])) {
            status = corrupt(column.chunk.offset, "exception rows out of order");
            break;
          }
        }
        if (!status.ok()) break;
      }
      if (column.sparse) {
        const uint64_t sparse_end = segment::SparseChunkSize(column.sparse_count, column.width);
        const auto* listed = reinterpret_cast<const uint16_t*>(
            cursor + (sparse_end - column.sparse_count * sizeof(uint16_t)));
        for (uint64_t idx = 0; idx < column.sparse_count; ++idx) {
          if (listed[idx] >= ref.rows || (idx > 0 && listed[idx] <= listed[idx - 1])) {
            status = corrupt(column.chunk.offset, "sparse column rows out of order");
            break;
          }
        }
        if (!status.ok()) break;
        data.sparse_rows = listed;
        data.sparse_count = static_cast<uint32_t>(column.sparse_count);
      }
      cursor += (column.chunk.raw + 7) / 8 * 8;
      const FieldId field = static_cast<FieldId>(column.index);
      switch (column.kind) {
        case ChunkKind::kField: {
          const FieldKind kind = GetFieldInfo(field).kind;
          if (kind == FieldKind::kDouble) {
            data.scale = column.scale_digits == segment::kRawDoubles ? 0 : Pow10(column.scale_digits);
            if ((data.scale == 0) != (column.width == 8)) status = corrupt(footer_offset, "double layout mismatch");
          } else if ((kind == FieldKind::kEnum || kind == FieldKind::kBool) && column.width != 1) {
            status = corrupt(footer_offset, "enum column wider than a byte");
          } else if ((kind == FieldKind::kString || field == FieldId::kHttpStatus) && column.width == 8) {
            status = corrupt(footer_offset, "id column in raw layout");
          }
          block.columns[column.index] = data;
          break;
        }
        case ChunkKind::kTag:
          if (column.width == 8) status = corrupt(footer_offset, "tag column in raw layout");
          block.tags.push_back({static_cast<uint32_t>(column.index), data});
          break;
        case ChunkKind::kScore:
          data.scale = column.scale_digits == segment::kRawDoubles ? 0 : Pow10(column.scale_digits);
          if ((data.scale == 0) != (column.width == 8)) status = corrupt(footer_offset, "double layout mismatch");
          block.scores.push_back({static_cast<uint32_t>(column.index), data});
          break;
        default:
          break;
      }
      if (!status.ok()) break;
    }
    if (!status.ok()) break;
    // Listed ascending by the writer; a repeated key is damage.
    for (std::vector<KeyedColumn>* keyed : {&block.tags, &block.scores}) {
      std::sort(keyed->begin(), keyed->end(), [](const KeyedColumn& a, const KeyedColumn& b) { return a.index < b.index; });
      for (size_t idx = 1; idx < keyed->size(); ++idx) {
        if ((*keyed)[idx].index == (*keyed)[idx - 1].index) status = corrupt(footer_offset, "a tag or score column listed twice");
      }
    }
    if (!status.ok()) break;
    blocks_.push_back(std::move(block));
  }
  ZSTD_freeDCtx(dctx);
  if (!status.ok()) return status;
  for (size_t field = 0; field < kFieldIdCount; ++field) local_strings_[field] = std::move(local_strings[field]);
  if (version >= 3) {
    MLTRACK_RETURN_IF_ERROR(AttachSummaries(summary_bytes, version >= 4 ? &slice_bytes : nullptr,
                                            version >= 4 ? &filter_bytes : nullptr, tag_keys, footer_offset,
                                            corrupt_offset));
  }

  // Ids: verify the section and sample its sparse index.
  std::string id_bytes;
  MLTRACK_RETURN_IF_ERROR(read(ids.offset, ids.stored, &id_bytes));
  if (crc32c::Unmask(ids.crc) != crc32c::Value(id_bytes)) return corrupt(ids.offset, "id section checksum mismatch");
  ids_offset_ = ids.offset;
  ids_size_ = ids.stored;
  ids_crc_ = ids.crc;
  if (!ids_.Init(version, id_count, id_bytes)) return corrupt(ids.offset, "id section directory is inconsistent");
  return Status::OK();
}

size_t Segment::MemoryBytes() const {
  size_t bytes = arena_bytes_ + ids_.MemoryBytes() + blocks_.size() * sizeof(ColumnBlock);
  for (const auto& strings : local_strings_) {
    if (strings) bytes += strings->MemoryBytes();
  }
  for (const LocalColumn& local : local_columns_) bytes += local.packed->MemoryBytes();
  for (const BlockSummary& summary : summaries_) bytes += summary.MemoryBytes();
  return bytes;
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
  MLTRACK_RETURN_IF_ERROR(ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_, path_));
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
  MLTRACK_RETURN_IF_ERROR(ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_ + probe.byte_begin, path_));
  const std::optional<bool> found = ids_.Match(bytes, probe, key);
  if (!found) {
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(ids_offset_ + probe.byte_begin) +
                              ": id section bytes out of order (the file changed since it was opened)");
  }
  return *found;
}

}  // namespace mltrack::store
