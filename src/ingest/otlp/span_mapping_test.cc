#include "ingest/otlp/span_mapping.h"

#include <gtest/gtest.h>

#include "ingest/otlp/trace_decoder.h"
#include "otlp_export_builder.h"

namespace mltrack::ingest::otlp {
namespace {

using testing::ChatSpan;
using testing::OtlpAttribute;
using testing::OtlpResourceSpec;
using testing::OtlpSpanSpec;

// Maps an export through both encodings and checks they agree; returns the protobuf result.
Result<MappedSpans> Map(const std::vector<OtlpResourceSpec>& resources) {
  const std::string protobuf = testing::OtlpExportProtobuf(resources);
  Result<TraceData> traces = DecodeTracesProtobuf(protobuf);
  EXPECT_TRUE(traces.ok()) << traces.status().ToString();
  if (!traces.ok()) return traces.status();
  Result<MappedSpans> mapped = MapSpans(*traces);
  JsonTraceDecoder decoder;
  Result<TraceData> json_traces = decoder.Decode(testing::OtlpExportJson(resources));
  EXPECT_TRUE(json_traces.ok()) << json_traces.status().ToString();
  if (json_traces.ok()) {
    Result<MappedSpans> from_json = MapSpans(*json_traces);
    EXPECT_EQ(from_json.ok(), mapped.ok());
    if (from_json.ok() && mapped.ok()) {
      EXPECT_EQ(from_json->events, mapped->events);
    }
    if (!from_json.ok() && !mapped.ok()) {
      EXPECT_EQ(from_json.status().details(), mapped.status().details());
    }
  }
  return mapped;
}

std::string Tag(const Event& event, std::string_view key) {
  for (const auto& [tag, value] : event.tags) {
    if (tag == key) return value;
  }
  return "<absent>";
}

TEST(SpanMapping, ChatSpanBecomesOneEvent) {
  OtlpSpanSpec span = ChatSpan("gpt-4o-mini", 1200, 300);
  span.attributes.push_back({"gen_ai.response.model", std::string("gpt-4o-mini-2024-07-18")});
  span.attributes.push_back({"gen_ai.usage.cache_read.input_tokens", int64_t{200}});
  span.attributes.push_back({"gen_ai.usage.reasoning.output_tokens", int64_t{100}});
  span.attributes.push_back({"user.id", std::string("ana@example.com")});
  span.attributes.push_back({"session.id", std::string("s-1")});
  span.attributes.push_back({"gen_ai.response.time_to_first_chunk", 0.25});
  span.attributes.push_back({"gen_ai.request.stream", true});
  span.attributes.push_back({"gen_ai.input.messages", std::string("[{\"role\":\"user\",\"content\":\"secret\"}]")});
  Result<MappedSpans> mapped = Map({{{{"service.name", std::string("checkout")},
                                      {"deployment.environment", std::string("prod")},
                                      {"telemetry.sdk.language", std::string("nodejs")}},
                                     {span}}});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  ASSERT_EQ(mapped->events.size(), 1u);
  EXPECT_EQ(mapped->spans, 1u);
  EXPECT_EQ(mapped->not_llm, 0u);
  EXPECT_EQ(mapped->dropped_attributes, 1u);  // the message content
  const Event& event = mapped->events[0];
  EXPECT_EQ(event.id, "01010101010101010101010101010101-0202020202020202");
  EXPECT_EQ(event.trace_id, "01010101010101010101010101010101");
  EXPECT_EQ(event.ts_ms, 1'760'000'000'000);
  EXPECT_EQ(event.latency_ms, 850.0);
  EXPECT_EQ(event.ttft_ms, 250.0);
  EXPECT_EQ(event.streaming, true);
  EXPECT_EQ(event.experiment, "checkout");
  EXPECT_EQ(event.provider, "openai");
  // The first gen_ai.response.model wins (ChatSpan already set one); the request model is the same.
  EXPECT_EQ(event.model, "gpt-4o-mini");
  EXPECT_EQ(event.operation, Operation::kChat);
  EXPECT_EQ(event.status, EventStatus::kOk);
  EXPECT_EQ(event.input_tokens, 1200);
  EXPECT_EQ(event.output_tokens, 300);
  EXPECT_EQ(event.cached_input_tokens, 200);
  EXPECT_EQ(event.reasoning_tokens, 100);
  EXPECT_EQ(event.user, "ana@example.com");
  EXPECT_EQ(event.session_id, "s-1");
  EXPECT_EQ(Tag(event, "gen_ai.request.temperature"), "0.2");
  EXPECT_EQ(Tag(event, "deployment.environment"), "prod");
  EXPECT_EQ(Tag(event, "telemetry.sdk.language"), "<absent>");
  EXPECT_EQ(Tag(event, "gen_ai.input.messages"), "<absent>");
  EXPECT_EQ(Tag(event, "gen_ai.response.model"), "<absent>");
  EXPECT_EQ(event.tags.size(), 2u);
}

TEST(SpanMapping, ResponseModelWinsAndADifferentRequestModelIsATag) {
  OtlpSpanSpec span;
  span.attributes = {{"gen_ai.operation.name", std::string("chat")},
                     {"gen_ai.provider.name", std::string("openai")},
                     {"gen_ai.request.model", std::string("gpt-4")},
                     {"gen_ai.response.model", std::string("gpt-4-0613")}};
  Result<MappedSpans> mapped = Map({{{}, {span}}});
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->events.at(0).model, "gpt-4-0613");
  EXPECT_EQ(Tag(mapped->events[0], "gen_ai.request.model"), "gpt-4");
  EXPECT_EQ(mapped->events[0].experiment, "default");
}

TEST(SpanMapping, NonLlmSpansAndSpansWithoutModelAreCountedAndSkipped) {
  OtlpSpanSpec http_span;
  http_span.attributes = {{"http.request.method", std::string("GET")}};
  OtlpSpanSpec agent_span;
  agent_span.attributes = {{"gen_ai.operation.name", std::string("invoke_agent")},
                           {"gen_ai.request.model", std::string("gpt-4o")}};
  OtlpSpanSpec no_model;
  no_model.attributes = {{"gen_ai.operation.name", std::string("chat")}};
  Result<MappedSpans> mapped = Map({{{}, {http_span, agent_span, no_model, ChatSpan()}}});
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->spans, 4u);
  EXPECT_EQ(mapped->not_llm, 2u);
  EXPECT_EQ(mapped->without_model, 1u);
  EXPECT_EQ(mapped->events.size(), 1u);
}

