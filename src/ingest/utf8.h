#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mltrack::ingest {

// A half-open byte range [begin, end) of a buffer.
struct ByteRange {
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const ByteRange&) const = default;
};

// The byte ranges of `text` that are not well-formed UTF-8 (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), sorted and merged. Empty when `text` is valid.
// A scalar scan: call it only after a fast validator (simdjson::validate_utf8) said no.
std::vector<ByteRange> FindInvalidUtf8(std::string_view text);

// True when [begin, end) overlaps any of the sorted, disjoint `ranges`.
bool Overlaps(const std::vector<ByteRange>& ranges, size_t begin, size_t end);

}  // namespace mltrack::ingest
