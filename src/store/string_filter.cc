#include "store/string_filter.h"

#include <xxhash.h>

#include <unistd.h>

#include <algorithm>

#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {
namespace {

// Bit i of `hash`'s probe sequence (double hashing).
inline uint64_t Probe(uint64_t hash, int probe, uint64_t mask) {
  const uint64_t step = (hash >> 32 | hash << 32) | 1;
  return (hash + static_cast<uint64_t>(probe) * step) & mask;
}

}  // namespace

uint64_t StringFilter::Hash(std::string_view value) { return XXH3_64bits(value.data(), value.size()); }

StringFilter StringFilter::Of(std::vector<uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  StringFilter filter;
  while (filter.log2_bits < kMaxLog2Bits && (uint64_t{1} << filter.log2_bits) < hashes.size() * 10) ++filter.log2_bits;
  filter.words.assign((size_t{1} << filter.log2_bits) / 64, 0);
  const uint64_t mask = (uint64_t{1} << filter.log2_bits) - 1;
  for (const uint64_t hash : hashes) {
    for (int probe = 0; probe < kProbes; ++probe) {
      const uint64_t bit = Probe(hash, probe, mask);
      filter.words[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
  return filter;
}

bool StringFilter::MayContain(uint64_t hash) const {
  const uint64_t mask = (uint64_t{1} << log2_bits) - 1;
  for (int probe = 0; probe < kProbes; ++probe) {
    const uint64_t bit = Probe(hash, probe, mask);
    uint64_t word = 0;
    if (fd < 0) {
      word = words[bit / 64];
    } else {
      char bytes[8];
      const uint64_t at = file_offset + bit / 64 * 8;
      if (::pread(fd, bytes, sizeof(bytes), static_cast<off_t>(at)) != static_cast<ssize_t>(sizeof(bytes))) {
        return true;  // unreadable: read the block's rows instead
      }
      word = segment::DecodeFixed64(bytes);
    }
    if ((word >> (bit % 64) & 1) == 0) return false;
  }
  return true;
}

void StringFilter::Encode(std::string* out) const {
  out->push_back(static_cast<char>(log2_bits));
  for (const uint64_t word : words) segment::PutFixed64(out, word);
}

bool StringFilter::DecodeInFile(segment::FooterReader& reader, int file, uint64_t reader_offset) {
  if (!reader.GetByte(&log2_bits) || log2_bits < 6 || log2_bits > kMaxLog2Bits) return false;
  fd = file;
  file_offset = reader_offset + reader.position();
  words.clear();
  return reader.Skip(size_t{1} << log2_bits >> 3);
}

bool StringFilter::Decode(segment::FooterReader& reader) {
  if (!reader.GetByte(&log2_bits) || log2_bits < 6 || log2_bits > kMaxLog2Bits) return false;
  words.resize((size_t{1} << log2_bits) / 64);
  for (uint64_t& word : words) {
    uint32_t low = 0;
    uint32_t high = 0;
    if (!reader.GetFixed32(&low) || !reader.GetFixed32(&high)) return false;
    word = uint64_t{low} | uint64_t{high} << 32;
  }
  return true;
}

bool BlockMayContain(const ColumnBlock& block, FieldId field, std::string_view value) {
  if (block.summary == nullptr || !block.summary->string_filtered) return true;
  const uint64_t hash = StringFilter::Hash(value);
  for (const auto& [filtered, filter] : block.summary->string_filters) {
    if (filtered == field) return filter.MayContain(hash);
  }
  return false;  // the block stores no value of the field
}

}  // namespace mltrack::store