TEST(SpanMapping, OperationNames) {
  auto operation_of = [](std::vector<OtlpAttribute> attributes) -> std::optional<Operation> {
    OtlpSpanSpec span;
    span.attributes = std::move(attributes);
    span.attributes.push_back({"gen_ai.request.model", std::string("m")});
    Result<MappedSpans> mapped = Map({{{}, {span}}});
    if (!mapped.ok() || mapped->events.empty()) return std::nullopt;
    return mapped->events[0].operation;
  };
  EXPECT_EQ(operation_of({{"gen_ai.operation.name", std::string("generate_content")}}), Operation::kChat);
  EXPECT_EQ(operation_of({{"gen_ai.operation.name", std::string("text_completion")}}), Operation::kCompletion);
  EXPECT_EQ(operation_of({{"gen_ai.operation.name", std::string("embeddings")}}), Operation::kEmbedding);
  EXPECT_EQ(operation_of({{"gen_ai.operation.name", std::string("execute_tool")}}), std::nullopt);
  EXPECT_EQ(operation_of({{"llm.request.type", std::string("completion")}}), Operation::kCompletion);
  EXPECT_EQ(operation_of({{"openinference.span.kind", std::string("EMBEDDING")}}), Operation::kEmbedding);
  EXPECT_EQ(operation_of({{"openinference.span.kind", std::string("CHAIN")}}), std::nullopt);
  EXPECT_EQ(operation_of({{"gen_ai.system", std::string("anthropic")}}), Operation::kChat);
  EXPECT_EQ(operation_of({}), std::nullopt);
}

TEST(SpanMapping, OpenInferenceSpan) {
  OtlpSpanSpec span;
  span.attributes = {{"openinference.span.kind", std::string("LLM")},
                     {"llm.model_name", std::string("claude-3-5-sonnet-20241022")},
                     {"llm.provider", std::string("anthropic")},
                     {"llm.token_count.prompt", int64_t{1000}},
                     {"llm.token_count.completion", int64_t{50}},
                     {"llm.token_count.total", int64_t{1050}},
                     {"llm.token_count.prompt_details.cache_read", int64_t{600}},
                     {"llm.token_count.prompt_details.cache_write", int64_t{100}},
                     {"llm.input_messages.0.message.content", std::string("hello")},
                     {"session.id", std::string("conv-9")}};
  Result<MappedSpans> mapped = Map({{{{"service.name", std::string("bot")}, {"mltrack.experiment", std::string("exp-7")}}, {span}}});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  const Event& event = mapped->events.at(0);
  EXPECT_EQ(event.model, "claude-3-5-sonnet-20241022");
  EXPECT_EQ(event.provider, "anthropic");
  EXPECT_EQ(event.experiment, "exp-7");  // mltrack.experiment overrides service.name
  EXPECT_EQ(event.input_tokens, 1000);
  EXPECT_EQ(event.cached_input_tokens, 600);
  EXPECT_EQ(event.cache_write_tokens, 100);
  EXPECT_EQ(event.output_tokens, 50);
  EXPECT_EQ(event.session_id, "conv-9");
  EXPECT_EQ(Tag(event, "llm.token_count.total"), "<absent>");
  EXPECT_EQ(mapped->dropped_attributes, 1u);
}

