#include "store/event_codec.h"

#include <array>
#include <bit>
#include <cstring>
#include <limits>

namespace mltrack::store {
namespace {

// The order of string fields in string_mask; append only (the order is the format).
constexpr std::array<std::string Event::*, 14> kCodecStringFields = {
    &Event::id,
    &Event::experiment,
    &Event::run_id,
    &Event::session_id,
    &Event::trace_id,
    &Event::user,
    &Event::team,
    &Event::provider,
    &Event::model,
    &Event::endpoint,
    &Event::error_type,
    &Event::prompt_name,
    &Event::prompt_version,
    &Event::input_hash,  // bit 13: a log written before it never sets the bit
};
constexpr uint64_t kStringMaskBits = (uint64_t{1} << kCodecStringFields.size()) - 1;

// The order of optional values in value_mask; append only.
constexpr std::array<std::optional<int64_t> Event::*, 6> kCodecIntFields = {
    &Event::input_tokens,       &Event::output_tokens,    &Event::cached_input_tokens,
    &Event::cache_write_tokens, &Event::reasoning_tokens, &Event::cost_nano_usd,
};
constexpr int kBitHttpStatus = 0;
constexpr int kBitFirstInt = 1;  // bits 1..6: kCodecIntFields
constexpr int kBitLatency = 7;
constexpr int kBitTtft = 8;
constexpr int kBitCacheHitPresent = 9;
constexpr int kBitCacheHitTrue = 10;
constexpr int kBitStreamingPresent = 11;
constexpr int kBitStreamingTrue = 12;
constexpr uint64_t kValueMaskBits = (uint64_t{1} << 13) - 1;

// The smallest encoding of an event (masks, ts, enum byte, two counts), used to reject counts
// that cannot fit in the remaining bytes before reserving memory for them.
constexpr size_t kMinEventBytes = 6;

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

// The encoder writes through a raw cursor into space reserved for the event's largest possible
// encoding (MaxEncodedBytes), so no append checks capacity on the way.
char* PutVarint(char* out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

char* PutString(char* out, std::string_view value) {
  out = PutVarint(out, value.size());
  std::memcpy(out, value.data(), value.size());
  return out + value.size();
}

char* PutDouble(char* out, double value) {
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  for (int byte_idx = 0; byte_idx < 8; ++byte_idx) out[byte_idx] = static_cast<char>(bits >> (8 * byte_idx));
  return out + 8;
}

constexpr size_t kMaxVarintBytes = 10;

// An upper bound of EncodeEvent's output: every varint at its longest.
size_t MaxEncodedBytes(const Event& event) {
  size_t bytes = 3 * kMaxVarintBytes + 1;                                  // masks, ts, enums
  for (auto field : kCodecStringFields) bytes += kMaxVarintBytes + (event.*field).size();
  bytes += (1 + kCodecIntFields.size()) * kMaxVarintBytes + 2 * 8;        // http_status, ints, doubles
  bytes += 2 * kMaxVarintBytes;                                           // the two counts
  for (const auto& [name, value] : event.scores) bytes += kMaxVarintBytes + name.size() + 8;
  for (const auto& [key, value] : event.tags) bytes += 2 * kMaxVarintBytes + key.size() + value.size();
  return bytes;
}

char* EncodeEvent(const Event& event, int64_t previous_ts, char* out) {
  uint64_t string_mask = 0;
  for (size_t field_idx = 0; field_idx < kCodecStringFields.size(); ++field_idx) {
    if (!(event.*kCodecStringFields[field_idx]).empty()) string_mask |= uint64_t{1} << field_idx;
  }
  uint64_t value_mask = 0;
  auto set = [&](int bit, bool on) { value_mask |= on ? uint64_t{1} << bit : 0; };
  set(kBitHttpStatus, event.http_status.has_value());
  for (size_t int_idx = 0; int_idx < kCodecIntFields.size(); ++int_idx) {
    set(kBitFirstInt + static_cast<int>(int_idx), (event.*kCodecIntFields[int_idx]).has_value());
  }
  set(kBitLatency, event.latency_ms.has_value());
  set(kBitTtft, event.ttft_ms.has_value());
  set(kBitCacheHitPresent, event.cache_hit.has_value());
  set(kBitCacheHitTrue, event.cache_hit.value_or(false));
  set(kBitStreamingPresent, event.streaming.has_value());
  set(kBitStreamingTrue, event.streaming.value_or(false));

  out = PutVarint(out, string_mask);
  out = PutVarint(out, value_mask);
  // Unsigned subtraction wraps instead of overflowing; decoding adds it back the same way.
  out = PutVarint(out, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(event.ts_ms) -
                                                   static_cast<uint64_t>(previous_ts))));
  *out++ = static_cast<char>(static_cast<uint8_t>(event.operation) | static_cast<uint8_t>(event.status) << 4);
  for (auto field : kCodecStringFields) {
    if (!(event.*field).empty()) out = PutString(out, event.*field);
  }
  if (event.http_status) out = PutVarint(out, ZigZag(*event.http_status));
  for (auto field : kCodecIntFields) {
    if (event.*field) out = PutVarint(out, ZigZag(*(event.*field)));
  }
  if (event.latency_ms) out = PutDouble(out, *event.latency_ms);
  if (event.ttft_ms) out = PutDouble(out, *event.ttft_ms);
  out = PutVarint(out, event.scores.size());
  for (const auto& [name, value] : event.scores) {
    out = PutString(out, name);
    out = PutDouble(out, value);
  }
  out = PutVarint(out, event.tags.size());
  for (const auto& [key, value] : event.tags) {
    out = PutString(out, key);
    out = PutString(out, value);
  }
  return out;
}

// Bounds-checked cursor over a payload. The first failure sticks; callers check ok() at points
// where a bad value would otherwise be used (counts, enums).
class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}

  bool ok() const { return error_ == nullptr; }
  size_t remaining() const { return data_.size() - pos_; }
  Status status() const {
    return Status::Corruption(std::string("event batch: ") + error_ + " at payload offset " +
                              std::to_string(error_pos_));
  }
  void Fail(const char* what) {
    if (error_ == nullptr) {
      error_ = what;
      error_pos_ = pos_;
    }
  }

  uint8_t Byte() {
    if (!ok() || remaining() < 1) return Fail("truncated byte"), 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && ok(); shift += 7) {
      if (remaining() < 1) return Fail("truncated varint"), 0;
      uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 63 && byte > 1) return Fail("varint overflows 64 bits"), 0;
      value |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Fail("varint too long"), 0;
  }
  double Double() {
    if (!ok() || remaining() < 8) return Fail("truncated double"), 0;
    uint64_t bits = 0;
    for (int byte_idx = 0; byte_idx < 8; ++byte_idx) {
      bits |= uint64_t{static_cast<uint8_t>(data_[pos_ + byte_idx])} << (8 * byte_idx);
    }
    pos_ += 8;
    return std::bit_cast<double>(bits);
  }
  std::string String() {
    uint64_t len = Varint();
    if (!ok()) return {};
    if (len > remaining()) return Fail("string length past end of payload"), std::string();
    std::string value(data_.substr(pos_, len));
    pos_ += len;
    return value;
  }
  // A count of items that take at least `min_item_bytes` each.
  size_t Count(size_t min_item_bytes) {
    uint64_t count = Varint();
    if (ok() && count > remaining() / min_item_bytes) return Fail("count larger than payload"), 0;
    return ok() ? static_cast<size_t>(count) : 0;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  const char* error_ = nullptr;
  size_t error_pos_ = 0;
};

