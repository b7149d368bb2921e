#pragma once
// A segment's id section (docs/segment_format.md, "Id section"): the sorted, distinct hashes of
// the event ids the segment holds, for idempotency. Version 1 keeps 16-byte and version 2
// 12-byte records; version 3 keeps the same 96 bits per id (segment::StoredId) bit-packed in
// buckets by their top bits, about 10.5 bytes per id.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/id_index.h"

namespace mltrack::store::segment {

// The version-3 section for `ids`: sorted by (high, low) and distinct, each already StoredId.
std::string EncodeIds(const std::vector<IdKey>& ids);

// The in-memory part of one segment's id section and the decoding of its bytes: a lookup reads
// one small byte range of the file (Probe) and matches the key in it.
//
// Thread-safety: immutable after Init.
class IdSection {
 public:
  // Takes the layout from the section's bytes (its CRC already verified); false when `bytes`
  // cannot hold `count` ids of footer version `version` (corruption).
  bool Init(uint8_t version, uint64_t count, std::string_view bytes);

  uint64_t count() const { return count_; }
  // The section's size in bytes for `count` ids of `version` (what Init expects).
  static uint64_t SizeFor(uint8_t version, uint64_t count);

  // Every id of the section, sorted; `bytes` is the whole section.
  void DecodeAll(std::string_view bytes, std::vector<IdKey>* out) const;

  // Where `key` (a full IdKey) can be: bytes [byte_begin, byte_end) of the section, holding the
  // entries [first, last). first == last: certainly absent.
  struct Probe {
    uint64_t byte_begin = 0;
    uint64_t byte_end = 0;
    uint64_t first = 0;
    uint64_t last = 0;
    uint64_t bucket = 0;  // version 3: the bucket of every entry in [first, last)
  };
  Probe Find(const IdKey& key) const;
  // Whether the bytes of `probe` (read from the file) hold `key`; nullopt when they cannot be
  // the section's (version 3: entries of a bucket out of order), i.e. the file changed.
  std::optional<bool> Match(std::string_view bytes, const Probe& probe, const IdKey& key) const;

  size_t MemoryBytes() const { return (starts_.capacity() + samples_.capacity() * 2) * sizeof(uint32_t); }

 private:
  // Entry `index` from `bytes`, which start at byte `byte_offset` of the section; `bucket` is
  // the entry's bucket (version 3).
  IdKey Decode(std::string_view bytes, uint64_t byte_offset, uint64_t index, uint64_t bucket) const;
  IdKey StoredKey(const IdKey& key) const;

  uint8_t version_ = 3;
  uint64_t count_ = 0;
  unsigned bucket_bits_ = 0;          // version 3
  uint64_t dir_bytes_ = 0;            // version 3: bytes of the bucket directory
  std::vector<uint32_t> starts_;      // version 3: first entry of each bucket, then count
  std::vector<uint64_t> samples_;     // versions 1, 2: high word of every 64th record
};

}  // namespace mltrack::store::segment
