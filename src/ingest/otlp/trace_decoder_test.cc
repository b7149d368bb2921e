#include "ingest/otlp/trace_decoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "otlp_export_builder.h"

namespace mltrack::ingest::otlp {
namespace {

using testing::ChatSpan;
using testing::OtlpResourceSpec;
using testing::OtlpSpanSpec;

std::vector<OtlpResourceSpec> TwoResources() {
  OtlpSpanSpec error_span = ChatSpan("gpt-4o");
  error_span.status_code = 2;
  error_span.status_message = "rate limited";
  error_span.events = {{1'760'000'000'100'000'000, "llm.content.completion.chunk"}};
  return {
      {{{"service.name", std::string("checkout")}}, {ChatSpan(), error_span}},
      {{{"service.name", std::string("search")}, {"deployment.environment", std::string("prod")}}, {ChatSpan("o3")}},
  };
}

// Both encodings of one export decode to the same spans.
void ExpectSameTraces(const TraceData& a, const TraceData& b) {
  ASSERT_EQ(a.resources.size(), b.resources.size());
  for (size_t r = 0; r < a.resources.size(); ++r) {
    ASSERT_EQ(a.resources[r].size(), b.resources[r].size());
    for (size_t i = 0; i < a.resources[r].size(); ++i) {
      EXPECT_EQ(a.resources[r][i].key, b.resources[r][i].key);
      EXPECT_EQ(a.resources[r][i].value.text, b.resources[r][i].value.text);
    }
  }
  ASSERT_EQ(a.spans.size(), b.spans.size());
  for (size_t s = 0; s < a.spans.size(); ++s) {
    const Span& x = a.spans[s];
    const Span& y = b.spans[s];
    EXPECT_EQ(x.trace_id, y.trace_id);
    EXPECT_EQ(x.span_id, y.span_id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.start_time_unix_nano, y.start_time_unix_nano);
    EXPECT_EQ(x.end_time_unix_nano, y.end_time_unix_nano);
    EXPECT_EQ(x.status_code, y.status_code);
    EXPECT_EQ(x.status_message, y.status_message);
    EXPECT_EQ(x.position.str(), y.position.str());
    ASSERT_EQ(x.events.size(), y.events.size());
    for (size_t e = 0; e < x.events.size(); ++e) {
      EXPECT_EQ(x.events[e].name, y.events[e].name);
      EXPECT_EQ(x.events[e].time_unix_nano, y.events[e].time_unix_nano);
    }
    ASSERT_EQ(x.attributes.size(), y.attributes.size());
    for (size_t i = 0; i < x.attributes.size(); ++i) {
      const AttributeValue& u = x.attributes[i].value;
      const AttributeValue& v = y.attributes[i].value;
      EXPECT_EQ(x.attributes[i].key, y.attributes[i].key);
      EXPECT_EQ(u.kind, v.kind);
      EXPECT_EQ(u.text, v.text);
      EXPECT_EQ(u.int_value, v.int_value);
      EXPECT_EQ(u.double_value, v.double_value);
      EXPECT_EQ(u.bool_value, v.bool_value);
    }
  }
}

TEST(TraceDecoder, ProtobufAndJsonDecodeTheSameExport) {
  const auto resources = TwoResources();
  const std::string protobuf = testing::OtlpExportProtobuf(resources);
  const std::string json = testing::OtlpExportJson(resources);
  Result<TraceData> from_protobuf = DecodeTracesProtobuf(protobuf);
  JsonTraceDecoder decoder;
  Result<TraceData> from_json = decoder.Decode(json);
  ASSERT_TRUE(from_protobuf.ok()) << from_protobuf.status().ToString();
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  ExpectSameTraces(*from_protobuf, *from_json);

  const TraceData& traces = *from_protobuf;
  ASSERT_EQ(traces.spans.size(), 3u);
  EXPECT_EQ(traces.spans[0].trace_id, "01010101010101010101010101010101");
  EXPECT_EQ(traces.spans[0].span_id, "0202020202020202");
  EXPECT_EQ(traces.spans[1].status_code, SpanStatusCode::kError);
  EXPECT_EQ(traces.spans[2].position.str(), "resourceSpans[1].scopeSpans[0].spans[0]");
  EXPECT_EQ(traces.spans[2].position.resource, 1u);
  EXPECT_EQ(traces.resources[1][1].value.text, "prod");
  EXPECT_EQ(traces.spans[0].attributes[4].value.kind, AttributeValue::Kind::kInt);
  EXPECT_EQ(traces.spans[0].attributes[4].value.int_value, 1200);
  EXPECT_EQ(traces.spans[0].attributes[6].value.double_value, 0.2);
}

TEST(TraceDecoder, EmptyExportsAreValid) {
  Result<TraceData> empty_protobuf = DecodeTracesProtobuf("");
  ASSERT_TRUE(empty_protobuf.ok());
  EXPECT_TRUE(empty_protobuf->spans.empty());
  JsonTraceDecoder decoder;
  Result<TraceData> empty_json = decoder.Decode("{}");
  ASSERT_TRUE(empty_json.ok());
  EXPECT_TRUE(empty_json->spans.empty());
}

TEST(TraceDecoder, JsonAcceptsProtoNamesEnumNamesAndNumbers) {
  JsonTraceDecoder decoder;
  Result<TraceData> traces = decoder.Decode(R"({"resource_spans": [{"scope_spans": [{"spans": [{
      "trace_id": "0AF7651916CD43DD8448EB211C80319C", "span_id": "b7ad6b7169203331",
      "start_time_unix_nano": 1760000000000000000, "endTimeUnixNano": "1760000001000000000",
      "status": {"code": "STATUS_CODE_ERROR", "message": "boom"},
      "attributes": [{"key": "n", "value": {"intValue": 7}}, {"key": "d", "value": {"doubleValue": "NaN"}},
                     {"key": "b", "value": {"bytesValue": "AQI="}},
                     {"key": "list", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "2"},
                        {"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": true}}]}}]}}},
                     {"key": "unknown", "value": {"futureValue": 1}}]}]}]}]})");
  ASSERT_TRUE(traces.ok()) << traces.status().ToString();
  const Span& span = traces->spans.at(0);
  EXPECT_EQ(span.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(span.start_time_unix_nano, 1'760'000'000'000'000'000u);
  EXPECT_EQ(span.end_time_unix_nano, 1'760'000'001'000'000'000u);
  EXPECT_EQ(span.status_code, SpanStatusCode::kError);
  EXPECT_EQ(span.attributes[0].value.int_value, 7);
  EXPECT_TRUE(std::isnan(span.attributes[1].value.double_value));
  EXPECT_EQ(span.attributes[2].value.text, "0102");
  EXPECT_EQ(span.attributes[3].value.text, R"(["a",2,{"k":true}])");
  EXPECT_EQ(span.attributes[4].value.kind, AttributeValue::Kind::kEmpty);
}