void DecodeEvent(Decoder& in, int64_t previous_ts, Event* event) {
  uint64_t string_mask = in.Varint();
  uint64_t value_mask = in.Varint();
  uint64_t ts_delta = in.Varint();
  uint8_t enums = in.Byte();
  if (!in.ok()) return;
  if ((string_mask & ~kStringMaskBits) != 0 || (value_mask & ~kValueMaskBits) != 0) {
    return in.Fail("unknown field bits");
  }
  event->ts_ms = static_cast<int64_t>(static_cast<uint64_t>(previous_ts) +
                                      static_cast<uint64_t>(UnZigZag(ts_delta)));
  uint8_t operation = enums & 0x0f;
  uint8_t status = enums >> 4;
  if (operation >= kOperationCount || status > static_cast<uint8_t>(EventStatus::kError)) {
    return in.Fail("unknown operation or status");
  }
  event->operation = static_cast<Operation>(operation);
  event->status = static_cast<EventStatus>(status);
  for (size_t field_idx = 0; field_idx < kCodecStringFields.size(); ++field_idx) {
    // Assigned either way: absent means empty, not the struct's default ("default").
    event->*kCodecStringFields[field_idx] =
        (string_mask >> field_idx & 1) ? in.String() : std::string();
  }
  auto has = [&](int bit) { return (value_mask >> bit & 1) != 0; };
  if (has(kBitHttpStatus)) {
    int64_t value = UnZigZag(in.Varint());
    if (value < std::numeric_limits<int32_t>::min() ||
        value > std::numeric_limits<int32_t>::max()) {
      return in.Fail("http_status out of range");
    }
    event->http_status = static_cast<int32_t>(value);
  }
  for (size_t int_idx = 0; int_idx < kCodecIntFields.size(); ++int_idx) {
    if (has(kBitFirstInt + static_cast<int>(int_idx))) {
      event->*kCodecIntFields[int_idx] = UnZigZag(in.Varint());
    }
  }
  if (has(kBitLatency)) event->latency_ms = in.Double();
  if (has(kBitTtft)) event->ttft_ms = in.Double();
  if (has(kBitCacheHitPresent)) event->cache_hit = has(kBitCacheHitTrue);
  if (has(kBitStreamingPresent)) event->streaming = has(kBitStreamingTrue);
  if ((!has(kBitCacheHitPresent) && has(kBitCacheHitTrue)) ||
      (!has(kBitStreamingPresent) && has(kBitStreamingTrue))) {
    return in.Fail("boolean value without presence bit");
  }

  size_t score_count = in.Count(1 + 8);
  event->scores.reserve(score_count);
  for (size_t score_idx = 0; score_idx < score_count && in.ok(); ++score_idx) {
    std::string name = in.String();
    double value = in.Double();
    event->scores.emplace_back(std::move(name), value);
  }
  size_t tag_count = in.Count(2);
  event->tags.reserve(tag_count);
  for (size_t tag_idx = 0; tag_idx < tag_count && in.ok(); ++tag_idx) {
    std::string key = in.String();
    std::string value = in.String();
    event->tags.emplace_back(std::move(key), std::move(value));
  }
}

}  // namespace

