#pragma once
// The segment file's on-disk format; docs/segment_format.md is the full description.
//
//   file    := header · chunk* · footer · trailer
//   header  := "MLTSEG01"                                   (8 bytes)
//   chunk   := one zstd frame (a column of one block), or the raw id hashes
//   trailer := u64 footer_offset · u32 footer_size · u32 footer_crc · "MLTSEGND"  (24 bytes)
//
// The footer lists every block, its zone map (rows, ts range) and every column chunk with its
// layout (width, base, scale), offset, sizes and a masked CRC32C of the stored bytes. All
// integers are little-endian; varints are LEB128, zigzag for signed values.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "store/id_index.h"
#include "store/wal_format.h"

namespace mltrack::store::segment {

inline constexpr std::string_view kHeaderMagic = "MLTSEG01";
inline constexpr std::string_view kTrailerMagic = "MLTSEGND";
inline constexpr size_t kTrailerSize = 8 + 4 + 4 + 8;
// Version 2 added sparse columns (kSparseFlag) and 12-byte ids; version 3 local string tables
// (local_strings.h: the footer lists them after the score names, and the columns of those fields
// hold segment-local ids), byte planes (SplitBytePlanes) and a block summary per block
// (block_summary.h) at the end of the footer; version 4 each block's value slices after the
// summaries (block_slices.h); version 5 each block's user rollup (block_user_rollup.h) and then
// each block's and slice's tokens_per_s sketch (derived_sketch.h) after the string filters;
// version 6 prompt_version slices (block_slices.h) and each block's and slice's moments
// (block_moments.h) after the derived sketches; version 7 keys the user rollups by model and
// provider too (version 6's layout). Readers accept 1 to 7.
inline constexpr uint8_t kFooterVersion = 7;
// Strings per zstd frame of a local string table (local_strings.h; docs/segment_format.md "Local
// string tables"): a reader that wants a few strings (an event search's page) decodes only the
// frames holding them. Any frame split of whole strings reads the same; a table written before
// 2026-12 is one frame.
inline constexpr uint32_t kLocalStringsPerFrame = 1024;
// Stored bytes per id hash: version 2 keeps the high word and the top half of the low word
// (96 bits: a false duplicate among 10^8 ids has probability ~10^-13); version 1 kept all 128.
inline constexpr size_t kIdBytes = 12;
inline constexpr size_t kIdBytesV1 = 16;
// The part of an id hash a version-2 segment stores (and compares).
inline IdKey StoredId(IdKey key) {
  key.low &= 0xFFFFFFFF00000000ull;
  return key;
}
// Set in a column's width byte (version 2): the chunk is sparse and a varint count follows the
// width. A sparse chunk is the `count` non-zero stored values (count × width bytes), a zero byte
// when that is odd, then their row numbers within the block (count × u16, ascending).
inline constexpr uint8_t kSparseFlag = 0x80;
inline constexpr size_t SparseChunkSize(uint64_t count, uint8_t width) {
  return static_cast<size_t>((count * width + 1) / 2 * 2 + count * 2);
}
// Set in a column's width byte (version 2, scaled doubles only): a varint exception count
// follows (after the sparse count, if any), and the chunk ends, after its values padded with
// zero bytes to a multiple of 8, with count × f64 exact values · count × u16 rows (ascending)
// for the rows whose stored u is 0 but whose value is present.
inline constexpr uint8_t kExceptionsFlag = 0x40;

// Version 3: the values of a column whose width is over one byte (`count` values: the block's
// rows, or the sparse count) are stored as byte planes — every value's byte 0, then every byte
// 1, ... — which zstd compresses far better (slowly changing high bytes, ids that grow by one);
// whatever follows the values (sparse row numbers, exceptions) is stored as is.
inline void SplitBytePlanes(const char* values, size_t count, size_t width, char* out) {
  for (size_t idx = 0; idx < count; ++idx) {
    for (size_t byte = 0; byte < width; ++byte) out[byte * count + idx] = values[idx * width + byte];
  }
}
inline void JoinBytePlanes(const char* planes, size_t count, size_t width, char* out) {
  for (size_t byte = 0; byte < width; ++byte) {
    for (size_t idx = 0; idx < count; ++idx) out[idx * width + byte] = planes[byte * count + idx];
  }
}

// Rows per block: the unit of a zone map and of a parallel scan.
inline constexpr size_t kBlockRows = 65536;

// Column chunk kinds in the footer.
enum class ChunkKind : uint8_t { kTs = 0, kField = 1, kTag = 2, kScore = 3 };

// scale_digits value meaning "raw doubles" (width 8).
inline constexpr uint8_t kRawDoubles = 255;
// Largest scale_digits a writer uses: value = (base + u) / 10^digits.
inline constexpr uint8_t kMaxScaleDigits = 6;

inline void PutFixed64(std::string* out, uint64_t value) {
  for (int byte_idx = 0; byte_idx < 8; ++byte_idx) out->push_back(static_cast<char>(value >> (8 * byte_idx)));
}
inline void PutFixed32(std::string* out, uint32_t value) {
  for (int byte_idx = 0; byte_idx < 4; ++byte_idx) out->push_back(static_cast<char>(value >> (8 * byte_idx)));
}
inline uint64_t DecodeFixed64(const char* src) {
  return uint64_t{wal::DecodeFixed32(src)} | uint64_t{wal::DecodeFixed32(src + 4)} << 32;
}
inline void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}
inline uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}
inline void PutSigned(std::string* out, int64_t value) { PutVarint(out, ZigZag(value)); }

// A bounds-checked reader of footer bytes: every Get fails (returns false) rather than read
// past the end, so a damaged footer that passed its CRC by chance still cannot crash a reader.
class FooterReader {
 public:
  explicit FooterReader(std::string_view bytes) : bytes_(bytes) {}
  bool GetVarint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      result |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }
  bool GetSigned(int64_t* value) {
    uint64_t raw = 0;
    if (!GetVarint(&raw)) return false;
    *value = UnZigZag(raw);
    return true;
  }
  bool GetByte(uint8_t* value) {
    if (pos_ >= bytes_.size()) return false;
    *value = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool GetFixed32(uint32_t* value) {
    if (bytes_.size() - pos_ < 4) return false;
    *value = wal::DecodeFixed32(bytes_.data() + pos_);
    pos_ += 4;
    return true;
  }
  // A varint length, then that many bytes.
  bool GetBytes(std::string_view* value) {
    uint64_t size = 0;
    if (!GetVarint(&size) || bytes_.size() - pos_ < size) return false;
    *value = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  bool Skip(size_t count) {
    if (bytes_.size() - pos_ < count) return false;
    pos_ += count;
    return true;
  }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// "seg-0000000000000042.mlseg"
inline std::string FileName(uint64_t seq) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "seg-%016llu.mlseg", static_cast<unsigned long long>(seq));
  return buf;
}

inline std::optional<uint64_t> ParseFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "seg-";
  constexpr std::string_view kSuffix = ".mlseg";
  if (name.size() != kPrefix.size() + 16 + kSuffix.size()) return std::nullopt;
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  uint64_t seq = 0;
  for (char digit : name.substr(kPrefix.size(), 16)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    seq = seq * 10 + static_cast<uint64_t>(digit - '0');
  }
  return seq;
}

}  // namespace mltrack::store::segment
