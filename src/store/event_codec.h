#pragma once
// The binary encoding of an EventBatch inside a WAL record (docs/wal_format.md, "Payload").
//
//   batch := u8 version (1) · varint event_count · event*
//   event := varint string_mask · varint value_mask · varint zigzag(ts_ms − previous ts_ms)
//            · u8 (operation | status << 4) · string* · value* · varint n · (string, f64)^n scores
//            · varint m · (string, string)^m tags
//
// string_mask bit i: string field i is non-empty and follows as varint length + bytes, in the
// order of kCodecStringFields (event_codec.cc). value_mask bit i: optional value i is present;
// ints follow as zigzag varints, doubles as 8-byte little-endian IEEE 754; the booleans live in
// the mask itself (a "present" bit and a "true" bit). The timestamp is a delta from the
// previous event of the batch (the first from 0), so sorted batches cost one or two bytes.

#include <span>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace mltrack::store {

inline constexpr uint8_t kEventCodecVersion = 1;

// Appends the encoding of `events` to `*out`. Encodes any Event, valid or not; never fails.
void EncodeEventBatch(std::span<const Event> events, std::string* out);

// Decodes a payload produced by EncodeEventBatch. Every length and count is checked against the
// bytes that remain, so damaged input yields kCorruption (with the byte offset where decoding
// stopped), never an out-of-bounds read or a huge allocation. Trailing bytes, unknown mask
// bits, out-of-range enums and an unknown version are corruption too. Thread-safe (pure).
Result<EventBatch> DecodeEventBatch(std::string_view payload);

}  // namespace mltrack::store
