#include "proxy/upstream.h"

#include <gtest/gtest.h>

namespace mltrack::proxy {
namespace {

TEST(Upstream, ParsesUrls) {
  Result<Upstream> https = ParseUpstreamUrl("https://api.openai.com");
  ASSERT_TRUE(https.ok());
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "api.openai.com");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->base_path, "");
  EXPECT_EQ(https->HostHeader(), "api.openai.com");

  Result<Upstream> local = ParseUpstreamUrl("http://127.0.0.1:9000/openai/");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->port, 9000);
  EXPECT_EQ(local->base_path, "/openai");
  EXPECT_EQ(local->HostHeader(), "127.0.0.1:9000");
  EXPECT_EQ(local->ToString(), "http://127.0.0.1:9000/openai");

  Result<Upstream> v6 = ParseUpstreamUrl("http://[::1]:8081");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->HostHeader(), "[::1]:8081");
}

TEST(Upstream, RefusesBadUrls) {
  for (std::string_view bad : {"ftp://x", "api.openai.com", "http://", "http://h:0", "http://h:99999", "http://h:x",
                               "https://user@h", "http://h/?q=1", "http://[::1", "http://h:"}) {
    Result<Upstream> upstream = ParseUpstreamUrl(bad);
    EXPECT_FALSE(upstream.ok()) << bad;
    if (!upstream.ok()) {
      EXPECT_EQ(upstream.status().details().at(0).field, "upstream");
    }
  }
}

TEST(Upstream, ProvidersAndOverrides) {
  Result<std::vector<Provider>> defaults = ConfigureProviders({});
  ASSERT_TRUE(defaults.ok());
  ASSERT_EQ(defaults->size(), 2u);
  EXPECT_EQ((*defaults)[0].upstream.ToString(), "https://api.openai.com");
  EXPECT_EQ((*defaults)[1].upstream.ToString(), "https://api.anthropic.com");

  Result<std::vector<Provider>> local = ConfigureProviders({"anthropic=http://127.0.0.1:7000"});
  ASSERT_TRUE(local.ok());
  EXPECT_EQ((*local)[1].upstream.ToString(), "http://127.0.0.1:7000");
  EXPECT_FALSE(ConfigureProviders({"mistral=http://x"}).ok());
  EXPECT_FALSE(ConfigureProviders({"openai"}).ok());
}

TEST(Upstream, Endpoints) {
  EXPECT_EQ(FindEndpoint(Dialect::kOpenAi, "/v1/embeddings")->operation, Operation::kEmbedding);
  EXPECT_EQ(FindEndpoint(Dialect::kOpenAi, "/v1/completions")->operation, Operation::kCompletion);
  EXPECT_EQ(FindEndpoint(Dialect::kOpenAi, "/v1/responses")->operation, Operation::kChat);
  EXPECT_EQ(FindEndpoint(Dialect::kAnthropic, "/v1/messages")->operation, Operation::kChat);
  EXPECT_FALSE(FindEndpoint(Dialect::kAnthropic, "/v1/chat/completions"));
  EXPECT_FALSE(FindEndpoint(Dialect::kOpenAi, "/v1/models"));
  EXPECT_EQ(EndpointList(Dialect::kAnthropic), "/v1/messages");
}

}  // namespace
}  // namespace mltrack::proxy
