#include "store/segment_ids.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "store/segment_format.h"

namespace mltrack::store::segment {
namespace {

constexpr size_t kSampleStep = 64;  // versions 1, 2: records per in-memory sample

// Version 3: buckets of about 64 ids by the top bits of the high word.
unsigned BucketBits(uint64_t count) {
  if (count < 2 * kSampleStep) return 0;
  return std::min(24u, static_cast<unsigned>(std::bit_width(count / kSampleStep)) - 1);
}
unsigned EntryBits(unsigned bucket_bits) { return 96 - bucket_bits; }

using u128 = unsigned __int128;
u128 Wide(const IdKey& stored) { return u128{stored.high} << 32 | (stored.low >> 32); }
IdKey Narrow(u128 wide) { return IdKey{static_cast<uint64_t>(wide) << 32, static_cast<uint64_t>(wide >> 32)}; }
u128 Mask(unsigned bits) { return bits >= 128 ? ~u128{0} : (u128{1} << bits) - 1; }

size_t RecordBytes(uint8_t version) { return version == 1 ? kIdBytesV1 : kIdBytes; }

// Versions 1, 2: u64 low · u64 high, or u64 high · u32 (low >> 32).
IdKey DecodeRecord(const char* bytes, uint8_t version) {
  if (version == 1) return IdKey{DecodeFixed64(bytes), DecodeFixed64(bytes + 8)};
  return IdKey{uint64_t{wal::DecodeFixed32(bytes + 8)} << 32, DecodeFixed64(bytes)};
}

bool IdLess(const IdKey& a, const IdKey& b) { return a.high != b.high ? a.high < b.high : a.low < b.low; }

}  // namespace

std::string EncodeIds(const std::vector<IdKey>& ids) {
  const unsigned bucket_bits = BucketBits(ids.size());
  const unsigned entry_bits = EntryBits(bucket_bits);
  std::string out;
  // Directory: the first entry of each bucket, then the count.
  const uint64_t buckets = uint64_t{1} << bucket_bits;
  uint64_t next = 0;
  for (uint64_t bucket = 0; bucket < buckets; ++bucket) {
    while (next < ids.size() && (bucket_bits == 0 ? 0 : ids[next].high >> (64 - bucket_bits)) < bucket) ++next;
    PutFixed32(&out, static_cast<uint32_t>(next));
  }
  PutFixed32(&out, static_cast<uint32_t>(ids.size()));
  // Entries: the low entry_bits of each 96-bit id, packed little-endian.
  const size_t base = out.size();
  out.resize(base + (ids.size() * entry_bits + 7) / 8, '\0');
  uint64_t bit = 0;
  for (const IdKey& id : ids) {
    u128 value = Wide(id) & Mask(entry_bits);
    for (unsigned done = 0; done < entry_bits;) {
      const unsigned shift = static_cast<unsigned>(bit % 8);
      const unsigned take = std::min(8 - shift, entry_bits - done);
      out[base + bit / 8] = static_cast<char>(static_cast<uint8_t>(out[base + bit / 8]) |
                                              static_cast<uint8_t>((value & Mask(take)) << shift));
      value >>= take;
      done += take;
      bit += take;
    }
  }
  return out;
}

uint64_t IdSection::SizeFor(uint8_t version, uint64_t count) {
  if (version < 3) return count * RecordBytes(version);
  const unsigned bucket_bits = BucketBits(count);
  return 4 * ((uint64_t{1} << bucket_bits) + 1) + (count * EntryBits(bucket_bits) + 7) / 8;
}

bool IdSection::Init(uint8_t version, uint64_t count, std::string_view bytes) {
  version_ = version;
  count_ = count;
  if (count > UINT32_MAX || bytes.size() != SizeFor(version, count)) return false;
  if (version < 3) {
    for (uint64_t index = 0; index < count; index += kSampleStep) {
      samples_.push_back(DecodeRecord(bytes.data() + index * RecordBytes(version), version).high);
    }
    return true;
  }
  bucket_bits_ = BucketBits(count);
  const uint64_t buckets = uint64_t{1} << bucket_bits_;
  dir_bytes_ = 4 * (buckets + 1);
  starts_.resize(buckets + 1);
  for (uint64_t bucket = 0; bucket <= buckets; ++bucket) {
    starts_[bucket] = wal::DecodeFixed32(bytes.data() + 4 * bucket);
    if ((bucket == 0 && starts_[0] != 0) || (bucket > 0 && starts_[bucket] < starts_[bucket - 1])) return false;
  }
  return starts_[buckets] == count;
}

IdKey IdSection::Decode(std::string_view bytes, uint64_t byte_offset, uint64_t index, uint64_t bucket) const {
  if (version_ < 3) return DecodeRecord(bytes.data() + index * RecordBytes(version_) - byte_offset, version_);
  const unsigned entry_bits = EntryBits(bucket_bits_);
  const uint64_t bit = dir_bytes_ * 8 + index * entry_bits - byte_offset * 8;
  const uint64_t first_byte = bit / 8;
  const unsigned shift = static_cast<unsigned>(bit % 8);
  u128 value = 0;
  if (first_byte + sizeof(u128) <= bytes.size()) {
    std::memcpy(&value, bytes.data() + first_byte, sizeof(u128));  // little-endian
    value >>= shift;
  } else {
    for (uint64_t byte = first_byte; byte < bytes.size() && (byte - first_byte) * 8 < shift + entry_bits; ++byte) {
      value |= u128{static_cast<uint8_t>(bytes[byte])} << ((byte - first_byte) * 8);
    }
    value >>= shift;
  }
  value &= Mask(entry_bits);
  // The bucket gives the top bits.
  if (bucket_bits_ > 0) value |= u128{bucket} << entry_bits;
  return Narrow(value);
}

void IdSection::DecodeAll(std::string_view bytes, std::vector<IdKey>* out) const {
  out->reserve(out->size() + count_);
  if (version_ < 3) {
    for (uint64_t index = 0; index < count_; ++index) out->push_back(Decode(bytes, 0, index, 0));
    return;
  }
  for (uint64_t bucket = 0; bucket + 1 < starts_.size(); ++bucket) {
    for (uint64_t index = starts_[bucket]; index < starts_[bucket + 1]; ++index) {
      out->push_back(Decode(bytes, 0, index, bucket));
    }
  }
}

IdKey IdSection::StoredKey(const IdKey& key) const { return version_ == 1 ? key : StoredId(key); }

IdSection::Probe IdSection::Find(const IdKey& full_key) const {
  Probe probe;
  if (count_ == 0) return probe;
  const IdKey key = StoredKey(full_key);
  if (version_ < 3) {
    // The run of records whose sampled high word brackets key.high.
    auto upper = std::upper_bound(samples_.begin(), samples_.end(), key.high);
    auto lower = std::lower_bound(samples_.begin(), samples_.end(), key.high);
    const uint64_t first_sample = lower == samples_.begin() ? 0 : static_cast<uint64_t>(lower - samples_.begin()) - 1;
    probe.first = first_sample * kSampleStep;
    probe.last = std::min<uint64_t>(count_, static_cast<uint64_t>(upper - samples_.begin()) * kSampleStep + 1);
    probe.byte_begin = probe.first * RecordBytes(version_);
    probe.byte_end = probe.last * RecordBytes(version_);
    return probe;
  }
  const uint64_t bucket = bucket_bits_ == 0 ? 0 : key.high >> (64 - bucket_bits_);
  probe.bucket = bucket;
  probe.first = starts_[bucket];
  probe.last = starts_[bucket + 1];
  const unsigned entry_bits = EntryBits(bucket_bits_);
  probe.byte_begin = dir_bytes_ + probe.first * entry_bits / 8;
  probe.byte_end = dir_bytes_ + (probe.last * entry_bits + 7) / 8;
  return probe;
}

std::optional<bool> IdSection::Match(std::string_view bytes, const Probe& probe, const IdKey& full_key) const {
  const IdKey key = StoredKey(full_key);
  if (version_ < 3) {
    uint64_t low = probe.first;
    uint64_t high = probe.last;
    while (low < high) {
      const uint64_t mid = (low + high) / 2;
      const IdKey found = Decode(bytes, probe.byte_begin, mid, 0);
      if (found == key) return true;
      if (IdLess(found, key)) low = mid + 1;
      else high = mid;
    }
    return false;
  }
  bool found = false;
  IdKey previous{};
  for (uint64_t index = probe.first; index < probe.last; ++index) {
    const IdKey entry = Decode(bytes, probe.byte_begin, index, probe.bucket);
    if (index > probe.first && !IdLess(previous, entry)) return std::nullopt;  // sorted and distinct when written
    found |= entry == key;
    previous = entry;
  }
  return found;
}

}  // namespace mltrack::store::segment
