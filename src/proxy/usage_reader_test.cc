#include "proxy/usage_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>

namespace mltrack::proxy {
namespace {

// The stream of the recorded cassette test_chat_completion_streaming.yaml (abridged choices).
constexpr std::string_view kOpenAiStream =
    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4-0613\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n"
    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4-0613\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"This\"}}],\"usage\":null}\n\n"
    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4-0613\",\"choices\":[],\"usage\":"
    "{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,\"prompt_tokens_details\":{\"cached_tokens\":0},"
    "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
    "data: [DONE]\n\n";

// Anthropic's documented stream: usage in message_start (input, cache) and message_delta (output).
constexpr std::string_view kAnthropicStream =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
    "\"model\":\"claude-3-5-sonnet-20241022\",\"content\":[],\"usage\":{\"input_tokens\":25,"
    "\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":2000,\"output_tokens\":1}}}\n\n"
    "event: ping\ndata: {\"type\": \"ping\"}\n\n"
    "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\"Hello\"}}\r\n\r\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

CallUsage ReadInPieces(Dialect dialect, std::string_view stream, size_t piece) {
  SseUsageReader reader(dialect);
  for (size_t at = 0; at < stream.size(); at += piece) reader.Feed(stream.substr(at, piece));
  reader.Finish();
  return reader.usage();
}

TEST(SseUsageReader, OpenAiFinalChunk) {
  SseUsageReader reader(Dialect::kOpenAi);
  reader.Feed(kOpenAiStream);
  EXPECT_TRUE(reader.complete());
  EXPECT_EQ(reader.events(), 4u);
  const CallUsage& usage = reader.usage();
  EXPECT_EQ(usage.model, "gpt-4-0613");
  EXPECT_EQ(usage.input_tokens, 12);
  EXPECT_EQ(usage.output_tokens, 5);
  EXPECT_EQ(usage.cached_input_tokens, 0);
  EXPECT_EQ(usage.reasoning_tokens, 0);
  EXPECT_TRUE(usage.error_type.empty());
}

TEST(SseUsageReader, AnthropicAddsCacheTokensToInput) {
  SseUsageReader reader(Dialect::kAnthropic);
  reader.Feed(kAnthropicStream);
  EXPECT_TRUE(reader.complete());
  const CallUsage& usage = reader.usage();
  EXPECT_EQ(usage.model, "claude-3-5-sonnet-20241022");
  EXPECT_EQ(usage.input_tokens, 2125);
  EXPECT_EQ(usage.cached_input_tokens, 2000);
  EXPECT_EQ(usage.cache_write_tokens, 100);
  EXPECT_EQ(usage.output_tokens, 15);
}

TEST(SseUsageReader, AnyPieceSizeGivesTheSameUsage) {
  const CallUsage whole = ReadInPieces(Dialect::kAnthropic, kAnthropicStream, kAnthropicStream.size());
  for (size_t piece : {1, 2, 3, 7, 64}) {
    EXPECT_EQ(ReadInPieces(Dialect::kAnthropic, kAnthropicStream, piece), whole) << piece;
    EXPECT_EQ(ReadInPieces(Dialect::kOpenAi, kOpenAiStream, piece),
              ReadInPieces(Dialect::kOpenAi, kOpenAiStream, kOpenAiStream.size()))
        << piece;
  }
}

TEST(SseUsageReader, ResponsesApiCompletedEvent) {
  SseUsageReader reader(Dialect::kOpenAi);
  reader.Feed(
      "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"model\":\"o3-mini\",\"usage\":null}}\n\n"
      "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"model\":\"o3-mini-2025-01-31\","
      "\"usage\":{\"input_tokens\":40,\"input_tokens_details\":{\"cached_tokens\":32},\"output_tokens\":300,"
      "\"output_tokens_details\":{\"reasoning_tokens\":256}}}}\n\n");
  EXPECT_TRUE(reader.complete());
  EXPECT_EQ(reader.usage().model, "o3-mini-2025-01-31");
  EXPECT_EQ(reader.usage().input_tokens, 40);
  EXPECT_EQ(reader.usage().cached_input_tokens, 32);
  EXPECT_EQ(reader.usage().output_tokens, 300);
  EXPECT_EQ(reader.usage().reasoning_tokens, 256);
}

TEST(SseUsageReader, ErrorEventsAndMultiLineData) {
  SseUsageReader reader(Dialect::kAnthropic);
  reader.Feed(": a comment\nevent: error\ndata: {\"type\":\"error\",\n data: \"error\":{\"type\":\"overloaded_error\"}}\n\n");
  EXPECT_EQ(reader.usage().error_type, "");  // "data" and " data" differ: the second line is not data
  SseUsageReader joined(Dialect::kAnthropic);
  joined.Feed("event: error\ndata: {\"type\":\"error\",\ndata: \"error\":{\"type\":\"overloaded_error\"}}\n\n");
  EXPECT_EQ(joined.usage().error_type, "overloaded_error");
  EXPECT_FALSE(joined.complete());
}

TEST(SseUsageReader, OversizedEventIsSkippedAndTheNextOneRead) {
  SseUsageReader reader(Dialect::kOpenAi);
  reader.Feed("data: ");
  const std::string big(SseUsageReader::kMaxEventBytes + 10, 'x');
  reader.Feed(big);
  reader.Feed("\n\ndata: {\"model\":\"m\",\"usage\":{\"prompt_tokens\":3}}\n\n");
  EXPECT_EQ(reader.usage().model, "m");
  EXPECT_EQ(reader.usage().input_tokens, 3);
  EXPECT_EQ(reader.events(), 1u);
}

TEST(SseUsageReader, UnterminatedLastEventIsReadAtFinish) {
  SseUsageReader reader(Dialect::kOpenAi);
  reader.Feed("data: {\"model\":\"m\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}");
  EXPECT_EQ(reader.events(), 0u);
  reader.Finish();
  EXPECT_EQ(reader.usage().output_tokens, 4);
}

TEST(SseUsageReader, GarbageNeverCrashesOrInventsUsage) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string noise(1 + random() % 300, '\0');
    static constexpr std::string_view kAlphabet = "data: {}\n\r:[]\"usage0";
    for (char& c : noise) c = kAlphabet[random() % kAlphabet.size()];
    SseUsageReader reader(Dialect::kOpenAi);
    reader.Feed(noise);
    reader.Finish();
    EXPECT_FALSE(reader.usage().input_tokens.has_value());
  }
}

