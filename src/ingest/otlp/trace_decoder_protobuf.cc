// DecodeTracesProtobuf: ExportTraceServiceRequest in the protobuf wire format, read directly
// (field numbers from opentelemetry/proto/{collector/trace,trace,resource,common}/v1/*.proto).
#include <simdjson.h>

#include <bit>
#include <string>
#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "ingest/otlp/protobuf_wire.h"
#include "ingest/otlp/error_path.h"
#include "ingest/otlp/trace_decoder.h"

namespace mltrack::ingest::otlp {
namespace {

// Field numbers.
namespace request { constexpr uint32_t kResourceSpans = 1; }
namespace resource_spans {
constexpr uint32_t kResource = 1, kScopeSpans = 2, kInstrumentationLibrarySpans = 1000;  // 1000: pre-1.0 name
}
namespace resource { constexpr uint32_t kAttributes = 1; }
namespace scope_spans { constexpr uint32_t kSpans = 2; }
namespace span {
constexpr uint32_t kTraceId = 1, kSpanId = 2, kName = 5, kStartTime = 7, kEndTime = 8, kAttributes = 9,
                   kEvents = 11, kStatus = 15;
}
namespace event { constexpr uint32_t kTime = 1, kName = 2; }
namespace status { constexpr uint32_t kMessage = 2, kCode = 3; }
namespace key_value { constexpr uint32_t kKey = 1, kValue = 2; }
namespace any_value {
constexpr uint32_t kString = 1, kBool = 2, kInt = 3, kDouble = 4, kArray = 5, kKvList = 6, kBytes = 7;
}
namespace list { constexpr uint32_t kValues = 1; }  // ArrayValue.values and KeyValueList.values

class Decoder {
 public:
  explicit Decoder(TraceData& out) : out_(out) {}

  bool Request(std::string_view bytes) {
    ProtoReader reader(bytes);
    uint32_t resource_idx = 0;
    while (reader.Next()) {
      if (reader.field() != request::kResourceSpans) continue;
      Scope scope(path_, "resourceSpans", resource_idx);
      if (!Expect(reader, WireType::kLengthDelimited) || !ResourceSpans(reader.bytes(), resource_idx)) return false;
      ++resource_idx;
    }
    return Done(reader);
  }

  const ErrorPath& error() const { return path_; }

 private:
  using Scope = ErrorPath::Scope;

  bool Fail(std::string reason) { return path_.Fail(std::move(reason)); }
  // After a message's last field: false when the reader stopped on malformed bytes.
  bool Done(const ProtoReader& reader) {
    if (reader.error().empty()) return true;
    return Fail("malformed protobuf at byte " + std::to_string(reader.offset()) + " of this message: " +
                std::string(reader.error()));
  }
  bool Expect(const ProtoReader& reader, WireType type) {
    if (reader.wire_type() == type) return true;
    return Fail("field " + std::to_string(reader.field()) + " has wire type " +
                std::string(WireTypeName(reader.wire_type())) + ", expected " + std::string(WireTypeName(type)));
  }
  bool Utf8(std::string_view text, std::string_view& out) {
    if (!simdjson::validate_utf8(text.data(), text.size())) return Fail("string is not valid UTF-8");
    out = text;
    return true;
  }

  bool ResourceSpans(std::string_view bytes, uint32_t resource_idx) {
    out_.resources.emplace_back();
    ProtoReader reader(bytes);
    uint32_t scope_idx = 0;
    while (reader.Next()) {
      switch (reader.field()) {
        case resource_spans::kResource: {
          Scope scope(path_, "resource");
          if (!Expect(reader, WireType::kLengthDelimited) || !Resource(reader.bytes(), resource_idx)) return false;
          break;
        }
        case resource_spans::kScopeSpans:
        case resource_spans::kInstrumentationLibrarySpans: {
          Scope scope(path_, "scopeSpans", scope_idx);
          if (!Expect(reader, WireType::kLengthDelimited) || !ScopeSpans(reader.bytes(), resource_idx, scope_idx)) {
            return false;
          }
          ++scope_idx;
          break;
        }
        default: break;
      }
    }
    return Done(reader);
  }

  bool Resource(std::string_view bytes, uint32_t resource_idx) {
    ProtoReader reader(bytes);
    while (reader.Next()) {
      if (reader.field() != resource::kAttributes) continue;
      std::vector<Attribute>& attributes = out_.resources[resource_idx];
      Scope scope(path_, "attributes", static_cast<int64_t>(attributes.size()));
      if (!Expect(reader, WireType::kLengthDelimited)) return false;
      if (!KeyValue(reader.bytes(), attributes.emplace_back())) return false;
    }
    return Done(reader);
  }

