// The Model Comparison and A/B endpoints through the real binary: events priced by the embedded
// price catalogue, feature support read from it, an A/B verdict, and bad input named
// (docs/api.md "Model Comparison", "A/B experiments").
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class ModelComparisonTest : public IntegrationTest {
 protected:
  // Calls of `model` with prompt `version`: 1,000 input and `output` output tokens, no cost
  // (the server prices them), and a quality score.
  static std::string Call(int idx, const std::string& model, const std::string& version, int output, double quality) {
    return R"({"ts":)" + std::to_string(NowMs() - 3'600'000 + idx * 1000) + R"(,"model":")" + model +
           R"(","provider":"openai","prompt_version":")" + version + R"(","input_tokens":1000,"output_tokens":)" +
           std::to_string(output) + R"(,"latency_ms":)" + std::to_string(400 + idx % 7 * 10) +
           R"(,"scores":{"quality":)" + std::to_string(quality) + "}}";
  }
};

TEST_F(ModelComparisonTest, PricesFeaturesAndAnABVerdictFromTheRealCatalogue) {
  StartServer();
  std::vector<std::string> lines;
  for (int idx = 0; idx < 40; ++idx) {
    lines.push_back(Call(idx, "gpt-4o-mini", "v1", 200 + idx % 5, 0.70 + 0.01 * (idx % 5)));
    lines.push_back(Call(idx, "gpt-4o", "v2", 100 + idx % 5, 0.80 + 0.01 * (idx % 5)));
  }
  HttpResult ingest = Ingest(Ndjson(lines), "application/x-ndjson");
  ASSERT_EQ(ingest.status, 200) << ingest.Describe();

  HttpResult compare = client().Get("/api/analytics/models/compare?models=gpt-4o-mini,gpt-4o&from=now-1d");
  ASSERT_EQ(compare.status, 200) << compare.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element body = parser.parse(compare.body);
  simdjson::dom::element mini = body["models"].at(0);
  EXPECT_EQ(std::string_view(mini["model"]), "gpt-4o-mini");
  EXPECT_EQ(int64_t(mini["calls"]), 40);
  // The npm catalogue (genai-prices 0.1.8): gpt-4o-mini input $0.15, output $0.60 per Mtok,
  // context window 128,000; it states no image, tool or reasoning unit for it.
  EXPECT_DOUBLE_EQ(double(mini["cost_per_1k_usd"]["input"]), 0.00015);
  EXPECT_DOUBLE_EQ(double(mini["cost_per_1k_usd"]["output"]), 0.0006);
  EXPECT_EQ(int64_t(mini["features"]["context_window"]), 128'000);
  EXPECT_EQ(std::string_view(mini["features"]["vision"]), "unknown");
  EXPECT_EQ(std::string_view(mini["features"]["streaming"]), "not_observed");
  // Priced at ingest: 40 × 1,000 input × $0.15/M + Σ output × $0.60/M; blended per 1K tokens.
  const double output_tokens = 40 * 200 + 8 * (0 + 1 + 2 + 3 + 4);
  const double cost = 40 * 1000 * 0.15e-6 + output_tokens * 0.60e-6;
  EXPECT_NEAR(double(mini["cost_usd"]), cost, 1e-9);
  EXPECT_NEAR(double(mini["cost_per_1k_usd"]["blended"]), cost / (40 * 1000 + output_tokens) * 1000, 1e-12);
  EXPECT_EQ(std::string_view(body["quality"]), "scores.quality");
  EXPECT_EQ(simdjson::dom::array(body["cost_quality"]["frontier"]).size(), 2u);  // cheaper vs better

  HttpResult ab = client().Get("/api/analytics/ab?dimension=prompt_version&a=v1&b=v2&from=now-1d");
  ASSERT_EQ(ab.status, 200) << ab.Describe();
  simdjson::dom::element verdict_body = parser.parse(ab.body);
  const std::string verdict{std::string_view(verdict_body["verdict"])};
  EXPECT_EQ(verdict.rfind("prompt_version v2 costs ", 0), 0u) << verdict;
  EXPECT_NE(verdict.find("n = 40 vs 40."), std::string::npos) << verdict;

  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/analytics/ab?dimension=prompt_version&a=v1&b=v1", "b"},
           {"/api/analytics/ab?dimension=colour&a=v1&b=v2", "dimension"},
           {"/api/analytics/models/compare?models=gpt-4o,no-such-model&from=now-1d", "models"},
           {"/api/analytics/models/compare?weights=cost:x", "weights"}}) {
    HttpResult bad = client().Get(target);
    EXPECT_EQ(bad.status, 400) << target << ": " << bad.Describe();
    auto error = ParseErrorBody(bad.body);
    ASSERT_TRUE(error.has_value()) << bad.body;
    bool named = false;
    for (const ErrorDetailView& detail : error->details) named |= detail.field == field;
    EXPECT_TRUE(named) << target << " does not name " << field << ": " << bad.body;
  }
}

}  // namespace
}  // namespace mltrack::integration