TEST(TraceDecoder, ProtobufArraysAndListsBecomeTheSameJsonText) {
  ProtoWriter inner_value;
  inner_value.Varint(2, 1);  // bool true
  ProtoWriter inner_kv;
  inner_kv.Bytes(1, "k");
  inner_kv.Message(2, inner_value.str());
  ProtoWriter kvlist;
  kvlist.Message(1, inner_kv.str());
  ProtoWriter a, two, kv_any;
  a.Bytes(1, "a");
  two.Varint(3, 2);
  kv_any.Message(6, kvlist.str());
  ProtoWriter array;
  array.Message(1, a.str());
  array.Message(1, two.str());
  array.Message(1, kv_any.str());
  ProtoWriter any;
  any.Message(5, array.str());
  ProtoWriter attribute;
  attribute.Bytes(1, "list");
  attribute.Message(2, any.str());
  ProtoWriter span, scope, resource_spans, request;
  span.Message(9, attribute.str());
  scope.Message(2, span.str());
  resource_spans.Message(2, scope.str());
  request.Message(1, resource_spans.str());
  Result<TraceData> traces = DecodeTracesProtobuf(request.str());
  ASSERT_TRUE(traces.ok()) << traces.status().ToString();
  EXPECT_EQ(traces->spans.at(0).attributes.at(0).value.text, R"(["a",2,{"k":true}])");
}

