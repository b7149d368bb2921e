#include "ingest/utf8.h"

#include <algorithm>
#include <cstdint>

namespace mltrack::ingest {
namespace {

// Length of the well-formed sequence starting at text[pos], or 0 if there is none.
size_t WellFormedLength(std::string_view text, size_t pos) {
  const auto byte = [&](size_t idx) { return static_cast<uint8_t>(text[idx]); };
  const uint8_t lead = byte(pos);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t second_lo = 0x80, second_hi = 0xBF;  // Table 3-7 narrows the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_lo = 0xA0;  // overlong
    if (lead == 0xED) second_hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_lo = 0x90;  // overlong
    if (lead == 0xF4) second_hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  if (byte(pos + 1) < second_lo || byte(pos + 1) > second_hi) return 0;
  for (size_t idx = pos + 2; idx < pos + length; ++idx) {
    if (byte(idx) < 0x80 || byte(idx) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::vector<ByteRange> FindInvalidUtf8(std::string_view text) {
  std::vector<ByteRange> bad;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t length = WellFormedLength(text, pos);
    if (length > 0) {
      pos += length;
      continue;
    }
    if (!bad.empty() && bad.back().end == pos) {
      bad.back().end = pos + 1;
    } else {
      bad.push_back({pos, pos + 1});
    }
    ++pos;
  }
  return bad;
}

bool Overlaps(const std::vector<ByteRange>& ranges, size_t begin, size_t end) {
  // The first range that ends after `begin` is the only candidate.
  auto it = std::upper_bound(ranges.begin(), ranges.end(), begin,
                             [](size_t offset, const ByteRange& range) { return offset < range.end; });
  return it != ranges.end() && it->begin < end;
}

}  // namespace mltrack::ingest
