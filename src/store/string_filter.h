#pragma once
// Per-block Bloom filters of the strings of local string fields (trace_id, store/local_strings.h;
// segment format version 4, docs/segment_format.md "String filters"): a lookup of one trace id
// reads only the blocks that may hold it, without interning or decompressing any other block's
// strings. About 10 bits per distinct string of a block, ~1 % false positives.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "store/segment_format.h"

namespace mltrack::store {

struct ColumnBlock;

struct StringFilter {
  static constexpr int kProbes = 7;
  static constexpr uint8_t kMaxLog2Bits = 24;  // 2 MiB per block at most
  uint8_t log2_bits = 6;
  std::vector<uint64_t> words;  // 2^log2_bits bits; empty when the words stay in a file (below)
  // A segment's filter keeps its words in the file (they are probed only by trace-id lookups, and
  // held 2 B/event in memory): MayContain reads the probed words with pread from `fd` (the
  // segment's open descriptor, valid while the segment lives) at `file_offset`. A failed read
  // answers "may contain", so the block's rows are read: never a wrong answer, only a slower one.
  int fd = -1;
  uint64_t file_offset = 0;

  static uint64_t Hash(std::string_view value);
  // A filter sized for the distinct hashes `hashes` (any order, duplicates allowed), holding them.
  static StringFilter Of(std::vector<uint64_t> hashes);
  bool MayContain(uint64_t hash) const;

  // u8 log2_bits · 2^log2_bits / 8 bytes (little-endian words).
  void Encode(std::string* out) const;
  bool Decode(segment::FooterReader& reader);
  // Decode that leaves the words in the file: `reader` reads bytes that start at file offset
  // `reader_offset` of the file open as `fd`.
  bool DecodeInFile(segment::FooterReader& reader, int file, uint64_t reader_offset);
  size_t MemoryBytes() const { return words.capacity() * sizeof(uint64_t); }
};

// Whether `block` may hold a row whose local string field `field` equals `value`: false only when
// the block's segment (version 4) has filters and this block's filter excludes the value (or the
// block stores no value of the field). Memtable blocks and older segments: true.
bool BlockMayContain(const ColumnBlock& block, FieldId field, std::string_view value);

}  // namespace mltrack::store
