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

// Appends to *starts the offset of each (varint length · bytes) string of `raw`; false when a
// string is empty or runs past the end.
bool ParseStrings(std::string_view raw, std::vector<uint32_t>* starts) {
  size_t pos = 0;
  while (pos < raw.size()) {
    starts->push_back(static_cast<uint32_t>(pos));
    uint64_t length = 0;
    if (!ReadLength(raw, &pos, &length) || length == 0 || length > raw.size() - pos) return false;
    pos += length;
  }
  return true;
}

std::string_view StringAt(std::string_view raw, uint32_t start) {
  size_t pos = start;
  uint64_t length = 0;
  ReadLength(raw, &pos, &length);
  return raw.substr(pos, length);
}

}  // namespace

Result<std::shared_ptr<SegmentStrings>> SegmentStrings::Open(std::string compressed, uint64_t count,
                                                             uint64_t raw_size) {
  if (count == 0 || count > UINT32_MAX || raw_size > UINT32_MAX || raw_size < 2 * count ||
      compressed.size() > UINT32_MAX) {
    return Status::Corruption("bad local string table size");
  }
  std::shared_ptr<SegmentStrings> strings(new SegmentStrings(std::move(compressed), count, raw_size));
  const std::string& stored = strings->compressed_;
  uint64_t next_id = 1;
  uint64_t raw_total = 0;
  std::string raw;
  std::vector<uint32_t> starts;
  for (size_t pos = 0; pos < stored.size();) {
    const size_t size = ZSTD_findFrameCompressedSize(stored.data() + pos, stored.size() - pos);
    if (ZSTD_isError(size)) return Status::Corruption("local string table is not zstd frames");
    const unsigned long long content = ZSTD_getFrameContentSize(stored.data() + pos, size);
    if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR || content == 0 ||
        content > raw_size - raw_total) {
      return Status::Corruption("bad local string table frame size");
    }
    Frame frame{static_cast<uint32_t>(pos), static_cast<uint32_t>(size), static_cast<uint32_t>(content),
                static_cast<uint32_t>(next_id)};
    starts.clear();
    if (!strings->DecodeFrame(frame, &raw, &starts) || starts.size() > count - (next_id - 1)) {
      return Status::Corruption("local string table does not decode");
    }
    strings->frames_.push_back(frame);
    next_id += starts.size();
    raw_total += content;
    pos += size;
  }
  if (raw_total != raw_size || next_id - 1 != count) return Status::Corruption("local string table does not decode");
  strings->frames_.shrink_to_fit();
  return strings;
}

bool SegmentStrings::DecodeFrame(const Frame& frame, std::string* raw, std::vector<uint32_t>* starts) const {
  raw->resize(frame.raw_size);
  const size_t size = ZSTD_decompress(raw->data(), raw->size(), compressed_.data() + frame.offset, frame.size);
  return !ZSTD_isError(size) && size == frame.raw_size && ParseStrings(*raw, starts);
}

size_t SegmentStrings::FrameOf(uint32_t local_id) const {
  auto after = std::upper_bound(frames_.begin(), frames_.end(), local_id,
                                [](uint32_t id, const Frame& frame) { return id < frame.first_id; });
  return static_cast<size_t>(after - frames_.begin()) - 1;
}

std::string_view SegmentStrings::Get(uint32_t local_id) const {
  // Open verified these bytes and they never change: decoding again cannot fail.
  std::call_once(decoded_, [&] {
    raw_.resize(raw_size_);
    ZSTD_decompress(raw_.data(), raw_.size(), compressed_.data(), compressed_.size());  // every frame
    starts_.reserve(count_);
    ParseStrings(raw_, &starts_);
    decoded_bytes_.store(raw_.capacity() + starts_.capacity() * sizeof(uint32_t), std::memory_order_release);
  });
  return StringAt(raw_, starts_[local_id - 1]);
}

std::string_view SegmentStrings::Find(uint32_t local_id, StringPieces* pieces) const {
  if (decoded_bytes_.load(std::memory_order_acquire) > 0) return Get(local_id);
  const size_t index = FrameOf(local_id);
  const StringPieces::Piece* piece = pieces->Find(this, index);
  if (piece == nullptr) {
    StringPieces::Piece& added = pieces->Add(this, index);
    DecodeFrame(frames_[index], &added.raw, &added.starts);
    piece = &added;
  }
  return StringAt(piece->raw, piece->starts[local_id - frames_[index].first_id]);
}

void SegmentStrings::ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const {
  first = std::max<uint32_t>(first, 1);
  if (first > count_) return;
  if (decoded_bytes_.load(std::memory_order_acquire) > 0) {
    for (uint64_t local_id = first; local_id <= count_; ++local_id) {
      fn(static_cast<uint32_t>(local_id), StringAt(raw_, starts_[local_id - 1]));
    }
    return;
  }
  std::string raw;
  std::vector<uint32_t> starts;
  for (size_t index = FrameOf(first); index < frames_.size(); ++index) {
    const Frame& frame = frames_[index];
    starts.clear();
    DecodeFrame(frame, &raw, &starts);
    for (size_t idx = first > frame.first_id ? first - frame.first_id : 0; idx < starts.size(); ++idx) {
      fn(static_cast<uint32_t>(frame.first_id + idx), StringAt(raw, starts[idx]));
    }
  }
}

size_t SegmentStrings::MemoryBytes() const {
  return compressed_.capacity() + frames_.capacity() * sizeof(Frame) +
         decoded_bytes_.load(std::memory_order_acquire) + GlobalIdsBytes();
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

namespace {

std::atomic<size_t> kept_translation_bytes{0};
std::atomic<size_t> max_kept_translation_bytes{size_t{64} << 20};

// Takes `wanted` bytes of the process's allowance; false (nothing taken) when they do not fit.
bool ReserveKept(size_t wanted) {
  const size_t max = max_kept_translation_bytes.load(std::memory_order_relaxed);
  size_t kept = kept_translation_bytes.load(std::memory_order_relaxed);
  do {
    if (kept + wanted > max) return false;
  } while (!kept_translation_bytes.compare_exchange_weak(kept, kept + wanted, std::memory_order_relaxed));
  return true;
}

}  // namespace

PackedIds::~PackedIds() {
  kept_translation_bytes.fetch_sub(translation_bytes_.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

size_t PackedIds::MaxKeptBytes() { return max_kept_translation_bytes.load(std::memory_order_relaxed); }

void PackedIds::SetMaxKeptBytes(size_t bytes) { max_kept_translation_bytes.store(bytes, std::memory_order_relaxed); }

std::optional<PackedIds::Translation> PackedIds::Translated(
    const void* table, const std::function<std::optional<Translation>()>& make) const {
  std::lock_guard lock(translation_mutex_);
  if (translation_table_ == table) return translation_;
  std::optional<Translation> made = make();
  if (made && translation_table_ == nullptr && ReserveKept(made->bytes)) {
    translation_ = *made;
    translation_table_ = table;
    translation_bytes_.store(made->bytes, std::memory_order_relaxed);
  }
  return made;
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
