#pragma once
// Variable-length integers (LEB128, as protobuf and our own formats write them): 7 bits per byte,
// least significant group first, high bit set on every byte but the last. One place for the
// arithmetic, as leveldb's util/coding.h (STYLE.md "From our own tree").

#include <cstddef>
#include <cstdint>
#include <string>

namespace mltrack {

inline constexpr size_t kMaxVarint64Bytes = 10;

// Writes `value` at `out` (room for kMaxVarint64Bytes needed); returns the byte after it.
inline char* PutVarint64(char* out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

inline void AppendVarint64(std::string& out, uint64_t value) {
  char buffer[kMaxVarint64Bytes];
  out.append(buffer, static_cast<size_t>(PutVarint64(buffer, value) - buffer));
}

// The number of bytes PutVarint64 writes for `value`.
inline size_t Varint64Length(uint64_t value) {
  size_t length = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++length;
  }
  return length;
}

// Reads a varint starting at `pos` and ending before `end`, advancing `pos` past it. False (with
// `pos` unchanged) when the input ends inside the varint, or it is longer than 10 bytes or its
// value does not fit in 64 bits: never reads at or past `end`.
inline bool GetVarint64(const char*& pos, const char* end, uint64_t& value) {
  uint64_t result = 0;
  const char* at = pos;
  for (unsigned shift = 0; shift < 64 && at < end; shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(*at++);
    if (shift == 63 && byte > 1) return false;  // the 10th byte may only carry the top bit
    result |= (byte & 0x7F) << shift;
    if (byte < 0x80) {
      value = result;
      pos = at;
      return true;
    }
  }
  return false;
}

}  // namespace mltrack