void EncodeEventBatch(std::span<const Event> events, std::string* out) {
  size_t max_bytes = 1 + kMaxVarintBytes;
  for (const Event& event : events) max_bytes += MaxEncodedBytes(event);
  const size_t start = out->size();
  out->resize(start + max_bytes);
  char* cursor = out->data() + start;
  *cursor++ = static_cast<char>(kEventCodecVersion);
  cursor = PutVarint(cursor, events.size());
  int64_t previous_ts = 0;
  for (const Event& event : events) {
    cursor = EncodeEvent(event, previous_ts, cursor);
    previous_ts = event.ts_ms;
  }
  out->resize(static_cast<size_t>(cursor - out->data()));
}

Result<EventBatch> DecodeEventBatch(std::string_view payload) {
  Decoder in(payload);
  uint8_t version = in.Byte();
  if (in.ok() && version != kEventCodecVersion) {
    return Status::Corruption("event batch: unsupported encoding version " +
                              std::to_string(version));
  }
  size_t count = in.Count(kMinEventBytes);
  EventBatch batch;
  batch.reserve(count);
  int64_t previous_ts = 0;
  for (size_t event_idx = 0; event_idx < count && in.ok(); ++event_idx) {
    Event& event = batch.emplace_back();
    DecodeEvent(in, previous_ts, &event);
    previous_ts = event.ts_ms;
  }
  if (in.ok() && in.remaining() != 0) in.Fail("trailing bytes");
  if (!in.ok()) return in.status();
  return batch;
}

}  // namespace mltrack::store
