#pragma once
// Decoders of an OTLP/HTTP trace export body (ExportTraceServiceRequest) into TraceData: binary
// protobuf (Content-Type application/x-protobuf) and OTLP/JSON (application/json).
//
// Both fail with InvalidArgument ("malformed OTLP protobuf", "malformed OTLP JSON" for JSON that
// does not parse, "invalid OTLP JSON" for JSON that is not an export) and one ErrorDetail whose
// field is the path of the bad part in
// OTLP/JSON names ("resourceSpans[0].scopeSpans[1].spans[2].attributes[3].value") and whose
// reason says what is wrong; nothing is returned then. Unknown fields are skipped, as the OTLP
// specification requires of receivers. Strings must be valid UTF-8 (proto3 requires it of
// `string` fields); ids must be 16 (trace) and 8 (span) bytes, or absent.

#include <memory>
#include <string_view>

#include "core/status.h"
#include "ingest/otlp/trace_data.h"

namespace mltrack::ingest::otlp {

// The result's views point into `body`, which must outlive it.
Result<TraceData> DecodeTracesProtobuf(std::string_view body);

// Reads OTLP/JSON: lowerCamelCase keys (the proto field names, as proto3 JSON parsers also
// accept), ids as hex strings, 64-bit integers as JSON numbers or decimal strings, enums as
// numbers or their names ("SPAN_KIND_CLIENT", "STATUS_CODE_ERROR"). Holds simdjson's parser,
// whose buffers the result's views point into: the result is valid until the next Decode call.
// Not thread-safe; keep one per thread.
class JsonTraceDecoder {
 public:
  JsonTraceDecoder();
  ~JsonTraceDecoder();
  JsonTraceDecoder(const JsonTraceDecoder&) = delete;
  JsonTraceDecoder& operator=(const JsonTraceDecoder&) = delete;

  Result<TraceData> Decode(std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::ingest::otlp
