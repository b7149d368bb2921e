#include "proxy/call_labels.h"

#include <gtest/gtest.h>

namespace mltrack::proxy {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
constexpr std::chrono::seconds kMaxTtl{3600};

TEST(CallLabels, ReadsEveryLabel) {
  Result<CallLabels> labels = ReadCallLabels(
      Headers{{"Authorization", "Bearer sk-secret"},
              {"X-MLtrack-User", " ana@example.com "},
              {"x-mltrack-experiment", "checkout-v2"},
              {"X-MLTRACK-SESSION", "s-42"},
              {"X-MLtrack-Team", "search"},
              {"X-MLtrack-Tag-Env", "prod"},
              {"X-MLtrack-Tag-feature.name", "summarise"},
              {"X-MLtrack-Cache", "ON"},
              {"X-MLtrack-Cache-TTL", "60"}},
      kMaxTtl);
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_EQ(labels->user, "ana@example.com");
  EXPECT_EQ(labels->experiment, "checkout-v2");
  EXPECT_EQ(labels->session, "s-42");
  EXPECT_EQ(labels->team, "search");
  ASSERT_EQ(labels->tags.size(), 2u);
  EXPECT_EQ(labels->tags[0], (std::pair<std::string, std::string>{"env", "prod"}));
  EXPECT_EQ(labels->tags[1].first, "feature.name");
  EXPECT_TRUE(labels->cache);
  EXPECT_EQ(labels->cache_ttl, std::chrono::seconds(60));
}

TEST(CallLabels, NoLabelsIsFine) {
  Result<CallLabels> labels = ReadCallLabels(Headers{{"Content-Type", "application/json"}}, kMaxTtl);
  ASSERT_TRUE(labels.ok());
  EXPECT_TRUE(labels->user.empty());
  EXPECT_FALSE(labels->cache);
}

TEST(CallLabels, EveryBadHeaderIsNamed) {
  Headers headers = {{"X-MLtrack-Usr", "typo"},
                     {"X-MLtrack-User", "a"},
                     {"X-MLtrack-User", "b"},
                     {"X-MLtrack-Experiment", "bad\x01value"},
                     {"X-MLtrack-Session", std::string(1025, 's')},
                     {"X-MLtrack-Team", "caf\xc3"},
                     {"X-MLtrack-Tag-Bad Key", "v"},
                     {"X-MLtrack-Cache", "maybe"},
                     {"X-MLtrack-Cache-TTL", "0"}};
  Result<CallLabels> labels = ReadCallLabels(headers, kMaxTtl);
  ASSERT_FALSE(labels.ok());
  EXPECT_EQ(labels.status().code(), StatusCode::kInvalidArgument);
  const auto& details = labels.status().details();
  ASSERT_EQ(details.size(), 8u) << labels.status().ToString();
  EXPECT_EQ(details[0].field, "X-MLtrack-Usr");
  EXPECT_NE(details[0].reason.find("unknown X-MLtrack header"), std::string::npos);
  EXPECT_EQ(details[1].field, "X-MLtrack-User");
  EXPECT_NE(details[1].reason.find("repeated"), std::string::npos);
  EXPECT_EQ(details[2].reason, "contains a control character");
  EXPECT_NE(details[3].reason.find("longer than 1024 bytes"), std::string::npos);
  EXPECT_EQ(details[4].reason, "not valid UTF-8");
  EXPECT_NE(details[5].reason.find("tag key"), std::string::npos);
  EXPECT_EQ(details[6].reason, "must be on or off");
  EXPECT_NE(details[7].reason.find("from 1 to 3600"), std::string::npos);
}

TEST(CallLabels, AtMost64Tags) {
  Headers headers;
  for (int tag_idx = 0; tag_idx < 65; ++tag_idx) {
    headers.emplace_back("X-MLtrack-Tag-k" + std::to_string(tag_idx), "v");
  }
  Result<CallLabels> labels = ReadCallLabels(headers, kMaxTtl);
  ASSERT_FALSE(labels.ok());
  EXPECT_EQ(labels.status().details().at(0).field, "X-MLtrack-Tag-k64");
}

TEST(CallLabels, RecognisesItsHeaders) {
  EXPECT_TRUE(IsMltrackHeader("X-MLtrack-User"));
  EXPECT_TRUE(IsMltrackHeader("x-mltrack-anything"));
  EXPECT_FALSE(IsMltrackHeader("X-MLtrac"));
  EXPECT_FALSE(IsMltrackHeader("Authorization"));
}

}  // namespace
}  // namespace mltrack::proxy