TEST(ReadResponseUsage, ChatCompletionFromTheCassette) {
  // test_chat_completion_with_content.yaml
  const CallUsage usage = ReadResponseUsage(Dialect::kOpenAi, R"({"id": "chatcmpl-1", "object": "chat.completion",
      "model": "gpt-4-0613", "choices": [{"index": 0, "message": {"role": "assistant", "content": "This is a test."}}],
      "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0}}})");
  EXPECT_EQ(usage.model, "gpt-4-0613");
  EXPECT_EQ(usage.input_tokens, 12);
  EXPECT_EQ(usage.output_tokens, 5);
}

TEST(ReadResponseUsage, EmbeddingsErrorsAndAnthropic) {
  const CallUsage embedding = ReadResponseUsage(Dialect::kOpenAi,
      R"({"object":"list","data":[],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}})");
  EXPECT_EQ(embedding.input_tokens, 8);
  EXPECT_FALSE(embedding.output_tokens.has_value());

  const CallUsage not_found = ReadResponseUsage(Dialect::kOpenAi, R"({"error": {"message": "The model does not exist",
      "type": "invalid_request_error", "param": null, "code": "model_not_found"}})");
  EXPECT_EQ(not_found.error_type, "model_not_found");
  const CallUsage overloaded =
      ReadResponseUsage(Dialect::kAnthropic, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  EXPECT_EQ(overloaded.error_type, "overloaded_error");

  const CallUsage message = ReadResponseUsage(Dialect::kAnthropic, R"({"id":"msg_1","type":"message",
      "model":"claude-3-haiku-20240307","usage":{"input_tokens":10,"cache_read_input_tokens":0,"output_tokens":20}})");
  EXPECT_EQ(message.input_tokens, 10);
  EXPECT_EQ(message.output_tokens, 20);
  EXPECT_EQ(ReadResponseUsage(Dialect::kOpenAi, "not json"), CallUsage{});
  EXPECT_FALSE(ReadResponseUsage(Dialect::kOpenAi, R"({"usage":{"prompt_tokens":-4}})").input_tokens.has_value());
}

}  // namespace
}  // namespace mltrack::proxy
