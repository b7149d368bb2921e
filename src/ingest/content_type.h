#pragma once

#include <string_view>

#include "core/status.h"

namespace mltrack::ingest {

// How an ingest body is framed (docs/event_schema.md, "Bodies").
enum class BodyFormat : uint8_t {
  // One JSON object (one event), one JSON array (many events), or JSON lines (several objects,
  // one per line) — told apart by content. The three never overlap: a body whose first line is a
  // complete object and that has more after it is not valid JSON, so reading it as lines never
  // changes the meaning of a valid JSON document.
  kJson = 0,
  // Strictly one JSON object per non-blank line (NDJSON / JSON Lines); '\r\n' line ends allowed.
  kNdjson,
};

std::string_view BodyFormatName(BodyFormat format);

// Maps the value of a Content-Type header to a body format:
//   application/json, text/json, application/<anything>+json     → kJson
//   application/x-ndjson, application/ndjson, application/jsonl,
//   application/x-jsonl, application/jsonlines, application/x-jsonlines → kNdjson
//   text/plain, or an empty / absent header                      → kJson (detected by content)
// Type and parameter names are case-insensitive; parameters are allowed, but a `charset` other
// than utf-8 is refused because the schema's strings are UTF-8. Anything else is
// UnsupportedMediaType naming the type and the accepted ones.
Result<BodyFormat> BodyFormatFromContentType(std::string_view content_type);

}  // namespace mltrack::ingest
