#include "proxy/request_input_hash.h"

#include <gtest/gtest.h>

namespace mltrack::proxy {
namespace {

// The expected values are SHA-256 over (u64 little-endian length · bytes) of each member name and
// its minified JSON, worked out with Python's hashlib.
TEST(RequestInputHash, HashesTheInputMembersOnly) {
  const std::string chat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test"}]})";
  EXPECT_EQ(RequestInputHash(chat), "7b6b5e41493c42b5be199bc1c07b3ca18ac042adc0cecaac8f5e50dede6e78be");
  // Another model, sampling parameters, streaming and whitespace leave it alone.
  EXPECT_EQ(RequestInputHash(R"({"model": "gpt-4o", "temperature": 0.2, "stream": true,
                                  "messages": [ {"role": "user", "content": "Say this is a test"} ]})"),
            RequestInputHash(chat));
  EXPECT_NE(RequestInputHash(R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test!"}]})"),
            RequestInputHash(chat));
}

TEST(RequestInputHash, AnthropicSystemCountsBeforeTheMessages) {
  const std::string body =
      R"({"model":"claude-haiku-4-5","max_tokens":64,"system":"Be brief.","messages":[{"role":"user","content":"Say this is a test"}]})";
  EXPECT_EQ(RequestInputHash(body), "f8efa31d8e2b6d18ad159ce56bed14648617631d39d6dedfb08c41b870b4370e");
  // The same messages with another system prompt are another input.
  EXPECT_NE(RequestInputHash(R"({"system":"Be long.","messages":[{"role":"user","content":"Say this is a test"}]})"),
            RequestInputHash(body));
}

TEST(RequestInputHash, CompletionsAndEmbeddingsHashTheirPromptOrInput) {
  EXPECT_EQ(RequestInputHash(R"({"model":"m","prompt":"hello"})").size(), 64u);
  EXPECT_EQ(RequestInputHash(R"({"model":"m","input":["a","b"]})").size(), 64u);
  EXPECT_NE(RequestInputHash(R"({"prompt":"hello"})"), RequestInputHash(R"({"input":"hello"})"));
}

TEST(RequestInputHash, NoHashWithoutAJsonObjectWithInput) {
  EXPECT_EQ(RequestInputHash(""), "");
  EXPECT_EQ(RequestInputHash("not json"), "");
  EXPECT_EQ(RequestInputHash(R"(["messages"])"), "");
  EXPECT_EQ(RequestInputHash(R"({"model":"gpt-4o-mini"})"), "");
}

}  // namespace
}  // namespace mltrack::proxy
