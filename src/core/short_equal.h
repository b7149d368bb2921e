#pragma once
// Equality of two byte ranges of one size, inline. Field names, tag keys and dictionary strings
// are mostly under 32 bytes, where a call into memcmp (and its size dispatch) costs more than
// the compare: overlapping 8-, 4- or 1-byte loads do it without a call.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mltrack {

// Whether the `size` bytes at `left` and at `right` are equal. Reads only those bytes.
inline bool SameBytes(const char* left, const char* right, size_t size) {
  auto load64 = [](const char* at) {
    uint64_t value;
    std::memcpy(&value, at, sizeof(value));
    return value;
  };
  auto load32 = [](const char* at) {
    uint32_t value;
    std::memcpy(&value, at, sizeof(value));
    return value;
  };
  if (size >= 8) {
    for (size_t offset = 0; offset + 8 < size; offset += 8) {
      if (load64(left + offset) != load64(right + offset)) return false;
    }
    return load64(left + size - 8) == load64(right + size - 8);
  }
  if (size >= 4) return load32(left) == load32(right) && load32(left + size - 4) == load32(right + size - 4);
  for (size_t offset = 0; offset < size; ++offset) {
    if (left[offset] != right[offset]) return false;
  }
  return true;
}

// `left == right` for string views, through SameBytes.
inline bool SameString(std::string_view left, std::string_view right) {
  return left.size() == right.size() && SameBytes(left.data(), right.data(), left.size());
}

}  // namespace mltrack
