#include "store/segment_strings.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "store/segment_format.h"

namespace mltrack::store {
namespace {

// Reads the varint at raw[*pos] (advancing *pos); false past the end or over 32 bits.
bool ReadLength(std::string_view raw, size_t* pos, uint64_t* length) {
  uint64_t value = 0;
  for (int shift = 0; shift <= 28 && *pos < raw.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(raw[(*pos)++]);
    value |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) {
      *length = value;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<SegmentStrings>> SegmentStrings::Open(std::string compressed, uint64_t count,
                                                             uint64_t raw_size) {
  if (count == 0 || count > UINT32_MAX || raw_size > UINT32_MAX || raw_size < 2 * count) {
    return Status::Corruption("bad local string table size");
  }
  std::shared_ptr<SegmentStrings> strings(new SegmentStrings(std::move(compressed), count, raw_size));
  std::string raw;
  std::vector<uint32_t> starts;
  if (!strings->Decode(&raw, &starts)) return Status::Corruption("local string table does not decode");
  return strings;
}

bool SegmentStrings::Decode(std::string* raw, std::vector<uint32_t>* starts) const {
  raw->resize(raw_size_);
  const size_t size = ZSTD_decompress(raw->data(), raw->size(), compressed_.data(), compressed_.size());
  if (ZSTD_isError(size) || size != raw_size_) return false;
  starts->reserve(count_);
  size_t pos = 0;
  for (uint64_t index = 0; index < count_; ++index) {
    starts->push_back(static_cast<uint32_t>(pos));
    uint64_t length = 0;
    if (!ReadLength(*raw, &pos, &length) || length == 0 || length > raw->size() - pos) return false;
    pos += length;
  }
  return pos == raw->size();
}

std::string_view SegmentStrings::Get(uint32_t local_id) const {
  // Open verified these bytes and they never change: decoding again cannot fail.
  std::call_once(decoded_, [&] {
    Decode(&raw_, &starts_);
    decoded_bytes_.store(raw_.capacity() + starts_.capacity() * sizeof(uint32_t), std::memory_order_release);
  });
  size_t pos = starts_[local_id - 1];
  uint64_t length = 0;
  ReadLength(raw_, &pos, &length);
  return std::string_view(raw_).substr(pos, length);
}

void SegmentStrings::ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const {
  std::string temporary_raw;
  std::vector<uint32_t> temporary_starts;
  const bool kept = decoded_bytes_.load(std::memory_order_acquire) > 0;
  if (!kept) Decode(&temporary_raw, &temporary_starts);
  const std::string_view raw = kept ? std::string_view(raw_) : std::string_view(temporary_raw);
  const std::vector<uint32_t>& starts = kept ? starts_ : temporary_starts;
  for (uint64_t local_id = std::max<uint32_t>(first, 1); local_id <= count_; ++local_id) {
    size_t pos = starts[local_id - 1];
    uint64_t length = 0;
    ReadLength(raw, &pos, &length);
    fn(static_cast<uint32_t>(local_id), raw.substr(pos, length));
  }
}

size_t SegmentStrings::MemoryBytes() const {
  return compressed_.capacity() + decoded_bytes_.load(std::memory_order_acquire) + GlobalIdsBytes();
}

Result<std::shared_ptr<PackedIds>> PackedIds::Open(std::string stored, const Layout& layout, uint64_t table_size) {
  std::shared_ptr<PackedIds> packed(new PackedIds(std::move(stored), layout));
  std::vector<uint64_t> buffer;
  const ColumnData column = packed->Decode(&buffer);
  if (column.data == nullptr) return Status::Corruption("local id column does not decompress to its size");
  const size_t count = column.sparse() ? column.sparse_count : layout.rows;
  uint64_t max = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    switch (layout.width) {
      case 1: max = std::max<uint64_t>(max, column.as<uint8_t>()[idx]); break;
      case 2: max = std::max<uint64_t>(max, column.as<uint16_t>()[idx]); break;
      default: max = std::max<uint64_t>(max, column.as<uint32_t>()[idx]); break;
    }
    if (column.sparse() && (column.sparse_rows[idx] >= layout.rows ||
                            (idx > 0 && column.sparse_rows[idx] <= column.sparse_rows[idx - 1]))) {
      return Status::Corruption("sparse column rows out of order");
    }
  }
  if (layout.base < 0 || static_cast<uint64_t>(layout.base) + max > table_size) {
    return Status::Corruption("local string id past its table");
  }
  return packed;
}

ColumnData PackedIds::Decode(std::vector<uint64_t>* buffer) const {
  const size_t raw = layout_.raw_size;
  buffer->resize((2 * raw + 7) / 8 + 1);  // planes, then the joined column
  char* planes = reinterpret_cast<char*>(buffer->data());
  char* out = planes + (raw + 7) / 8 * 8;
  const size_t size = ZSTD_decompress(planes, raw, stored_.data(), stored_.size());
  if (ZSTD_isError(size) || size != raw) return {};
  const size_t count = layout_.sparse ? layout_.sparse_count : layout_.rows;
  const size_t values = count * layout_.width;
  if (values > raw) return {};
  segment::JoinBytePlanes(planes, count, layout_.width, out);
  std::memcpy(out + values, planes + values, raw - values);
  ColumnData column;
  column.data = out;
  column.width = layout_.width;
  column.base = layout_.base;
  if (layout_.sparse) {
    column.sparse_count = static_cast<uint32_t>(layout_.sparse_count);
    column.sparse_rows = reinterpret_cast<const uint16_t*>(
        out + segment::SparseChunkSize(layout_.sparse_count, layout_.width) - layout_.sparse_count * 2);
  }
  return column;
}

}  // namespace mltrack::store