void ExpectError(const Result<TraceData>& result, std::string_view field, std::string_view reason_part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(result.status().details().size(), 1u) << result.status().ToString();
  EXPECT_EQ(result.status().details()[0].field, field) << result.status().ToString();
  EXPECT_NE(result.status().details()[0].reason.find(reason_part), std::string::npos) << result.status().ToString();
}

TEST(TraceDecoder, ProtobufErrorsNameThePart) {
  OtlpSpanSpec span = ChatSpan();
  span.trace_id = "short";
  ExpectError(DecodeTracesProtobuf(testing::OtlpExportProtobuf({{{}, {span}}})),
              "resourceSpans[0].scopeSpans[0].spans[0].traceId", "must be 16 bytes, got 5");

  span = ChatSpan();
  span.attributes[2].value = std::string("gpt\xff");
  ExpectError(DecodeTracesProtobuf(testing::OtlpExportProtobuf({{{}, {ChatSpan(), span}}})),
              "resourceSpans[0].scopeSpans[0].spans[1].attributes[2].value", "not valid UTF-8");

  const std::string whole = testing::OtlpExportProtobuf({{{}, {ChatSpan()}}});
  Result<TraceData> truncated = DecodeTracesProtobuf(whole.substr(0, whole.size() - 3));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("malformed OTLP protobuf"), std::string::npos);

  ProtoWriter wrong_type;  // resource_spans as a varint
  wrong_type.Varint(1, 5);
  ExpectError(DecodeTracesProtobuf(wrong_type.str()), "resourceSpans[0]",
              "field 1 has wire type varint, expected length-delimited");

  ExpectError(DecodeTracesProtobuf("{\"resourceSpans\": []}"), "body", "malformed protobuf");
}

TEST(TraceDecoder, ProtobufRefusesValuesNestedTooDeep) {
  std::string value;  // AnyValue{array_value{values: [value]}} nested
  ProtoWriter leaf;
  leaf.Varint(3, 1);
  value = leaf.str();
  for (int depth = 0; depth < kMaxValueDepth + 2; ++depth) {
    ProtoWriter array, any;
    array.Message(1, value);
    any.Message(5, array.str());
    value = any.str();
  }
  ProtoWriter attribute, span, scope, resource_spans, request;
  attribute.Bytes(1, "deep");
  attribute.Message(2, value);
  span.Message(9, attribute.str());
  scope.Message(2, span.str());
  resource_spans.Message(2, scope.str());
  request.Message(1, resource_spans.str());
  ExpectError(DecodeTracesProtobuf(request.str()), "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value",
              "nested more than 16 deep");
}

TEST(TraceDecoder, JsonErrorsNameThePart) {
  JsonTraceDecoder decoder;
  ExpectError(decoder.Decode("{\"resourceSpans\": [}"), "body", "malformed JSON");
  ExpectError(decoder.Decode("[1]"), "body", "must be a JSON object, got an array");
  ExpectError(decoder.Decode(R"({"resourceSpans": {}})"), "resourceSpans", "must be an array, got an object");
  ExpectError(decoder.Decode(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]})"),
              "resourceSpans[0].scopeSpans[0].spans[0].traceId", "must be 32 hex digits");
  ExpectError(decoder.Decode(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": -5}]}]}]})"),
              "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano", "unsigned 64-bit integer");
  ExpectError(decoder.Decode(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{}, {"attributes": [{"key": "k",
              "value": {"intValue": "12x"}}]}]}]}]})"),
              "resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value", "64-bit integer, got \"12x\"");
  ExpectError(decoder.Decode(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"status": {"code": 7}}]}]}]})"),
              "resourceSpans[0].scopeSpans[0].spans[0].status.code", "must be 0 (unset), 1 (ok) or 2 (error)");
}

}  // namespace
}  // namespace mltrack::ingest::otlp
