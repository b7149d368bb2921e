// JsonTraceDecoder: OTLP/JSON (opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) read
// with simdjson's DOM, the same messages and fields as trace_decoder_protobuf.cc.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "ingest/otlp/error_path.h"
#include "ingest/otlp/trace_decoder.h"

namespace mltrack::ingest::otlp {
namespace {

namespace dom = simdjson::dom;
using Kind = AttributeValue::Kind;

// A key names a field in its lowerCamelCase JSON name or its proto name.
bool Is(std::string_view key, std::string_view camel, std::string_view snake = {}) {
  return key == camel || (!snake.empty() && key == snake);
}

std::string_view TypeNoun(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "something else";
}

// Standard or URL-safe base64, padding optional; nullopt when `text` is not base64.
std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= 'A' && c <= 'Z') digit = c - 'A';
    else if (c >= 'a' && c <= 'z') digit = c - 'a' + 26;
    else if (c >= '0' && c <= '9') digit = c - '0' + 52;
    else if (c == '+' || c == '-') digit = 62;
    else if (c == '/' || c == '_') digit = 63;
    if (digit < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone sixth character
  return out;
}

class Decoder {
 public:
  explicit Decoder(TraceData& out) : out_(out) {}

  bool Request(dom::element root) {
    dom::object object;
    if (root.get(object) != simdjson::SUCCESS) return Fail("must be a JSON object, got " + Noun(root));
    for (auto [key, value] : object) {
      if (!Is(key, "resourceSpans", "resource_spans") || value.is_null()) continue;
      if (!ForEach(value, "resourceSpans", [&](dom::element item, int64_t idx) {
            return ResourceSpans(item, static_cast<uint32_t>(idx));
          })) {
        return false;
      }
    }
    return true;
  }

  const ErrorPath& error() const { return path_; }

 private:
  using Scope = ErrorPath::Scope;

  static std::string Noun(dom::element value) { return std::string(TypeNoun(value.type())); }
  bool Fail(std::string reason) { return path_.Fail(std::move(reason)); }

  // Calls `each(element, index)` for every element of the array `value` under the name `name`.
  template <typename Each>
  bool ForEach(dom::element value, std::string_view name, Each&& each) {
    dom::array array;
    if (value.get(array) != simdjson::SUCCESS) {
      Scope scope(path_, name);
      return Fail("must be an array, got " + Noun(value));
    }
    int64_t idx = 0;
    for (dom::element item : array) {
      Scope scope(path_, name, idx);
      if (!each(item, idx)) return false;
      ++idx;
    }
    return true;
  }

  bool Object(dom::element value, dom::object& object) {
    if (value.get(object) == simdjson::SUCCESS) return true;
    return Fail("must be an object, got " + Noun(value));
  }

  bool String(dom::element value, std::string_view& out) {
    if (value.get(out) == simdjson::SUCCESS) return true;
    return Fail("must be a string, got " + Noun(value));
  }

  // A 64-bit unsigned integer: a JSON number or a decimal string (proto3 JSON for fixed64).
  bool Unsigned(dom::element value, uint64_t& out) {
    if (value.get(out) == simdjson::SUCCESS) return true;
    std::string_view text;
    if (value.get(text) == simdjson::SUCCESS) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return true;
      return Fail("must be an unsigned 64-bit integer, got \"" + std::string(text.substr(0, 40)) + "\"");
    }
    return Fail("must be an unsigned 64-bit integer (a number or a decimal string), got " + Noun(value));
  }