TEST(SpanMapping, OlderNamesCacheBesideInputAndProviders) {
  OtlpSpanSpec span;
  span.attributes = {{"gen_ai.system", std::string("Anthropic")},
                     {"llm.request.type", std::string("chat")},
                     {"gen_ai.request.model", std::string("claude-3-haiku")},
                     {"gen_ai.usage.prompt_tokens", int64_t{10}},
                     {"gen_ai.usage.completion_tokens", int64_t{20}},
                     {"gen_ai.usage.cache_read_input_tokens", int64_t{1000}},
                     {"gen_ai.usage.cache_creation_input_tokens", int64_t{50}},
                     {"gen_ai.prompt.0.content", std::string("hi")},
                     {"gen_ai.completion.0.content", std::string("hello")}};
  Result<MappedSpans> mapped = Map({{{}, {span}}});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  const Event& event = mapped->events.at(0);
  EXPECT_EQ(event.provider, "anthropic");
  // Cache reads and writes larger than the input: reported beside it, so added.
  EXPECT_EQ(event.input_tokens, 1060);
  EXPECT_EQ(event.cached_input_tokens, 1000);
  EXPECT_EQ(event.cache_write_tokens, 50);
  EXPECT_EQ(event.output_tokens, 20);
  EXPECT_EQ(mapped->dropped_attributes, 2u);

  for (auto [semconv, id] : {std::pair{"gcp.vertex_ai", "google"}, {"aws.bedrock", "aws"}, {"x_ai", "x-ai"},
                             {"mistral_ai", "mistral"}, {"azure.ai.openai", "azure"}, {"groq", "groq"}}) {
    OtlpSpanSpec provider_span = ChatSpan();
    provider_span.attributes[1].value = std::string(semconv);
    Result<MappedSpans> provider = Map({{{}, {provider_span}}});
    ASSERT_TRUE(provider.ok());
    EXPECT_EQ(provider->events.at(0).provider, id) << semconv;
  }
}

TEST(SpanMapping, ErrorStatusAndErrorType) {
  OtlpSpanSpec span = ChatSpan();
  span.status_code = 2;
  span.status_message = "Rate limit reached for gpt-4o-mini";
  span.attributes.push_back({"error.type", std::string("429")});
  OtlpSpanSpec untyped = ChatSpan();
  untyped.span_id = std::string(8, '\x03');
  untyped.status_code = 2;
  untyped.attributes.push_back({"http.response.status_code", int64_t{500}});
  Result<MappedSpans> mapped = Map({{{}, {span, untyped}}});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ(mapped->events[0].status, EventStatus::kError);
  EXPECT_EQ(mapped->events[0].error_type, "429");
  EXPECT_EQ(mapped->events[0].http_status, 429);
  EXPECT_EQ(mapped->events[1].status, EventStatus::kError);
  EXPECT_EQ(mapped->events[1].error_type, "error");
  EXPECT_EQ(mapped->events[1].http_status, 500);
}

TEST(SpanMapping, TimeToFirstTokenFromTheFirstChunkEvent) {
  OtlpSpanSpec span = ChatSpan();
  span.events = {{span.start_ns + 120'000'000, "llm.content.completion.chunk"},
                 {span.start_ns + 300'000'000, "llm.content.completion.chunk"}};
  Result<MappedSpans> mapped = Map({{{}, {span}}});
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->events.at(0).ttft_ms, 120.0);
  EXPECT_EQ(mapped->events[0].streaming, true);
}

TEST(SpanMapping, TagsOverTheLimitsAreDroppedNotErrors) {
  OtlpSpanSpec span = ChatSpan();
  for (int tag_idx = 0; tag_idx < 70; ++tag_idx) {
    span.attributes.push_back({"app.k" + std::to_string(tag_idx), int64_t{tag_idx}});
  }
  span.attributes.push_back({std::string(200, 'k'), std::string("v")});
  Result<MappedSpans> mapped = Map({{{}, {span}}});
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->events.at(0).tags.size(), kMaxTagsPerEvent);
  // 71 candidates beside the temperature: 63 kept, 8 dropped (7 over the count, 1 key too long).
  EXPECT_EQ(mapped->dropped_attributes, 8u);
}

