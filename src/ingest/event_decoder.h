#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "ingest/content_type.h"

namespace mltrack::ingest {

// Bytes that must be readable after the end of a body handed to DecodePadded (simdjson reads
// up to this far past the end; their values do not matter). Equal to SIMDJSON_PADDING.
inline constexpr size_t kDecodePadding = 64;

// At most this many problems are listed in an error (all are counted; a final detail says how
// many were left out), so that a huge bad body does not produce a huge response.
inline constexpr size_t kMaxListedProblems = 1000;

// Decodes an ingest body (JSON object, JSON array or NDJSON; see BodyFormat) into events and
// validates the batch whole against schema v1 (docs/event_schema.md).
//
// On success every event is valid and defaults are applied (experiment "default", operation
// chat, status ok). On failure nothing is returned and the Status is InvalidArgument:
//   - "N of M events are invalid; nothing was stored" with one ErrorDetail per problem of every
//     event: index = position in the array / the NDJSON event counter (blank lines do not count),
//     field = JSON name ("input_tokens", "tags.env"; "" for the event as a whole), reason;
//   - "malformed JSON; nothing was stored" for a JSON object / array body that does not parse,
//     with one detail {-1, "body", "malformed JSON at line L, column C (byte B): ..."}
//     (a malformed NDJSON line is instead a problem of that event, and the other lines are
//     still checked);
//   - "empty body; nothing was stored" / "invalid body; nothing was stored" (detail field
//     "body") when there is no event or the JSON is neither an object nor an array.
//
// Holds simdjson's parser, whose buffers are reused between calls: keep one per thread (e.g.
// one per HTTP session). Not thread-safe.
class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Zero-copy: `body` must be followed by kDecodePadding readable bytes (e.g. a std::string
  // whose capacity() ≥ size() + kDecodePadding). The caller keeps ownership; nothing is written.
  Result<EventBatch> DecodePadded(std::string_view body, BodyFormat format);

  // Copies `body` once into a padded buffer, then decodes it.
  Result<EventBatch> Decode(std::string_view body, BodyFormat format);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot helpers with a fresh decoder.
Result<EventBatch> DecodeEvents(std::string_view body, BodyFormat format);
// Reserves kDecodePadding spare bytes in `*body` (free when the reader reserved them up front,
// one reallocation otherwise) and decodes it in place; the contents of `*body` are unchanged.
Result<EventBatch> DecodeEvents(std::string* body, BodyFormat format);

}  // namespace mltrack::ingest
