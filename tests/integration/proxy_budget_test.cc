// Budget enforcement at the proxy through the real binary, against the fake upstream (which
// counts what it receives): an enforced budget that is spent refuses the calls in its scope with
// 429 budget_exhausted and Retry-After, sending nothing upstream; calls outside the scope pass; a
// spent budget that is not enforced blocks nothing; raising the amount unblocks
// (docs/integrations/proxy.md, "Budget enforcement").
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "fake_upstream.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kChatPath = "/proxy/openai/v1/chat/completions";
constexpr const char* kChatBody = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
// Each call of the fake upstream is 10 input and 5 output tokens of gpt-4o-mini, priced by kPrices
// (whatever catalogue the build embeds) at $0.15 and $0.60 per million: $0.0000045. $0.00001 is
// spent after three calls.
constexpr const char* kPrices =
    R"([{"id": "openai", "name": "OpenAI", "provider_match": {"equals": "openai"},
         "models": [{"id": "gpt-4o-mini", "match": {"starts_with": "gpt-4o-mini"},
                     "prices": {"input_mtok": 0.15, "output_mtok": 0.6}}]}])";
constexpr const char* kCapped =
    R"({"name": "ml hard cap", "scope": {"field": "team", "value": "ml"}, "period": "day",
        "amount_usd": 0.00001, "thresholds_pct": [50], "enforce": true})";
constexpr const char* kAlertOnly =
    R"({"name": "web alerts only", "scope": {"field": "team", "value": "web"}, "period": "day",
        "amount_usd": 0.000001, "thresholds_pct": [100]})";

class ProxyBudgetTest : public IntegrationTest {
 protected:
  void SetUp() override {
    const std::filesystem::path prices = temp_.path() / "prices.json";
    std::ofstream(prices) << kPrices;
    ASSERT_NO_FATAL_FAILURE(StartServer({"--upstream", "openai=" + upstream_.url(), "--upstream",
                                         "anthropic=" + upstream_.url(), "--prices", prices.string()}));
  }

  HttpResult Call(const std::string& team) {
    return client().Request("POST", kChatPath, kChatBody, "application/json",
                            {{"Authorization", "Bearer sk-test"}, {"X-MLtrack-Team", team}});
  }

  std::string CreateBudget(const char* body) {
    HttpResult created = client().Post("/api/v1/budgets", body);
    EXPECT_EQ(created.status, 201) << created.Describe();
    simdjson::dom::parser parser;
    simdjson::dom::element budget;
    if (parser.parse(created.body).get(budget)) return "";
    return std::string(std::string_view(budget["id"]));
  }

  size_t AlertCount() {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(client().Get("/api/v1/alerts").body).get(root)) return 0;
    return simdjson::dom::array(root["alerts"]).size();
  }

  FakeUpstream upstream_;
};

TEST_F(ProxyBudgetTest, ASpentEnforcedBudgetRefusesItsCallsUntilItsAmountIsRaised) {
  const std::string capped = CreateBudget(kCapped);
  ASSERT_EQ(capped, "b-1");
  EXPECT_NE(client().Get("/api/v1/budgets/b-1").body.find(R"("enforce":true)"), std::string::npos);
  const std::string alert_only = CreateBudget(kAlertOnly);
  EXPECT_NE(client().Get("/api/v1/budgets/" + alert_only).body.find(R"("enforce":false)"), std::string::npos);

  // Calls until the spend is stored and evaluated: three pass at least, then 429.
  HttpResult refused;
  int passed = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const size_t sent_before = upstream_.received().size();
    HttpResult result = Call("ml");
    if (result.status == 429) {
      EXPECT_EQ(upstream_.received().size(), sent_before) << "a refused call reached the upstream";
      refused = result;
      break;
    }
    ASSERT_EQ(result.status, 200) << result.Describe();
    ++passed;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(refused.status, 429) << "never refused after " << passed << " calls";
  EXPECT_GE(passed, 3);
  std::optional<ErrorBody> error = ParseErrorBody(refused.body);
  ASSERT_TRUE(error) << refused.body;
  EXPECT_EQ(error->code, "budget_exhausted");
  for (const char* part : {"budget b-1", "\"ml hard cap\"", "of $0.00001", "in the day from", "it resets at"}) {
    EXPECT_NE(error->message.find(part), std::string::npos) << part << " not in: " << error->message;
  }
  const int64_t retry_after = ToInt(refused.Header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 86'400);

  // Still refused, and still nothing sent: only the calls that passed reached the upstream.
  const size_t sent = upstream_.received().size();
  EXPECT_EQ(Call("ml").status, 429);
  EXPECT_EQ(upstream_.received().size(), sent);
  EXPECT_EQ(static_cast<int>(sent), passed);

  // Outside the scope: passes. A spent budget that only alerts (team web, $0.000001) never blocks:
  // once its 100 % alert fired, web's calls still pass.
  ASSERT_EQ(Call("web").status, 200);
  for (int attempt = 0; attempt < 100 && AlertCount() < 2; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(AlertCount(), 2u) << client().Get("/api/v1/alerts").body;  // ml's 50 %, web's 100 %
  EXPECT_EQ(Call("web").status, 200);
  EXPECT_EQ(upstream_.received().size(), sent + 2);

  // Raising the amount unblocks at once.
  HttpResult raised = client().Request("PUT", "/api/v1/budgets/b-1",
                                       R"({"name": "ml hard cap", "scope": {"field": "team", "value": "ml"},
                                           "period": "day", "amount_usd": 5, "enforce": true})",
                                       "application/json");
  ASSERT_EQ(raised.status, 200) << raised.Describe();
  EXPECT_EQ(Call("ml").status, 200);
  EXPECT_EQ(upstream_.received().size(), sent + 3);
}

TEST_F(ProxyBudgetTest, TurningEnforcementOnForAnAlreadySpentBudgetBlocksAndOffUnblocks) {
  const std::string id = CreateBudget(
      R"({"name": "all", "period": "month", "amount_usd": 0.000001, "thresholds_pct": [100]})");
  ASSERT_EQ(Call("ml").status, 200);  // $0.0000045 of $0.000001
  for (int attempt = 0; attempt < 100 && AlertCount() < 1; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(AlertCount(), 1u);
  EXPECT_EQ(Call("anyone").status, 200);  // spent, not enforced

  const std::string enforced = R"({"name": "all", "period": "month", "amount_usd": 0.000001, "enforce": true})";
  ASSERT_EQ(client().Request("PUT", "/api/v1/budgets/" + id, enforced, "application/json").status, 200);
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 429; ++attempt) {
    status = Call("anyone").status;
    if (status != 429) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 429);  // unscoped: every call
  const size_t sent = upstream_.received().size();

  const std::string off = R"({"name": "all", "period": "month", "amount_usd": 0.000001, "enforce": false})";
  ASSERT_EQ(client().Request("PUT", "/api/v1/budgets/" + id, off, "application/json").status, 200);
  EXPECT_EQ(Call("anyone").status, 200);
  EXPECT_EQ(upstream_.received().size(), sent + 1);
}

TEST_F(ProxyBudgetTest, EnforceMustBeABoolean) {
  HttpResult bad = client().Post("/api/v1/budgets", R"({"name": "x", "amount_usd": 1, "enforce": "yes"})");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(bad.body);
  ASSERT_TRUE(error) << bad.body;
  EXPECT_TRUE(error->NamesField("enforce")) << bad.body;
  EXPECT_EQ(client().Get("/api/v1/budgets").body.find("\"x\""), std::string::npos);  // nothing stored
}

}  // namespace
}  // namespace mltrack::integration
