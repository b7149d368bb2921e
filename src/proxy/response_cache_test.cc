#include "proxy/response_cache.h"

#include <gtest/gtest.h>

namespace mltrack::proxy {
namespace {

CachedResponse Response(std::string body) {
  CachedResponse response;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.usage.model = "gpt-4o-mini";
  return response;
}

TEST(ResponseCache, KeysSeparateCallersAndBodies) {
  ResponseCache cache(1 << 20);
  const std::string key = cache.Key("openai", "/v1/chat/completions", "{}", {"Bearer sk-a"});
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key, cache.Key("openai", "/v1/chat/completions", "{}", {"Bearer sk-a"}));
  EXPECT_NE(key, cache.Key("openai", "/v1/chat/completions", "{}", {"Bearer sk-b"}));
  EXPECT_NE(key, cache.Key("openai", "/v1/chat/completions", "{ }", {"Bearer sk-a"}));
  EXPECT_NE(key, cache.Key("openai", "/v1/completions", "{}", {"Bearer sk-a"}));
  EXPECT_NE(key, cache.Key("anthropic", "/v1/chat/completions", "{}", {"Bearer sk-a"}));
  // Length-prefixed parts: moving bytes between parts changes the key.
  EXPECT_NE(cache.Key("a", "bc", "", {}), cache.Key("ab", "c", "", {}));
  // Another cache (another process) salts differently: keys say nothing about the credentials.
  EXPECT_NE(key, ResponseCache(1 << 20).Key("openai", "/v1/chat/completions", "{}", {"Bearer sk-a"}));
  EXPECT_EQ(key.find("sk-a"), std::string::npos);
}

TEST(ResponseCache, HitsUntilTheTtl) {
  ResponseCache cache(1 << 20);
  const auto now = ResponseCache::Clock::now();
  cache.Put("k", Response("{\"a\":1}"), std::chrono::seconds(10), now);
  std::shared_ptr<const CachedResponse> hit = cache.Get("k", now + std::chrono::seconds(9));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->body, "{\"a\":1}");
  EXPECT_EQ(hit->usage.model, "gpt-4o-mini");
  EXPECT_EQ(cache.Get("k", now + std::chrono::seconds(10)), nullptr);
  EXPECT_EQ(cache.entries(), 0u);  // the stale entry is gone
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.Get("other", now), nullptr);
}

TEST(ResponseCache, EvictsTheLeastRecentlyUsedWithinItsBound) {
  ResponseCache cache(16 * 1024);
  const auto now = ResponseCache::Clock::now();
  const std::string body(1000, 'x');
  for (int entry_idx = 0; entry_idx < 40; ++entry_idx) {
    cache.Put("k" + std::to_string(entry_idx), Response(body), std::chrono::seconds(60), now);
    ASSERT_NE(cache.Get("k0", now), nullptr) << entry_idx;  // kept warm: never the victim
    EXPECT_LE(cache.bytes(), cache.capacity_bytes());
  }
  EXPECT_NE(cache.Get("k39", now), nullptr);
  EXPECT_EQ(cache.Get("k1", now), nullptr);
  EXPECT_LT(cache.entries(), 40u);
}

TEST(ResponseCache, TooLargeOrOffKeepsNothing) {
  ResponseCache small(8 * 1024);
  small.Put("big", Response(std::string(4096, 'x')), std::chrono::seconds(60));
  EXPECT_EQ(small.entries(), 0u);
  ResponseCache off(0);
  off.Put("k", Response("{}"), std::chrono::seconds(60));
  EXPECT_EQ(off.Get("k"), nullptr);
}

}  // namespace
}  // namespace mltrack::proxy
