#include "store/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "store/crc32c.h"
#include "store/segment_format.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

using segment::ChunkKind;

constexpr size_t kSparseStep = 64;
constexpr size_t kIdBytes = 16;

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

IdKey DecodeId(const char* bytes) {
  return IdKey{segment::DecodeFixed64(bytes), segment::DecodeFixed64(bytes + 8)};
}

bool IdLess(const IdKey& a, const IdKey& b) { return a.high != b.high ? a.high < b.high : a.low < b.low; }

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
  Status status = segment->Load(dictionaries, &offset);
  if (!status.ok()) {
    if (corrupt_offset != nullptr) *corrupt_offset = offset;
    return status;
  }
  return segment;
}

Status Segment::Load(const DictionarySet& dictionaries, uint64_t* corrupt_offset) {
  struct stat info;
  if (::fstat(fd_, &info) != 0) return ErrnoToStatus(errno, "stat " + path_.string());
  file_bytes_ = static_cast<uint64_t>(info.st_size);
  std::string file(file_bytes_, '\0');
  MLTRACK_RETURN_IF_ERROR(ReadAt(fd_, file.data(), file.size(), 0, path_));

  auto corrupt = [&](uint64_t offset, const std::string& what) {
    *corrupt_offset = offset;
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(offset) + ": " + what);
  };
  if (file.size() < segment::kHeaderMagic.size() + segment::kTrailerSize) return corrupt(0, "file too short");
  if (std::string_view(file).substr(0, 8) != segment::kHeaderMagic) return corrupt(0, "bad header magic");
  const size_t trailer = file.size() - segment::kTrailerSize;
  if (std::string_view(file).substr(trailer + 16, 8) != segment::kTrailerMagic) {
    return corrupt(trailer + 16, "bad trailer magic");
  }
  const uint64_t footer_offset = segment::DecodeFixed64(file.data() + trailer);
  const uint32_t footer_size = wal::DecodeFixed32(file.data() + trailer + 8);
  const uint32_t footer_crc = wal::DecodeFixed32(file.data() + trailer + 12);
  if (footer_offset < 8 || footer_offset > trailer || trailer - footer_offset != footer_size) {
    return corrupt(trailer, "footer position out of range");
  }
  std::string_view footer(file.data() + footer_offset, footer_size);
  if (crc32c::Unmask(footer_crc) != crc32c::Value(footer)) return corrupt(footer_offset, "footer checksum mismatch");

  segment::FooterReader reader(footer);
  auto bad_footer = [&](const std::string& what) { return corrupt(footer_offset + reader.position(), what); };
  uint8_t version = 0;
  uint64_t wal_seq = 0;
  if (!reader.GetByte(&version) || version != segment::kFooterVersion) return bad_footer("unknown footer version");
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
    const Dictionary* dictionary = field < kFieldIdCount ? dictionaries.field(static_cast<FieldId>(field)) : nullptr;
    if (dictionary == nullptr) return bad_footer("dictionary of an unknown field");
    if (need > dictionary->size()) {
      return bad_footer("needs " + std::to_string(need) + " entries of the " +
                        std::string(GetFieldInfo(static_cast<FieldId>(field)).name) + " dictionary, which has " +
                        std::to_string(dictionary->size()));
    }
  }
  uint64_t tag_keys = 0;
  if (!reader.GetVarint(&tag_keys)) return bad_footer("truncated footer");
  if (tag_keys > dictionaries.tag_keys().size()) return bad_footer("needs tag keys the dictionary lacks");
  for (uint64_t key_index = 0; key_index < tag_keys; ++key_index) {
    uint64_t need = 0;
    if (!reader.GetVarint(&need)) return bad_footer("truncated footer");
    const Dictionary* values = dictionaries.FindTagValues(key_index);
    if (need > 0 && (values == nullptr || need > values->size())) return bad_footer("needs tag values the dictionary lacks");
  }
  uint64_t score_names = 0;
  if (!reader.GetVarint(&score_names)) return bad_footer("truncated footer");
  if (score_names > dictionaries.score_names().size()) return bad_footer("needs score names the dictionary lacks");

  uint64_t block_count = 0;
  if (!reader.GetVarint(&block_count) || block_count > rows_ + 1) return bad_footer("bad block count");

  // First pass: parse and check every chunk reference; size the arena.
  struct ColumnRef {
    ChunkKind kind;
    uint64_t index;
    uint8_t width;
    int64_t base;
    uint8_t scale_digits;
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
        column_count > 4096) {
      return bad_footer("bad block header");
    }
    total_rows += block.rows;
    block.columns.resize(column_count);
    bool has_ts = false;
    for (ColumnRef& column : block.columns) {
      uint8_t kind = 0;
      if (!reader.GetByte(&kind) || !reader.GetVarint(&column.index) || !reader.GetByte(&column.width) ||
          !reader.GetSigned(&column.base) || !reader.GetByte(&column.scale_digits) ||
          !ReadChunkRef(reader, &column.chunk)) {
        return bad_footer("truncated column entry");
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
      if (column.chunk.raw != block.rows * column.width) return bad_footer("chunk size does not match its rows");
      if (column.chunk.offset < 8 || column.chunk.offset > footer_offset ||
          column.chunk.stored > footer_offset - column.chunk.offset) {
        return bad_footer("chunk out of range");
      }
      // ts decodes to int64; other columns keep their width.
      const size_t bytes = column.kind == ChunkKind::kTs ? block.rows * 8 : column.chunk.raw;
      arena_words += (bytes + 7) / 8;
    }
    if (!has_ts) return bad_footer("block without ts");
  }
  if (total_rows != rows_) return bad_footer("block rows do not add up");
  uint64_t id_count = 0;
  ChunkRef ids;
  ids.raw = 0;
  if (!reader.GetVarint(&id_count) || !reader.GetVarint(&ids.offset) || !reader.GetVarint(&ids.stored) ||
      !reader.GetFixed32(&ids.crc) || !reader.at_end()) {
    return bad_footer("bad id section entry");
  }
  if (ids.stored != id_count * kIdBytes || ids.offset > footer_offset || ids.stored > footer_offset - ids.offset) {
    return bad_footer("id section out of range");
  }

  // Second pass: verify and decode every chunk into the arena.
  arena_.reset(new uint64_t[std::max<size_t>(arena_words, 1)]);
  arena_bytes_ = arena_words * 8;
  char* cursor = reinterpret_cast<char*>(arena_.get());
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string scratch;
  Status status;
  blocks_.reserve(block_refs.size());
  for (const BlockRef& ref : block_refs) {
    ColumnBlock block;
    block.rows = ref.rows;
    block.min_ts = ref.min_ts;
    block.max_ts = ref.max_ts;
    for (const ColumnRef& column : ref.columns) {
      std::string_view stored(file.data() + column.chunk.offset, column.chunk.stored);
      if (crc32c::Unmask(column.chunk.crc) != crc32c::Value(stored)) {
        status = corrupt(column.chunk.offset, "column chunk checksum mismatch");
        break;
      }
      char* target = cursor;
      if (column.kind == ChunkKind::kTs) {
        scratch.resize(column.chunk.raw);
        target = scratch.data();
      }
      size_t size = ZSTD_decompressDCtx(dctx, target, column.chunk.raw, stored.data(), stored.size());
      if (ZSTD_isError(size) || size != column.chunk.raw) {
        status = corrupt(column.chunk.offset, "column chunk does not decompress to its size");
        break;
      }
      ColumnData data;
      data.data = cursor;
      data.width = column.width;
      data.base = column.base;
      if (column.kind == ChunkKind::kTs) {
        int64_t* ts = reinterpret_cast<int64_t*>(cursor);
        int64_t value = column.base;
        for (size_t row = 0; row < ref.rows; ++row) {
          uint64_t delta = 0;
          std::memcpy(&delta, scratch.data() + row * column.width, column.width);
          value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(segment::UnZigZag(delta)));
          ts[row] = value;
        }
        block.ts = ts;
        cursor += ref.rows * 8;
        continue;
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
          if (block.tags.size() <= column.index) block.tags.resize(column.index + 1);
          block.tags[column.index] = data;
          break;
        case ChunkKind::kScore:
          data.scale = column.scale_digits == segment::kRawDoubles ? 0 : Pow10(column.scale_digits);
          if ((data.scale == 0) != (column.width == 8)) status = corrupt(footer_offset, "double layout mismatch");
          if (block.scores.size() <= column.index) block.scores.resize(column.index + 1);
          block.scores[column.index] = data;
          break;
        default:
          break;
      }
      if (!status.ok()) break;
    }
    if (!status.ok()) break;
    blocks_.push_back(std::move(block));
  }
  ZSTD_freeDCtx(dctx);
  if (!status.ok()) return status;

  // Ids: verify the section and sample its sparse index.
  std::string_view id_bytes(file.data() + ids.offset, ids.stored);
  if (crc32c::Unmask(ids.crc) != crc32c::Value(id_bytes)) return corrupt(ids.offset, "id section checksum mismatch");
  ids_offset_ = ids.offset;
  id_count_ = id_count;
  ids_crc_ = ids.crc;
  sparse_high_.reserve(id_count / kSparseStep + 1);
  for (size_t idx = 0; idx < id_count; idx += kSparseStep) {
    sparse_high_.push_back(segment::DecodeFixed64(id_bytes.data() + idx * kIdBytes + 8));
  }
  return Status::OK();
}