std::vector<ErrorDetail> Problems(const Result<MappedSpans>& mapped) {
  EXPECT_FALSE(mapped.ok());
  if (mapped.ok()) return {};
  EXPECT_NE(mapped.status().message().find("nothing was stored"), std::string::npos);
  return mapped.status().details();
}

TEST(SpanMapping, AbsurdValuesAreErrorsNamingSpanAndAttribute) {
  OtlpSpanSpec negative = ChatSpan();
  negative.attributes[4].value = int64_t{-5};
  OtlpSpanSpec backwards = ChatSpan();
  backwards.end_ns = backwards.start_ns - 1;
  OtlpSpanSpec seconds = ChatSpan();
  seconds.start_ns = 1'760'000'000;  // epoch seconds sent as nanoseconds
  seconds.end_ns = 1'760'000'001;
  OtlpSpanSpec late_chunk = ChatSpan();
  late_chunk.attributes.push_back({"gen_ai.response.time_to_first_chunk", 2.0});
  OtlpSpanSpec fraction = ChatSpan();
  fraction.attributes[5].value = 2.5;
  OtlpSpanSpec long_model = ChatSpan(std::string(2000, 'm'));
  OtlpSpanSpec http_status = ChatSpan();
  http_status.attributes.push_back({"http.response.status_code", int64_t{999}});
  OtlpSpanSpec not_llm;  // absurd values in a span that is skipped are not looked at
  not_llm.end_ns = 1;

  const std::vector<ErrorDetail> problems =
      Problems(Map({{{}, {negative, backwards, seconds, late_chunk, fraction, long_model, http_status, not_llm}}}));
  ASSERT_EQ(problems.size(), 7u);
  auto expect = [&](size_t idx, int64_t span, std::string_view field, std::string_view reason) {
    EXPECT_EQ(problems[idx].index, span);
    EXPECT_EQ(problems[idx].field, field);
    EXPECT_NE(problems[idx].reason.find(reason), std::string::npos) << problems[idx].reason;
  };
  expect(0, 0, "gen_ai.usage.input_tokens", "must be an integer ≥ 0, got -5 (span resourceSpans[0].scopeSpans[0].spans[0]");
  expect(1, 1, "endTimeUnixNano", "is before startTimeUnixNano");
  expect(2, 2, "startTimeUnixNano", "within 2000..2200, got 1760000000");
  expect(3, 3, "gen_ai.response.time_to_first_chunk", "comes after the span's end");
  expect(4, 4, "gen_ai.usage.output_tokens", "must be an integer ≥ 0, got 2.5");
  expect(5, 5, "gen_ai.response.model", "longer than 1024 bytes");
  expect(6, 6, "http.response.status_code", "must be an integer 100..599, got 999");
}

// mltrack.input_hash on the span becomes input_hash; a bad one is a problem naming the
// attribute; prompt content is dropped, never hashed.
TEST(SpanMapping, InputHashFromTheMltrackAttribute) {
  OtlpSpanSpec hashed = ChatSpan();
  hashed.attributes.push_back({"mltrack.input_hash", std::string("9f86d081884c7d65")});
  OtlpSpanSpec content_only = ChatSpan();
  content_only.attributes.push_back({"gen_ai.input.messages", std::string("[{\"role\":\"user\",\"content\":\"hi\"}]")});
  Result<MappedSpans> mapped = Map({{{}, {hashed, content_only}}});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  ASSERT_EQ(mapped->events.size(), 2u);
  EXPECT_EQ(mapped->events[0].input_hash, "9f86d081884c7d65");
  EXPECT_EQ(Tag(mapped->events[0], "mltrack.input_hash"), "<absent>");
  EXPECT_EQ(mapped->events[1].input_hash, "");

  OtlpSpanSpec spaced = ChatSpan();
  spaced.attributes.push_back({"mltrack.input_hash", std::string("not a hash")});
  OtlpSpanSpec too_long = ChatSpan();
  too_long.attributes.push_back({"mltrack.input_hash", std::string(129, 'a')});
  const std::vector<ErrorDetail> problems = Problems(Map({{{}, {spaced, too_long}}}));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "mltrack.input_hash");
  EXPECT_NE(problems[0].reason.find("printable ASCII without spaces"), std::string::npos) << problems[0].reason;
  EXPECT_EQ(problems[1].index, 1);
  EXPECT_EQ(problems[1].field, "mltrack.input_hash");
}

}  // namespace
}  // namespace mltrack::ingest::otlp
