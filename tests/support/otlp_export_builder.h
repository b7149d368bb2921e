#pragma once
// Test and bench support: builds OTLP trace export bodies (ExportTraceServiceRequest) in both
// encodings from one description, so a test can check that protobuf and JSON mean the same.
// Header-only; not part of the server.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/json_writer.h"
#include "ingest/otlp/protobuf_wire.h"
#include "ingest/otlp/trace_data.h"

namespace mltrack::testing {

struct OtlpAttribute {
  std::string key;
  std::variant<std::string, int64_t, double, bool> value;
};

struct OtlpSpanSpec {
  std::string trace_id = std::string(16, '\x01');  // raw bytes: 16 for a trace, 8 for a span
  std::string span_id = std::string(8, '\x02');
  std::string name = "chat gpt-4o";
  uint64_t start_ns = 1'760'000'000'000'000'000;  // 2025-10-09T08:53:20Z
  uint64_t end_ns = 1'760'000'000'850'000'000;    // 850 ms later
  std::vector<OtlpAttribute> attributes;
  std::vector<std::pair<uint64_t, std::string>> events;  // (time, name)
  int status_code = 0;                                    // 0 unset, 1 ok, 2 error
  std::string status_message;
};

struct OtlpResourceSpec {
  std::vector<OtlpAttribute> attributes;
  std::vector<OtlpSpanSpec> spans;
};

inline std::string OtlpAnyValueProtobuf(const OtlpAttribute& attribute) {
  ingest::otlp::ProtoWriter value;
  std::visit(
      [&value](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) value.Bytes(1, v);
        else if constexpr (std::is_same_v<T, bool>) value.Varint(2, v ? 1 : 0);
        else if constexpr (std::is_same_v<T, int64_t>) value.Varint(3, static_cast<uint64_t>(v));
        else value.Double(4, v);
      },
      attribute.value);
  return std::move(value).Take();
}

inline std::string OtlpKeyValueProtobuf(const OtlpAttribute& attribute) {
  ingest::otlp::ProtoWriter kv;
  kv.Bytes(1, attribute.key);
  kv.Message(2, OtlpAnyValueProtobuf(attribute));
  return std::move(kv).Take();
}

inline std::string OtlpExportProtobuf(const std::vector<OtlpResourceSpec>& resources) {
  using ingest::otlp::ProtoWriter;
  ProtoWriter request;
  for (const OtlpResourceSpec& resource_spec : resources) {
    ProtoWriter resource;
    for (const OtlpAttribute& attribute : resource_spec.attributes) resource.Message(1, OtlpKeyValueProtobuf(attribute));
    ProtoWriter scope_spans;
    for (const OtlpSpanSpec& spec : resource_spec.spans) {
      ProtoWriter span;
      span.Bytes(1, spec.trace_id);
      span.Bytes(2, spec.span_id);
      span.Bytes(5, spec.name);
      span.Varint(6, 3);  // SPAN_KIND_CLIENT
      span.Fixed64(7, spec.start_ns);
      span.Fixed64(8, spec.end_ns);
      for (const OtlpAttribute& attribute : spec.attributes) span.Message(9, OtlpKeyValueProtobuf(attribute));
      for (const auto& [time, name] : spec.events) {
        ProtoWriter event;
        event.Fixed64(1, time);
        event.Bytes(2, name);
        span.Message(11, event.str());
      }
      if (spec.status_code != 0 || !spec.status_message.empty()) {
        ProtoWriter status;
        if (!spec.status_message.empty()) status.Bytes(2, spec.status_message);
        if (spec.status_code != 0) status.Varint(3, static_cast<uint64_t>(spec.status_code));
        span.Message(15, status.str());
      }
      scope_spans.Message(2, span.str());
    }
    ProtoWriter resource_spans;
    resource_spans.Message(1, resource.str());
    resource_spans.Message(2, scope_spans.str());
    request.Message(1, resource_spans.str());
  }
  return std::move(request).Take();
}

inline void OtlpAttributesJson(JsonWriter& json, const std::vector<OtlpAttribute>& attributes) {
  json.Key("attributes");
  json.BeginArray();
  for (const OtlpAttribute& attribute : attributes) {
    json.BeginObject();
    json.Key("key");
    json.String(attribute.key);
    json.Key("value");
    json.BeginObject();
    std::visit(
        [&json](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) { json.Key("stringValue"); json.String(v); }
          else if constexpr (std::is_same_v<T, bool>) { json.Key("boolValue"); json.Bool(v); }
          else if constexpr (std::is_same_v<T, int64_t>) { json.Key("intValue"); json.String(std::to_string(v)); }
          else { json.Key("doubleValue"); json.Double(v); }
        },
        attribute.value);
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
}

inline std::string OtlpExportJson(const std::vector<OtlpResourceSpec>& resources) {
  JsonWriter json;
  json.BeginObject();
  json.Key("resourceSpans");
  json.BeginArray();
  for (const OtlpResourceSpec& resource_spec : resources) {
    json.BeginObject();
    json.Key("resource");
    json.BeginObject();
    OtlpAttributesJson(json, resource_spec.attributes);
    json.EndObject();
    json.Key("scopeSpans");
    json.BeginArray();
    json.BeginObject();
    json.Key("scope");
    json.BeginObject();
    json.Key("name");
    json.String("mltrack-test");
    json.EndObject();
    json.Key("spans");
    json.BeginArray();
    for (const OtlpSpanSpec& spec : resource_spec.spans) {
      json.BeginObject();
      json.Key("traceId");
      json.String(ingest::otlp::HexId(spec.trace_id));
      json.Key("spanId");
      json.String(ingest::otlp::HexId(spec.span_id));
      json.Key("name");
      json.String(spec.name);
      json.Key("kind");
      json.Int(3);
      json.Key("startTimeUnixNano");
      json.String(std::to_string(spec.start_ns));
      json.Key("endTimeUnixNano");
      json.String(std::to_string(spec.end_ns));
      OtlpAttributesJson(json, spec.attributes);
      json.Key("events");
      json.BeginArray();
      for (const auto& [time, name] : spec.events) {
        json.BeginObject();
        json.Key("timeUnixNano");
        json.String(std::to_string(time));
        json.Key("name");
        json.String(name);
        json.EndObject();
      }
      json.EndArray();
      json.Key("status");
      json.BeginObject();
      json.Key("code");
      json.Int(spec.status_code);
      if (!spec.status_message.empty()) {
        json.Key("message");
        json.String(spec.status_message);
      }
      json.EndObject();
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

// A chat span as OpenLLMetry's OpenAI instrumentation writes it (GenAI conventions 1.37).
inline OtlpSpanSpec ChatSpan(std::string model = "gpt-4o-mini", int64_t input_tokens = 1200, int64_t output_tokens = 300) {
  OtlpSpanSpec span;
  span.name = "chat " + model;
  span.attributes = {
      {"gen_ai.operation.name", std::string("chat")},
      {"gen_ai.provider.name", std::string("openai")},
      {"gen_ai.request.model", model},
      {"gen_ai.response.model", model},
      {"gen_ai.usage.input_tokens", input_tokens},
      {"gen_ai.usage.output_tokens", output_tokens},
      {"gen_ai.request.temperature", 0.2},
  };
  return span;
}

}  // namespace mltrack::testing