  bool ScopeSpans(std::string_view bytes, uint32_t resource_idx, uint32_t scope_idx) {
    ProtoReader reader(bytes);
    uint32_t span_idx = 0;
    while (reader.Next()) {
      if (reader.field() != scope_spans::kSpans) continue;
      Scope scope(path_, "spans", span_idx);
      if (!Expect(reader, WireType::kLengthDelimited)) return false;
      Span& span = out_.spans.emplace_back();
      span.position = {resource_idx, scope_idx, span_idx};
      if (!DecodeSpan(reader.bytes(), span)) return false;
      ++span_idx;
    }
    return Done(reader);
  }

  bool Id(const ProtoReader& reader, size_t size, std::string_view name, std::string_view& out) {
    Scope scope(path_, name);
    if (!Expect(reader, WireType::kLengthDelimited)) return false;
    if (reader.bytes().empty()) {
      out = {};
      return true;
    }
    if (reader.bytes().size() != size) {
      return Fail("must be " + std::to_string(size) + " bytes, got " + std::to_string(reader.bytes().size()));
    }
    out = out_.Own(HexId(reader.bytes()));
    return true;
  }

  bool DecodeSpan(std::string_view bytes, Span& span) {
    ProtoReader reader(bytes);
    while (reader.Next()) {
      switch (reader.field()) {
        case span::kTraceId:
          if (!Id(reader, 16, "traceId", span.trace_id)) return false;
          break;
        case span::kSpanId:
          if (!Id(reader, 8, "spanId", span.span_id)) return false;
          break;
        case span::kName: {
          Scope scope(path_, "name");
          if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), span.name)) return false;
          break;
        }
        case span::kStartTime: {
          Scope scope(path_, "startTimeUnixNano");
          if (!Expect(reader, WireType::kFixed64)) return false;
          span.start_time_unix_nano = reader.number();
          break;
        }
        case span::kEndTime: {
          Scope scope(path_, "endTimeUnixNano");
          if (!Expect(reader, WireType::kFixed64)) return false;
          span.end_time_unix_nano = reader.number();
          break;
        }
        case span::kAttributes: {
          Scope scope(path_, "attributes", static_cast<int64_t>(span.attributes.size()));
          if (!Expect(reader, WireType::kLengthDelimited) || !KeyValue(reader.bytes(), span.attributes.emplace_back())) {
            return false;
          }
          break;
        }
        case span::kEvents: {
          Scope scope(path_, "events", static_cast<int64_t>(span.events.size()));
          if (!Expect(reader, WireType::kLengthDelimited) || !Event(reader.bytes(), span.events.emplace_back())) {
            return false;
          }
          break;
        }
        case span::kStatus: {
          Scope scope(path_, "status");
          if (!Expect(reader, WireType::kLengthDelimited) || !Status(reader.bytes(), span)) return false;
          break;
        }
        default: break;
      }
    }
    return Done(reader);
  }

  bool Event(std::string_view bytes, SpanEvent& event) {
    ProtoReader reader(bytes);
    while (reader.Next()) {
      if (reader.field() == event::kTime) {
        Scope scope(path_, "timeUnixNano");
        if (!Expect(reader, WireType::kFixed64)) return false;
        event.time_unix_nano = reader.number();
      } else if (reader.field() == event::kName) {
        Scope scope(path_, "name");
        if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), event.name)) return false;
      }
    }
    return Done(reader);
  }

  bool Status(std::string_view bytes, Span& span) {
    ProtoReader reader(bytes);
    while (reader.Next()) {
      if (reader.field() == status::kMessage) {
        Scope scope(path_, "message");
        if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), span.status_message)) return false;
      } else if (reader.field() == status::kCode) {
        Scope scope(path_, "code");
        if (!Expect(reader, WireType::kVarint)) return false;
        if (reader.number() > 2) return Fail("must be 0 (unset), 1 (ok) or 2 (error), got " + std::to_string(reader.number()));
        span.status_code = static_cast<SpanStatusCode>(reader.number());
      }
    }
    return Done(reader);
  }

  bool KeyValue(std::string_view bytes, Attribute& attribute) {
    ProtoReader reader(bytes);
    while (reader.Next()) {
      if (reader.field() == key_value::kKey) {
        Scope scope(path_, "key");
        if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), attribute.key)) return false;
      } else if (reader.field() == key_value::kValue) {
        Scope scope(path_, "value");
        if (!Expect(reader, WireType::kLengthDelimited) || !AnyValue(reader.bytes(), attribute.value)) return false;
      }
    }
    return Done(reader);
  }

  // One AnyValue. Arrays and key-value lists become JSON text (AppendJson).
  bool AnyValue(std::string_view bytes, AttributeValue& value) {
    using Kind = AttributeValue::Kind;
    ProtoReader reader(bytes);
    while (reader.Next()) {
      switch (reader.field()) {
        case any_value::kString:
          if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), value.text)) return false;
          value.kind = Kind::kString;
          break;
        case any_value::kBool:
          if (!Expect(reader, WireType::kVarint)) return false;
          value.kind = Kind::kBool;
          value.bool_value = reader.number() != 0;
          break;
        case any_value::kInt:
          if (!Expect(reader, WireType::kVarint)) return false;
          value.kind = Kind::kInt;
          value.int_value = static_cast<int64_t>(reader.number());
          break;
        case any_value::kDouble:
          if (!Expect(reader, WireType::kFixed64)) return false;
          value.kind = Kind::kDouble;
          value.double_value = std::bit_cast<double>(reader.number());
          break;
        case any_value::kBytes:
          if (!Expect(reader, WireType::kLengthDelimited)) return false;
          value.kind = Kind::kBytes;
          value.text = out_.Own(HexId(reader.bytes()));
          break;
        case any_value::kArray:
        case any_value::kKvList: {
          if (!Expect(reader, WireType::kLengthDelimited)) return false;
          const bool is_array = reader.field() == any_value::kArray;
          std::string json;
          if (!(is_array ? AppendArrayJson(reader.bytes(), json, 1) : AppendKvListJson(reader.bytes(), json, 1))) {
            return false;
          }
          value.kind = is_array ? Kind::kArray : Kind::kKvList;
          value.text = out_.Own(std::move(json));
          break;
        }
        default: break;
      }
    }
    return Done(reader);
  }

  bool AppendArrayJson(std::string_view bytes, std::string& json, int depth) {
    if (depth > kMaxValueDepth) return Fail("values nested more than " + std::to_string(kMaxValueDepth) + " deep");
    json += '[';
    ProtoReader reader(bytes);
    bool first = true;
    while (reader.Next()) {
      if (reader.field() != list::kValues) continue;
      if (!Expect(reader, WireType::kLengthDelimited)) return false;
      if (!first) json += ',';
      first = false;
      if (!AppendValueJson(reader.bytes(), json, depth)) return false;
    }
    json += ']';
    return Done(reader);
  }

  bool AppendKvListJson(std::string_view bytes, std::string& json, int depth) {
    if (depth > kMaxValueDepth) return Fail("values nested more than " + std::to_string(kMaxValueDepth) + " deep");
    json += '{';
    ProtoReader reader(bytes);
    bool first = true;
    while (reader.Next()) {
      if (reader.field() != list::kValues) continue;
      if (!Expect(reader, WireType::kLengthDelimited)) return false;
      ProtoReader entry(reader.bytes());
      std::string_view key;
      std::string_view value_bytes;
      while (entry.Next()) {
        if (entry.field() == key_value::kKey) {
          if (!Expect(entry, WireType::kLengthDelimited) || !Utf8(entry.bytes(), key)) return false;
        } else if (entry.field() == key_value::kValue) {
          if (!Expect(entry, WireType::kLengthDelimited)) return false;
          value_bytes = entry.bytes();
        }
      }
      if (!Done(entry)) return false;
      if (!first) json += ',';
      first = false;
      AppendJsonString(json, key);
      json += ':';
      if (!AppendValueJson(value_bytes, json, depth)) return false;
    }
    json += '}';
    return Done(reader);
  }

  // A nested AnyValue as JSON; an empty AnyValue is null.
  bool AppendValueJson(std::string_view bytes, std::string& json, int depth) {
    ProtoReader reader(bytes);
    std::string value = "null";
    while (reader.Next()) {
      JsonWriter writer;
      switch (reader.field()) {
        case any_value::kString: {
          std::string_view text;
          if (!Expect(reader, WireType::kLengthDelimited) || !Utf8(reader.bytes(), text)) return false;
          writer.String(text);
          break;
        }
        case any_value::kBool:
          if (!Expect(reader, WireType::kVarint)) return false;
          writer.Bool(reader.number() != 0);
          break;
        case any_value::kInt:
          if (!Expect(reader, WireType::kVarint)) return false;
          writer.Int(static_cast<int64_t>(reader.number()));
          break;
        case any_value::kDouble:
          if (!Expect(reader, WireType::kFixed64)) return false;
          writer.Double(std::bit_cast<double>(reader.number()));
          break;
        case any_value::kBytes:
          if (!Expect(reader, WireType::kLengthDelimited)) return false;
          writer.String(HexId(reader.bytes()));
          break;
        case any_value::kArray:
        case any_value::kKvList: {
          if (!Expect(reader, WireType::kLengthDelimited)) return false;
          std::string nested;
          const bool ok = reader.field() == any_value::kArray ? AppendArrayJson(reader.bytes(), nested, depth + 1)
                                                              : AppendKvListJson(reader.bytes(), nested, depth + 1);
          if (!ok) return false;
          writer.Raw(nested);
          break;
        }
        default: continue;
      }
      value = std::move(writer).Take();
    }
    if (!Done(reader)) return false;
    json += value;
    return true;
  }

  TraceData& out_;
  ErrorPath path_;
};

}  // namespace

Result<TraceData> DecodeTracesProtobuf(std::string_view body) {
  TraceData traces;
  Decoder decoder(traces);
  if (!decoder.Request(body)) {
    return Status::InvalidArgument("malformed OTLP protobuf",
                                   {ErrorDetail{-1, decoder.error().where(), decoder.error().reason()}});
  }
  return traces;
}

}  // namespace mltrack::ingest::otlp