size_t Segment::MemoryBytes() const {
  return arena_bytes_ + sparse_high_.size() * sizeof(uint64_t) + blocks_.size() * sizeof(ColumnBlock);
}

Status Segment::ReadIds(std::vector<IdKey>* out) const {
  std::string bytes(id_count_ * kIdBytes, '\0');
  MLTRACK_RETURN_IF_ERROR(ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_, path_));
  if (crc32c::Unmask(ids_crc_) != crc32c::Value(bytes)) {
    return Status::Corruption("segment " + path_.string() + " at byte " + std::to_string(ids_offset_) +
                              ": id section checksum mismatch");
  }
  out->reserve(out->size() + id_count_);
  for (size_t idx = 0; idx < id_count_; ++idx) out->push_back(DecodeId(bytes.data() + idx * kIdBytes));
  return Status::OK();
}

Result<bool> Segment::ContainsId(const IdKey& key) const {
  if (id_count_ == 0) return false;
  // The run of ids whose sampled high word brackets key.high.
  auto upper = std::upper_bound(sparse_high_.begin(), sparse_high_.end(), key.high);
  auto lower = std::lower_bound(sparse_high_.begin(), sparse_high_.end(), key.high);
  size_t first_sample = lower == sparse_high_.begin() ? 0 : static_cast<size_t>(lower - sparse_high_.begin()) - 1;
  size_t end_sample = static_cast<size_t>(upper - sparse_high_.begin());
  size_t begin = first_sample * kSparseStep;
  size_t end = std::min(id_count_, end_sample * kSparseStep + 1);
  if (begin >= end) return false;
  std::string bytes((end - begin) * kIdBytes, '\0');
  MLTRACK_RETURN_IF_ERROR(ReadAt(fd_, bytes.data(), bytes.size(), ids_offset_ + begin * kIdBytes, path_));
  size_t low = 0;
  size_t high = end - begin;
  while (low < high) {
    size_t mid = (low + high) / 2;
    IdKey probe = DecodeId(bytes.data() + mid * kIdBytes);
    if (probe == key) return true;
    if (IdLess(probe, key)) low = mid + 1;
    else high = mid;
  }
  return false;
}

}  // namespace mltrack::store
