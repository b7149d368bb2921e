#pragma once
// The part of an OTLP trace export (opentelemetry/proto/trace/v1/trace.proto) that MLtrack reads,
// as both decoders (protobuf and JSON) produce it: resources with their attributes, and every
// span flattened into one list in request order. Strings are views into the request body, the
// JSON parser's buffers or `TraceData::owned`: a TraceData is valid only as long as the decoder
// call's input and the decoder that made it.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack::ingest::otlp {

// An OTLP AnyValue. Arrays and key-value lists are kept as JSON text (they only ever become tag
// values); bytes are kept as lower-case hex.
struct AttributeValue {
  enum class Kind : uint8_t { kEmpty, kString, kBool, kInt, kDouble, kBytes, kArray, kKvList };
  Kind kind = Kind::kEmpty;
  std::string_view text;  // kString, kBytes (hex), kArray and kKvList (JSON)
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
};

struct Attribute {
  std::string_view key;
  AttributeValue value;
};

struct SpanEvent {
  uint64_t time_unix_nano = 0;
  std::string_view name;
};

enum class SpanStatusCode : uint8_t { kUnset = 0, kOk = 1, kError = 2 };

// Where a span sits in the request, for error messages:
// "resourceSpans[r].scopeSpans[s].spans[i]".
struct SpanPosition {
  uint32_t resource = 0;
  uint32_t scope = 0;
  uint32_t span = 0;
  std::string str() const;
};

struct Span {
  std::string_view trace_id;  // lower-case hex; empty when absent
  std::string_view span_id;
  std::string_view name;
  uint64_t start_time_unix_nano = 0;
  uint64_t end_time_unix_nano = 0;
  std::vector<Attribute> attributes;
  std::vector<SpanEvent> events;
  SpanStatusCode status_code = SpanStatusCode::kUnset;
  std::string_view status_message;
  SpanPosition position;  // position.resource indexes TraceData::resources
};

struct TraceData {
  std::vector<std::vector<Attribute>> resources;  // each ResourceSpans' resource attributes
  std::vector<Span> spans;
  // Storage for strings that are not in the input as such (hex ids, JSON text of arrays).
  std::deque<std::string> owned;

  std::string_view Own(std::string text) { return owned.emplace_back(std::move(text)); }
};

// Limits both decoders enforce, so that a small body cannot make a huge TraceData: nesting of
// AnyValue arrays/lists beyond kMaxValueDepth is refused (real attributes nest one or two deep).
inline constexpr int kMaxValueDepth = 16;

// "0a1b..." for raw id bytes.
std::string HexId(std::string_view bytes);

}  // namespace mltrack::ingest::otlp
