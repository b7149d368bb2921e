#pragma once
// The write-ahead log's on-disk format; docs/wal_format.md is the full description.
//
// A WAL is a directory of files named wal-<seq>.log (seq: 16 decimal digits, increasing). Each
// file is a sequence of records, never spanning files:
//
//   0               4               8        9                13
//   +---------------+---------------+--------+-----------------+------------------------+
//   | data crc u32  | length u32    | type u8| header crc u32  | payload (length bytes) |
//   +---------------+---------------+--------+-----------------+------------------------+
//
// All integers little-endian. data crc = crc32c::Mask(CRC32C(type byte ‖ payload));
// header crc = crc32c::Mask(CRC32C(bytes 0..9 of the header)). The header crc lets the reader
// trust `length` before using it, so a damaged length is reported as corruption instead of
// being mistaken for a torn tail (which would silently drop acknowledged records).

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace mltrack::store::wal {

inline constexpr size_t kHeaderSize = 4 + 4 + 1 + 4;
inline constexpr size_t kHeaderCrcOffset = 9;  // the header crc covers bytes [0, 9)

// The largest payload a writer produces. A header that claims more is corrupt, never a torn
// write: the reader refuses to skip or allocate on the word of a damaged length field.
inline constexpr uint32_t kMaxPayloadBytes = 256u << 20;

inline constexpr uint64_t kDefaultFileBytes = 64ull << 20;

enum class RecordType : uint8_t {
  // Never written. An all-zero header is what a crash leaves when the file system extended the
  // file but did not write the data; the reader treats an all-zero tail as the end of the log.
  kZero = 0,
  // One accepted EventBatch encoded by event_codec.h.
  kEventBatch = 1,
};

inline bool IsKnownRecordType(uint8_t type) {
  return type == static_cast<uint8_t>(RecordType::kEventBatch);
}

inline void EncodeFixed32(char* dst, uint32_t value) {
  for (int byte_idx = 0; byte_idx < 4; ++byte_idx) {
    dst[byte_idx] = static_cast<char>(value >> (8 * byte_idx));
  }
}

inline uint32_t DecodeFixed32(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Fills header[0, kHeaderSize) for a record of `type` carrying `payload`. Defined in
// wal_writer.cc; tests use it to craft records.
void EncodeHeader(char* header, RecordType type, std::string_view payload);
// Same, for any type byte (tests write unknown types with it).
void EncodeHeaderRaw(char* header, uint8_t type, std::string_view payload);

// "wal-0000000000000042.log"
inline std::string FileName(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "wal-%016llu.log", static_cast<unsigned long long>(seq));
  return buf;
}

// The sequence number of a WAL file name; nullopt for any other name.
inline std::optional<uint64_t> ParseFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "wal-";
  constexpr std::string_view kSuffix = ".log";
  if (name.size() != kPrefix.size() + 16 + kSuffix.size()) return std::nullopt;
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  std::string_view digits = name.substr(kPrefix.size(), 16);
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return seq;
}

}  // namespace mltrack::store::wal
