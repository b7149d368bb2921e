#include "store/segment_footer.h"

#include <unistd.h>

#include <cerrno>
#include <limits>

#include "core/crc32c.h"
#include "core/field.h"
#include "core/file_sync.h"
#include "store/local_strings.h"
#include "store/segment_ids.h"

namespace mltrack::store::segment {
namespace {

bool ReadChunkRef(FooterReader& reader, ChunkRef* ref) {
  return reader.GetVarint(&ref->offset) && reader.GetVarint(&ref->stored) && reader.GetVarint(&ref->raw) &&
         reader.GetFixed32(&ref->crc);
}

bool IsScaledDoubleColumn(uint8_t kind, uint64_t index) {
  return kind == static_cast<uint8_t>(ChunkKind::kScore) ||
         (kind == static_cast<uint8_t>(ChunkKind::kField) && index < kFieldIdCount &&
          GetFieldInfo(static_cast<FieldId>(index)).kind == FieldKind::kDouble);
}

// The decoding state: the reader, the footer's file offset and the first damage found.
struct Decoder {
  FooterReader reader;
  uint64_t footer_offset;
  Damage* damage;

  bool Bad(const std::string& what) {
    *damage = {footer_offset + reader.position(), what};
    return false;
  }
  // The footer's byte that a need was read up to (what CheckDictionaries reports).
  uint64_t Here() const { return footer_offset + reader.position(); }
};

bool DecodeNeeds(Decoder& dec, Footer* out) {
  FooterReader& reader = dec.reader;
  uint64_t string_fields = 0;
  if (!reader.GetVarint(&string_fields)) return dec.Bad("truncated footer");
  for (uint64_t idx = 0; idx < string_fields; ++idx) {
    uint8_t field = 0;
    uint64_t need = 0;
    if (!reader.GetByte(&field) || !reader.GetVarint(&need)) return dec.Bad("truncated footer");
    out->needs.push_back({DictionaryNeed::Kind::kField, field, need, dec.Here()});
  }
  if (!reader.GetVarint(&out->tag_keys)) return dec.Bad("truncated footer");
  out->needs.push_back({DictionaryNeed::Kind::kTagKeys, 0, out->tag_keys, dec.Here()});
  for (uint64_t key_index = 0; key_index < out->tag_keys; ++key_index) {
    uint64_t need = 0;
    if (!reader.GetVarint(&need)) return dec.Bad("truncated footer");
    // Keys the segment does not use need nothing (and cost nothing to remember).
    if (need > 0) out->needs.push_back({DictionaryNeed::Kind::kTagValues, key_index, need, dec.Here()});
  }
  if (!reader.GetVarint(&out->score_names)) return dec.Bad("truncated footer");
  out->needs.push_back({DictionaryNeed::Kind::kScoreNames, 0, out->score_names, dec.Here()});
  return true;
}

bool DecodeLocalTables(Decoder& dec, Footer* out) {
  uint64_t local_tables = 0;
  if (out->version >= 3 && !dec.reader.GetVarint(&local_tables)) return dec.Bad("truncated footer");
  bool seen[kFieldIdCount] = {};
  for (uint64_t table = 0; table < local_tables; ++table) {
    LocalTableRef ref;
    if (!dec.reader.GetByte(&ref.field) || !dec.reader.GetVarint(&ref.count) || !ReadChunkRef(dec.reader, &ref.chunk)) {
      return dec.Bad("truncated local string table entry");
    }
    if (ref.field >= kFieldIdCount || !IsLocalStringField(static_cast<FieldId>(ref.field)) || seen[ref.field]) {
      return dec.Bad("bad local string table field");
    }
    seen[ref.field] = true;
    if (ref.chunk.offset < 8 || ref.chunk.offset > dec.footer_offset ||
        ref.chunk.stored > dec.footer_offset - ref.chunk.offset) {
      return dec.Bad("local string table out of range");
    }
    out->local_tables.push_back(ref);
  }
  return true;
}

bool DecodeColumn(Decoder& dec, const Footer& footer, const BlockRef& block, ColumnRef* column) {
  FooterReader& reader = dec.reader;
  uint8_t kind = 0;
  if (!reader.GetByte(&kind) || !reader.GetVarint(&column->index) || !reader.GetByte(&column->width)) {
    return dec.Bad("truncated column entry");
  }
  const uint8_t version = footer.version;
  column->sparse = version >= 2 && (column->width & kSparseFlag) != 0;
  const bool has_exceptions = version >= 2 && (column->width & kExceptionsFlag) != 0;
  if (version >= 2) column->width &= static_cast<uint8_t>(~(kSparseFlag | kExceptionsFlag));
  if ((column->sparse && !reader.GetVarint(&column->sparse_count)) ||
      (has_exceptions && !reader.GetVarint(&column->exception_count)) || !reader.GetSigned(&column->base) ||
      !reader.GetByte(&column->scale_digits) || !ReadChunkRef(reader, &column->chunk)) {
    return dec.Bad("truncated column entry");
  }
  if (has_exceptions && (column->width == 8 || column->exception_count == 0 || column->exception_count > block.rows ||
                         column->scale_digits == kRawDoubles || !IsScaledDoubleColumn(kind, column->index))) {
    return dec.Bad("bad exceptions");
  }
  if (column->sparse &&
      (column->width == 8 || kind == static_cast<uint8_t>(ChunkKind::kTs) || column->sparse_count > block.rows)) {
    return dec.Bad("bad sparse column");
  }
  column->kind = static_cast<ChunkKind>(kind);
  const bool width_ok = column->width == 1 || column->width == 2 || column->width == 4 || column->width == 8;
  if (kind > static_cast<uint8_t>(ChunkKind::kScore) || !width_ok) return dec.Bad("bad column layout");
  if (column->kind == ChunkKind::kField && column->index >= kFieldIdCount) return dec.Bad("bad column field");
  if (column->kind == ChunkKind::kTag && column->index >= footer.tag_keys) return dec.Bad("tag column past the tag keys");
  if (column->kind == ChunkKind::kScore && column->index >= footer.score_names) {
    return dec.Bad("score column past the score names");
  }
  if (column->scale_digits != kRawDoubles && column->scale_digits > kMaxScaleDigits) return dec.Bad("bad scale");
  uint64_t expected_raw = column->sparse ? SparseChunkSize(column->sparse_count, column->width)
                                         : block.rows * column->width;
  if (column->exception_count > 0) expected_raw = (expected_raw + 7) / 8 * 8 + column->exception_count * 10;
  if (column->chunk.raw != expected_raw) return dec.Bad("chunk size does not match its rows");
  if (column->chunk.offset < 8 || column->chunk.offset > dec.footer_offset ||
      column->chunk.stored > dec.footer_offset - column->chunk.offset) {
    return dec.Bad("chunk out of range");
  }
  return true;
}

bool DecodeBlocks(Decoder& dec, Footer* out) {
  uint64_t block_count = 0;
  if (!dec.reader.GetVarint(&block_count) || block_count > out->rows + 1) return dec.Bad("bad block count");
  out->blocks.resize(block_count);
  uint64_t total_rows = 0;
  for (BlockRef& block : out->blocks) {
    uint64_t column_count = 0;
    if (!dec.reader.GetVarint(&block.rows) || !dec.reader.GetSigned(&block.min_ts) ||
        !dec.reader.GetSigned(&block.max_ts) || !dec.reader.GetVarint(&column_count) || block.rows == 0 ||
        block.rows > kBlockRows || column_count > 1 + kFieldIdCount + out->tag_keys + out->score_names) {
      return dec.Bad("bad block header");
    }
    total_rows += block.rows;
    block.columns.resize(column_count);
    bool has_ts = false;
    for (ColumnRef& column : block.columns) {
      if (!DecodeColumn(dec, *out, block, &column)) return false;
      if (column.kind == ChunkKind::kTs) has_ts = true;
    }
    if (!has_ts) return dec.Bad("block without ts");
  }
  if (total_rows != out->rows) return dec.Bad("block rows do not add up");
  return true;
}

}  // namespace

bool IsLocalColumn(uint8_t version, ChunkKind kind, uint64_t index) {
  return version >= 3 && kind == ChunkKind::kField && index < kFieldIdCount &&
         IsLocalStringField(static_cast<FieldId>(index));
}

bool NarrowTs(int64_t min_ts, int64_t max_ts) {
  return min_ts <= max_ts &&
         static_cast<uint64_t>(max_ts) - static_cast<uint64_t>(min_ts) <= std::numeric_limits<uint32_t>::max();
}

size_t DecodedBytes(const BlockRef& block, const ColumnRef& column) {
  if (column.kind != ChunkKind::kTs) return column.chunk.raw;
  return block.rows * (NarrowTs(block.min_ts, block.max_ts) ? 4 : 8);
}

bool DecodeTrailer(std::string_view bytes, uint64_t file_bytes, Trailer* trailer, Damage* damage) {
  const uint64_t at = file_bytes - kTrailerSize;
  if (bytes.size() != kTrailerSize || bytes.substr(16, 8) != kTrailerMagic) {
    *damage = {at + 16, "bad trailer magic"};
    return false;
  }
  trailer->footer_offset = DecodeFixed64(bytes.data());
  trailer->footer_size = wal::DecodeFixed32(bytes.data() + 8);
  trailer->footer_crc = wal::DecodeFixed32(bytes.data() + 12);
  if (trailer->footer_offset < 8 || trailer->footer_offset > at || at - trailer->footer_offset != trailer->footer_size) {
    *damage = {at, "footer position out of range"};
    return false;
  }
  return true;
}

bool DecodeFooter(std::string_view footer, uint64_t footer_offset, Footer* out, Damage* damage) {
  Decoder dec{FooterReader(footer), footer_offset, damage};
  FooterReader& reader = dec.reader;
  if (!reader.GetByte(&out->version) || out->version < 1 || out->version > kFooterVersion) {
    return dec.Bad("unknown footer version");
  }
  if (!reader.GetVarint(&out->rows) || !reader.GetSigned(&out->min_ts) || !reader.GetSigned(&out->max_ts) ||
      !reader.GetVarint(&out->wal_seq)) {
    return dec.Bad("truncated footer");
  }
  if (!DecodeNeeds(dec, out) || !DecodeLocalTables(dec, out) || !DecodeBlocks(dec, out)) return false;
  if (!reader.GetVarint(&out->id_count) || !reader.GetVarint(&out->ids.offset) ||
      !reader.GetVarint(&out->ids.stored) || !reader.GetFixed32(&out->ids.crc)) {
    return dec.Bad("bad id section entry");
  }
  if (out->version >= 3 && !reader.GetBytes(&out->summaries)) return dec.Bad("bad block summaries");
  if (out->version >= 4 && !reader.GetBytes(&out->slices)) return dec.Bad("bad value slices");
  if (out->version >= 4 && !reader.GetBytes(&out->filters)) return dec.Bad("bad string filters");
  if (out->version >= 5 && !reader.GetBytes(&out->user_rollups)) return dec.Bad("bad user rollups");
  if (out->version >= 5 && !reader.GetBytes(&out->derived)) return dec.Bad("bad derived sketches");
  if (out->version >= 6 && !reader.GetBytes(&out->moments)) return dec.Bad("bad moments");
  if (!reader.at_end()) return dec.Bad("bytes after the footer's last section");
  if (out->id_count > UINT32_MAX || out->ids.stored != IdSection::SizeFor(out->version, out->id_count) ||
      out->ids.offset > footer_offset || out->ids.stored > footer_offset - out->ids.offset) {
    return dec.Bad("id section out of range");
  }
  return true;
}

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

Status ReadFooter(int fd, const std::filesystem::path& path, uint64_t file_bytes, std::string* footer_bytes,
                  Footer* footer, uint64_t* corrupt_offset) {
  auto corrupt = [&](uint64_t offset, const std::string& what) {
    *corrupt_offset = offset;
    return Status::Corruption("segment " + path.string() + " at byte " + std::to_string(offset) + ": " + what);
  };
  auto read = [&](uint64_t offset, uint64_t size, std::string* out) {
    out->resize(size);
    Status status = ReadAt(fd, out->data(), size, offset, path);
    if (status.code() == StatusCode::kCorruption) *corrupt_offset = offset;
    return status;
  };
  if (file_bytes < kHeaderMagic.size() + kTrailerSize) return corrupt(0, "file too short");
  std::string header;
  MLTRACK_RETURN_IF_ERROR(read(0, kHeaderMagic.size(), &header));
  if (header != kHeaderMagic) return corrupt(0, "bad header magic");
  std::string trailer_bytes;
  MLTRACK_RETURN_IF_ERROR(read(file_bytes - kTrailerSize, kTrailerSize, &trailer_bytes));
  Trailer trailer;
  Damage damage;
  if (!DecodeTrailer(trailer_bytes, file_bytes, &trailer, &damage)) return corrupt(damage.offset, damage.what);
  MLTRACK_RETURN_IF_ERROR(read(trailer.footer_offset, trailer.footer_size, footer_bytes));
  if (crc32c::Unmask(trailer.footer_crc) != crc32c::Value(*footer_bytes)) {
    return corrupt(trailer.footer_offset, "footer checksum mismatch");
  }
  if (!DecodeFooter(*footer_bytes, trailer.footer_offset, footer, &damage)) return corrupt(damage.offset, damage.what);
  return Status::OK();
}

}  // namespace mltrack::store::segment
