// GET /api/analytics/users through the real binary: events posted over HTTP show up as users,
// the funnel follows their steps, and bad steps / window are 400s naming the parameter. The
// query engine's days:ts and per-key ts bounds answer over HTTP too.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int64_t kHourMs = 3'600'000;

std::string StepEvent(const std::string& id, const std::string& user, int64_t ts, const std::string& step) {
  return R"({"id":")" + id + R"(","ts":")" + Rfc3339(ts) + R"(","model":"gpt-4o-mini","user":")" + user +
         R"(","team":"t","experiment":"e","input_tokens":10,"output_tokens":5,"tags":{"step":")" + step + R"("}})";
}

class UsersDashboardTest : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    const int64_t base = NowMs() - 5 * kHourMs;
    HttpResult ack = Ingest(JsonArray({
        StepEvent("a1", "ann", base, "search"), StepEvent("a2", "ann", base + 60'000, "answer"),
        StepEvent("b1", "bob", base + kHourMs, "answer"), StepEvent("b2", "bob", base + 2 * kHourMs, "search"),
        StepEvent("c1", "cy", base + 3 * kHourMs, "search"), StepEvent("c2", "cy", base + 3 * kHourMs + 1000, "answer"),
    }));
    ASSERT_EQ(ack.status, 200) << ack.Describe();
  }
};

TEST_F(UsersDashboardTest, UsersAndFunnelFromPostedEvents) {
  HttpResult result = client().Get("/api/analytics/users?from=now-1d&steps=tags.step:search,tags.step:answer&window=1h");
  ASSERT_EQ(result.status, 200) << result.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element body = parser.parse(result.body);
  EXPECT_EQ(int64_t(body["totals"]["users"]["value"]), 3);
  EXPECT_EQ(int64_t(body["totals"]["new_users"]), 3);
  EXPECT_EQ(int64_t(body["totals"]["calls"]["value"]), 6);
  EXPECT_EQ(simdjson::dom::array(body["top_users"]["rows"]).size(), 3u);
  // ann and cy answer after their search; bob's answer came before his.
  simdjson::dom::array steps = body["funnel"]["steps"];
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(int64_t(steps.at(0)["users"]), 3);
  EXPECT_EQ(int64_t(steps.at(1)["users"]), 2);
  EXPECT_DOUBLE_EQ(double(steps.at(1)["median_ms_from_previous"]), (60'000 + 1'000) / 2.0);
  EXPECT_GE(simdjson::dom::array(body["cohorts"]).size(), 1u);
}

TEST_F(UsersDashboardTest, BadStepsAndWindowNameTheParameter) {
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/analytics/users?steps=tags.step:search", "steps"},
           {"/api/analytics/users?steps=tags.step:search,operation:searching", "steps"},
           {"/api/analytics/users?steps=a:b,c:d&window=0m", "window"},
           {"/api/analytics/users?sort=latency", "sort"},
       }) {
    HttpResult result = client().Get(target);
    EXPECT_EQ(result.status, 400) << target << ": " << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.body;
    EXPECT_TRUE(error->NamesField(field)) << target << ": " << result.body;
  }
}

TEST_F(UsersDashboardTest, DaysAndPerUserBoundsOverHttp) {
  std::optional<QueryTable> days = QueryTableOf(R"("group_by":["user"],"metrics":["count","days:ts"])");
  ASSERT_TRUE(days.has_value());
  ASSERT_EQ(days->rows.size(), 3u);
  EXPECT_EQ(days->Cell(0, "user"), "ann");
  EXPECT_EQ(days->Cell(0, "days:ts").front(), '[');
  HttpResult bounded = Query(R"("filters":[{"field":"tags.step","op":"eq","value":"answer"},)"
                             R"({"field":"ts","op":"gt","by":"user","bounds":{"ann":0}}],"metrics":["count"])");
  ASSERT_EQ(bounded.status, 200) << bounded.Describe();
  std::optional<QueryTable> table = QueryTableOf(R"("filters":[{"field":"tags.step","op":"eq","value":"answer"},)"
                                                 R"({"field":"ts","op":"gt","by":"user","bounds":{"ann":0}}],"metrics":["count"])");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->Cell(0, "count"), "1");  // ann's one answer; bob and cy have no bound
}

}  // namespace
}  // namespace mltrack::integration
