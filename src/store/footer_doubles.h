#pragma once
// A double in a segment footer: its IEEE-754 bits as a little-endian u64 (block summaries,
// derived sketches).

#include <cstdint>
#include <cstring>
#include <string>

#include "store/segment_format.h"

namespace mltrack::store::segment {

inline void PutDouble(std::string* out, double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  PutFixed64(out, bits);
}

inline bool GetDouble(FooterReader& reader, double* value) {
  uint32_t low = 0;
  uint32_t high = 0;
  if (!reader.GetFixed32(&low) || !reader.GetFixed32(&high)) return false;
  const uint64_t bits = uint64_t{low} | uint64_t{high} << 32;
  std::memcpy(value, &bits, sizeof bits);
  return true;
}

}  // namespace mltrack::store::segment