  bool Signed(dom::element value, int64_t& out) {
    if (value.get(out) == simdjson::SUCCESS) return true;
    std::string_view text;
    if (value.get(text) == simdjson::SUCCESS) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return true;
      return Fail("must be a 64-bit integer, got \"" + std::string(text.substr(0, 40)) + "\"");
    }
    return Fail("must be a 64-bit integer (a number or a decimal string), got " + Noun(value));
  }

  bool Double(dom::element value, double& out) {
    if (value.get(out) == simdjson::SUCCESS) return true;
    std::string_view text;
    if (value.get(text) == simdjson::SUCCESS) {
      if (text == "NaN") out = std::numeric_limits<double>::quiet_NaN();
      else if (text == "Infinity") out = std::numeric_limits<double>::infinity();
      else if (text == "-Infinity") out = -std::numeric_limits<double>::infinity();
      else return Fail("must be a number, got \"" + std::string(text.substr(0, 40)) + "\"");
      return true;
    }
    return Fail("must be a number, got " + Noun(value));
  }

  bool HexId(dom::element value, size_t bytes, std::string_view& out) {
    std::string_view text;
    if (!String(value, text)) return false;
    if (text.empty()) {
      out = {};
      return true;
    }
    bool hex = text.size() == 2 * bytes;
    std::string lower(text);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
    if (!hex) return Fail("must be " + std::to_string(2 * bytes) + " hex digits, got \"" + std::string(text.substr(0, 40)) + "\"");
    out = out_.Own(std::move(lower));
    return true;
  }

  bool ResourceSpans(dom::element value, uint32_t resource_idx) {
    out_.resources.emplace_back();
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (field.is_null()) continue;
      if (Is(key, "resource")) {
        Scope scope(path_, "resource");
        dom::object resource;
        if (!Object(field, resource)) return false;
        for (auto [resource_key, resource_field] : resource) {
          if (resource_key != "attributes" || resource_field.is_null()) continue;
          if (!Attributes(resource_field, out_.resources[resource_idx])) return false;
        }
      } else if (Is(key, "scopeSpans", "scope_spans") ||
                 Is(key, "instrumentationLibrarySpans", "instrumentation_library_spans")) {
        if (!ForEach(field, "scopeSpans", [&](dom::element item, int64_t scope_idx) {
              return ScopeSpans(item, resource_idx, static_cast<uint32_t>(scope_idx));
            })) {
          return false;
        }
      }
    }
    return true;
  }

  bool ScopeSpans(dom::element value, uint32_t resource_idx, uint32_t scope_idx) {
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (key != "spans" || field.is_null()) continue;
      if (!ForEach(field, "spans", [&](dom::element item, int64_t span_idx) {
            Span& span = out_.spans.emplace_back();
            span.position = {resource_idx, scope_idx, static_cast<uint32_t>(span_idx)};
            return DecodeSpan(item, span);
          })) {
        return false;
      }
    }
    return true;
  }

  bool DecodeSpan(dom::element value, Span& span) {
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (field.is_null()) continue;
      bool ok = true;
      if (Is(key, "traceId", "trace_id")) {
        Scope scope(path_, "traceId");
        ok = HexId(field, 16, span.trace_id);
      } else if (Is(key, "spanId", "span_id")) {
        Scope scope(path_, "spanId");
        ok = HexId(field, 8, span.span_id);
      } else if (Is(key, "name")) {
        Scope scope(path_, "name");
        ok = String(field, span.name);
      } else if (Is(key, "startTimeUnixNano", "start_time_unix_nano")) {
        Scope scope(path_, "startTimeUnixNano");
        ok = Unsigned(field, span.start_time_unix_nano);
      } else if (Is(key, "endTimeUnixNano", "end_time_unix_nano")) {
        Scope scope(path_, "endTimeUnixNano");
        ok = Unsigned(field, span.end_time_unix_nano);
      } else if (Is(key, "attributes")) {
        ok = Attributes(field, span.attributes);
      } else if (Is(key, "events")) {
        ok = ForEach(field, "events", [&](dom::element item, int64_t) { return Event(item, span.events.emplace_back()); });
      } else if (Is(key, "status")) {
        Scope scope(path_, "status");
        ok = Status(field, span);
      }
      if (!ok) return false;
    }
    return true;
  }

  bool Event(dom::element value, SpanEvent& event) {
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (field.is_null()) continue;
      if (Is(key, "timeUnixNano", "time_unix_nano")) {
        Scope scope(path_, "timeUnixNano");
        if (!Unsigned(field, event.time_unix_nano)) return false;
      } else if (Is(key, "name")) {
        Scope scope(path_, "name");
        if (!String(field, event.name)) return false;
      }
    }
    return true;
  }

  bool Status(dom::element value, Span& span) {
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (field.is_null()) continue;
      if (Is(key, "message")) {
        Scope scope(path_, "message");
        if (!String(field, span.status_message)) return false;
      } else if (Is(key, "code")) {
        Scope scope(path_, "code");
        std::string_view name;
        uint64_t code = 0;
        if (field.get(name) == simdjson::SUCCESS) {
          if (name == "STATUS_CODE_UNSET") code = 0;
          else if (name == "STATUS_CODE_OK") code = 1;
          else if (name == "STATUS_CODE_ERROR") code = 2;
          else return Fail("must be 0, 1, 2 or STATUS_CODE_UNSET/OK/ERROR, got \"" + std::string(name.substr(0, 40)) + "\"");
        } else if (field.get(code) != simdjson::SUCCESS || code > 2) {
          return Fail("must be 0 (unset), 1 (ok) or 2 (error)");
        }
        span.status_code = static_cast<SpanStatusCode>(code);
      }
    }
    return true;
  }

  bool Attributes(dom::element value, std::vector<Attribute>& attributes) {
    return ForEach(value, "attributes", [&](dom::element item, int64_t) {
      Attribute& attribute = attributes.emplace_back();
      dom::object object;
      if (!Object(item, object)) return false;
      for (auto [key, field] : object) {
        if (field.is_null()) continue;
        if (key == "key") {
          Scope scope(path_, "key");
          if (!String(field, attribute.key)) return false;
        } else if (key == "value") {
          Scope scope(path_, "value");
          if (!AnyValue(field, attribute.value)) return false;
        }
      }
      return true;
    });
  }

  bool AnyValue(dom::element value, AttributeValue& out) {
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (field.is_null()) continue;
      if (Is(key, "stringValue", "string_value")) {
        if (!String(field, out.text)) return false;
        out.kind = Kind::kString;
      } else if (Is(key, "boolValue", "bool_value")) {
        if (field.get(out.bool_value) != simdjson::SUCCESS) return Fail("boolValue must be true or false, got " + Noun(field));
        out.kind = Kind::kBool;
      } else if (Is(key, "intValue", "int_value")) {
        if (!Signed(field, out.int_value)) return false;
        out.kind = Kind::kInt;
      } else if (Is(key, "doubleValue", "double_value")) {
        if (!Double(field, out.double_value)) return false;
        out.kind = Kind::kDouble;
      } else if (Is(key, "bytesValue", "bytes_value")) {
        std::string_view text;
        if (!String(field, text)) return false;
        std::optional<std::string> bytes = DecodeBase64(text);
        if (!bytes) return Fail("bytesValue must be base64");
        out.text = out_.Own(otlp::HexId(*bytes));
        out.kind = Kind::kBytes;
      } else if (Is(key, "arrayValue", "array_value") || Is(key, "kvlistValue", "kvlist_value")) {
        const bool is_array = key[0] == 'a';
        std::string json;
        if (!AppendListJson(field, is_array, json, 1)) return false;
        out.text = out_.Own(std::move(json));
        out.kind = is_array ? Kind::kArray : Kind::kKvList;
      }
    }
    return true;
  }

  // An ArrayValue or KeyValueList ({"values": [...]}) as a JSON array or object.
  bool AppendListJson(dom::element value, bool is_array, std::string& json, int depth) {
    if (depth > kMaxValueDepth) return Fail("values nested more than " + std::to_string(kMaxValueDepth) + " deep");
    dom::object object;
    if (!Object(value, object)) return false;
    json += is_array ? '[' : '{';
    bool first = true;
    for (auto [key, field] : object) {
      if (key != "values" || field.is_null()) continue;
      dom::array items;
      if (field.get(items) != simdjson::SUCCESS) return Fail("values must be an array, got " + Noun(field));
      for (dom::element item : items) {
        if (!first) json += ',';
        first = false;
        if (is_array) {
          if (!AppendValueJson(item, json, depth)) return false;
          continue;
        }
        dom::object entry;
        if (!Object(item, entry)) return false;
        std::string_view entry_key;
        dom::element entry_value;
        bool has_value = false;
        for (auto [name, part] : entry) {
          if (name == "key" && !String(part, entry_key)) return false;
          if (name == "value") {
            entry_value = part;
            has_value = !part.is_null();
          }
        }
        AppendJsonString(json, entry_key);
        json += ':';
        if (has_value) {
          if (!AppendValueJson(entry_value, json, depth)) return false;
        } else {
          json += "null";
        }
      }
    }
    json += is_array ? ']' : '}';
    return true;
  }

  bool AppendValueJson(dom::element value, std::string& json, int depth) {
    AttributeValue scalar;
    dom::object object;
    if (!Object(value, object)) return false;
    for (auto [key, field] : object) {
      if (Is(key, "arrayValue", "array_value") || Is(key, "kvlistValue", "kvlist_value")) {
        if (field.is_null()) continue;
        std::string nested;
        if (!AppendListJson(field, key[0] == 'a', nested, depth + 1)) return false;
        json += nested;
        return true;
      }
    }
    if (!AnyValue(value, scalar)) return false;
    JsonWriter writer;
    switch (scalar.kind) {
      case Kind::kString:
      case Kind::kBytes: writer.String(scalar.text); break;
      case Kind::kBool: writer.Bool(scalar.bool_value); break;
      case Kind::kInt: writer.Int(scalar.int_value); break;
      case Kind::kDouble: writer.Double(scalar.double_value); break;
      default: writer.Null(); break;
    }
    json += writer.str();
    return true;
  }

  TraceData& out_;
  ErrorPath path_;
};

}  // namespace

struct JsonTraceDecoder::Impl {
  dom::parser parser;
};

JsonTraceDecoder::JsonTraceDecoder() : impl_(std::make_unique<Impl>()) {}
JsonTraceDecoder::~JsonTraceDecoder() = default;

Result<TraceData> JsonTraceDecoder::Decode(std::string_view body) {
  dom::element root;
  if (simdjson::error_code err = impl_->parser.parse(body.data(), body.size()).get(root)) {
    std::string reason = std::string("malformed JSON: ") + simdjson::error_message(err);
    return Status::InvalidArgument("malformed OTLP JSON", {ErrorDetail{-1, "body", reason}});
  }
  TraceData traces;
  Decoder decoder(traces);
  if (!decoder.Request(root)) {
    return Status::InvalidArgument("invalid OTLP JSON",
                                   {ErrorDetail{-1, decoder.error().where(), decoder.error().reason()}});
  }
  return traces;
}

}  // namespace mltrack::ingest::otlp
