#include "alerts/alert_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "alerts/webhook_http.h"

namespace mltrack::alerts {
namespace {

class AlertLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mltrack-alert-log-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AlertLog> Open() {
    problems_.clear();
    return std::move(AlertLog::Open(dir_, &problems_)).value();
  }

  std::filesystem::path dir_;
  std::vector<std::string> problems_;
};

TEST_F(AlertLogTest, RecordsOncePerKeyAcrossReopens) {
  {
    std::unique_ptr<AlertLog> log = Open();
    auto first = log->Record("budget_threshold", "b:1:t50", R"({"threshold_pct":50})", 1000);
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first->second);
    EXPECT_EQ(first->first.id, "alert-1");
    auto again = log->Record("budget_threshold", "b:1:t50", R"({"threshold_pct":50})", 2000);
    EXPECT_FALSE(again->second);
    EXPECT_EQ(again->first.fired_at_ms, 1000);
    EXPECT_TRUE(log->Record("budget_threshold", "b:1:t80", R"({"threshold_pct":80})", 3000)->second);
  }
  std::unique_ptr<AlertLog> log = Open();
  EXPECT_TRUE(problems_.empty());
  ASSERT_EQ(log->List().size(), 2u);
  EXPECT_FALSE(log->Record("budget_threshold", "b:1:t80", "{}", 4000)->second);
  EXPECT_EQ(log->next_seq(), 3u);
  EXPECT_EQ(AlertJson(log->List()[1]),
            R"({"id":"alert-2","kind":"budget_threshold","fired_at":"1970-01-01T00:00:03.000Z","threshold_pct":80})");
}

TEST_F(AlertLogTest, ATornTailIsCutAndDamageInTheMiddleIsSkippedAndReported) {
  {
    std::unique_ptr<AlertLog> log = Open();
    for (int idx = 1; idx <= 3; ++idx) ASSERT_TRUE(log->Record("k", "key" + std::to_string(idx), "{}", idx).ok());
  }
  const std::filesystem::path path = dir_ / "alerts.log";
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Flip a byte in the second record, and append half a fourth one (a crash while appending).
  const size_t second = text.find('\n') + 1;
  text[second + 30] ^= 1;
  text += "0123456789abcdef {\"seq\":4,";
  std::ofstream(path, std::ios::trunc) << text;
  std::unique_ptr<AlertLog> log = Open();
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_NE(problems_[0].find("at byte " + std::to_string(second)), std::string::npos) << problems_[0];
  ASSERT_EQ(log->List().size(), 2u);
  EXPECT_EQ(log->List()[1].id, "alert-3");
  // The torn tail is gone: the next record follows the last whole one and reads back.
  ASSERT_TRUE(log->Record("k", "key4", "{}", 4).ok());
  log.reset();
  EXPECT_EQ(Open()->List().size(), 3u);
}

TEST(WebhookHttpTest, ParsesHttpUrlsAndRefusesOthers) {
  Result<HttpUrl> url = ParseHttpUrl("http://127.0.0.1:8080/hooks/a?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/hooks/a?x=1");
  EXPECT_EQ(ParseHttpUrl("http://example.com")->target, "/");
  EXPECT_EQ(ParseHttpUrl("http://[::1]:9/")->host, "::1");
  for (const char* bad : {"ftp://x/", "https://", "http://", "http://host:0/", "http://host:70000/",
                          "http://a b/", "http://user:pw@host/"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

TEST(WebhookHttpTest, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace mltrack::alerts
