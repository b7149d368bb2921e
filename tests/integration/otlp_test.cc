// POST /v1/traces through the real binary: OTLP/HTTP protobuf and JSON, OTLP's own answers,
// GenAI spans stored as events, everything else counted and skipped, bad exports refused whole.
#include <gtest/gtest.h>

#include "ingest/otlp/protobuf_wire.h"
#include "otlp_export_builder.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

using mltrack::testing::ChatSpan;
using mltrack::testing::OtlpResourceSpec;
using mltrack::testing::OtlpSpanSpec;

constexpr const char* kProtobuf = "application/x-protobuf";

// google.rpc.Status{code = 1, message = 2} from a protobuf error body.
std::pair<int, std::string> DecodeRpcStatus(const std::string& body) {
  ingest::otlp::ProtoReader reader(body);
  std::pair<int, std::string> status{-1, ""};
  while (reader.Next()) {
    if (reader.field() == 1) status.first = static_cast<int>(reader.number());
    if (reader.field() == 2) status.second = std::string(reader.bytes());
  }
  return status;
}

OtlpSpanSpec SpanWithId(uint8_t id, std::string model = "gpt-4o-mini") {
  OtlpSpanSpec span = ChatSpan(std::move(model), 1000, 200);
  span.span_id = std::string(7, '\x01') + static_cast<char>(id);
  span.start_ns = static_cast<uint64_t>(NowMs() - 3'600'000) * 1'000'000;
  span.end_ns = span.start_ns + 1'250'000'000;
  span.attributes.push_back({"user.id", std::string("ana")});
  return span;
}

class OtlpTest : public IntegrationTest {};

TEST_F(OtlpTest, ProtobufExportBecomesEvents) {
  StartServer();
  OtlpSpanSpec http_span;  // not an LLM call
  http_span.span_id = std::string(8, '\x09');
  http_span.attributes = {{"http.request.method", std::string("POST")}};
  const std::string body = mltrack::testing::OtlpExportProtobuf(
      {{{{"service.name", std::string("checkout")}}, {SpanWithId(1), SpanWithId(2, "gpt-4o"), http_span}}});
  HttpResult result = client().Post("/v1/traces", body, kProtobuf);
  ASSERT_EQ(result.status, 200) << result.Describe();
  EXPECT_EQ(result.Header("content-type"), kProtobuf);
  // partial_success{error_message} carries the warning about the skipped span; nothing rejected.
  ingest::otlp::ProtoReader response(result.body);
  ASSERT_TRUE(response.Next());
  EXPECT_EQ(response.field(), 1u);
  ingest::otlp::ProtoReader partial(response.bytes());
  ASSERT_TRUE(partial.Next());
  EXPECT_EQ(partial.field(), 2u);
  EXPECT_NE(std::string(partial.bytes()).find("1 span(s) skipped: not LLM calls"), std::string::npos);

  auto table = QueryTableOf(std::string(kQueryRange) +
                            R"(,"group_by":["experiment","model","provider","user"],"metrics":["count",)"
                            R"("sum:input_tokens","sum:output_tokens","avg:latency_ms","sum:cost_usd"],)"
                            R"("order_by":[{"column":"model","dir":"asc"}])");
  ASSERT_TRUE(table);
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->Cell(0, "model"), "gpt-4o");
  EXPECT_EQ(table->Cell(0, "experiment"), "checkout");
  EXPECT_EQ(table->Cell(0, "provider"), "openai");
  EXPECT_EQ(table->Cell(0, "user"), "ana");
  EXPECT_EQ(table->Cell(0, "sum:input_tokens"), "1000");
  EXPECT_EQ(table->Cell(0, "sum:output_tokens"), "200");
  EXPECT_EQ(table->Cell(0, "avg:latency_ms"), "1250");
  EXPECT_NE(table->Cell(0, "sum:cost_usd"), "null");  // priced from the catalogue

  // The same export again (an exporter's retry): the span ids make it idempotent.
  ASSERT_EQ(client().Post("/v1/traces", body, kProtobuf).status, 200);
  EXPECT_EQ(CountEvents(), 2);
}

TEST_F(OtlpTest, JsonExportAndItsAnswers) {
  StartServer();
  HttpResult full = client().Post("/v1/traces", mltrack::testing::OtlpExportJson({{{}, {SpanWithId(3)}}}),
                                  "application/json");
  ASSERT_EQ(full.status, 200) << full.Describe();
  EXPECT_EQ(full.body, "{}");  // full success
  HttpResult empty = client().Post("/v1/traces", "{}", "application/json");
  ASSERT_EQ(empty.status, 200);
  OtlpSpanSpec no_model;
  no_model.attributes = {{"gen_ai.operation.name", std::string("chat")}};
  HttpResult partial =
      client().Post("/v1/traces", mltrack::testing::OtlpExportJson({{{}, {no_model}}}), "application/json");
  ASSERT_EQ(partial.status, 200);
  EXPECT_NE(partial.body.find(R"("partialSuccess":{"rejectedSpans":"0","errorMessage":"1 LLM span(s) skipped)"),
            std::string::npos)
      << partial.body;
  EXPECT_EQ(CountEvents(), 1);
}

TEST_F(OtlpTest, BadExportsAreRefusedWholeWithOtlpStatus) {
  StartServer();
  // Malformed protobuf: 400 with a protobuf google.rpc.Status naming where.
  std::string body = mltrack::testing::OtlpExportProtobuf({{{}, {SpanWithId(4)}}});
  HttpResult truncated = client().Post("/v1/traces", body.substr(0, body.size() - 5), kProtobuf);
  ASSERT_EQ(truncated.status, 400) << truncated.Describe();
  EXPECT_EQ(truncated.Header("content-type"), kProtobuf);
  auto [code, message] = DecodeRpcStatus(truncated.body);
  EXPECT_EQ(code, 3);  // INVALID_ARGUMENT
  // The outer field's length runs past the end of the body.
  EXPECT_EQ(message, "malformed OTLP protobuf: body: malformed protobuf at byte 0 of this message: length past the "
                     "end of the message");

  // One absurd LLM span among good ones: nothing of the export is stored.
  OtlpSpanSpec negative = SpanWithId(5);
  negative.attributes[4].value = int64_t{-3};
  HttpResult absurd = client().Post(
      "/v1/traces", mltrack::testing::OtlpExportJson({{{}, {SpanWithId(6), negative}}}), "application/json");
  ASSERT_EQ(absurd.status, 400);
  EXPECT_NE(absurd.body.find(R"("code":3)"), std::string::npos);
  EXPECT_NE(absurd.body.find("span 1 gen_ai.usage.input_tokens: must be an integer ≥ 0, got -3"), std::string::npos)
      << absurd.body;

  HttpResult bad_json = client().Post("/v1/traces", "{\"resourceSpans\": [", "application/json");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.body.find("malformed OTLP JSON"), std::string::npos);

  HttpResult wrong_type = client().Post("/v1/traces", "resourceSpans", "text/plain");
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_NE(wrong_type.body.find("application/x-protobuf or application/json"), std::string::npos);

  EXPECT_EQ(client().Get("/v1/traces").status, 405);
  EXPECT_EQ(CountEvents(), 0);
}

}  // namespace
}  // namespace mltrack::integration
