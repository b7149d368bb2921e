// The query model's newer pieces through the real binary: min:ts / max:ts, var / stddev,
// tokens_per_s and local-time buckets ("tz") over HTTP, and a 400 naming `tz` from the query
// endpoint and from a dashboard.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class QueryFeaturesTest : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    // 2026-03-28T23:30Z and 2026-03-29T01:30Z: one local day in Berlin (CET, then CEST), two UTC
    // days. Speeds: 100 / 2 s = 50 and 300 / 2 s = 150 tokens/s.
    HttpResult ingest = Ingest(JsonArray({
        R"({"ts":"2026-03-28T23:30:00Z","model":"m","output_tokens":100,"latency_ms":2500,"ttft_ms":500})",
        R"({"ts":"2026-03-29T01:30:00Z","model":"m","output_tokens":300,"latency_ms":2100,"ttft_ms":100})",
    }));
    ASSERT_EQ(ingest.status, 200) << ingest.Describe();
  }
};

TEST_F(QueryFeaturesTest, NewMetricsOverHttp) {
  auto table = QueryTableOf(
      R"("metrics":["min:ts","max:ts","avg:tokens_per_s","var:tokens_per_s","stddev:latency_ms"])");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->Cell(0, "min:ts"), "1774740600000");
  EXPECT_EQ(table->Cell(0, "max:ts"), "1774747800000");
  EXPECT_EQ(table->Cell(0, "avg:tokens_per_s"), "100");
  EXPECT_EQ(table->Cell(0, "var:tokens_per_s"), "5000");  // (50² + 50²) / (2 − 1)
  EXPECT_EQ(table->Cell(0, "stddev:latency_ms"), "282.842712474619");  // √(200² · 2)
}

TEST_F(QueryFeaturesTest, LocalDaysOverHttp) {
  HttpResult utc = Query(R"("bucket":"1d","metrics":["count"])");
  ASSERT_EQ(utc.status, 200) << utc.Describe();
  EXPECT_NE(utc.body.find(R"("rows":[[1774656000000,1],[1774742400000,1]])"), std::string::npos) << utc.body;
  EXPECT_EQ(utc.body.find(R"("tz")"), std::string::npos) << utc.body;
  // Local midnight of March 29 in Berlin is 2026-03-28T23:00Z (Python's zoneinfo).
  HttpResult berlin = Query(R"("bucket":"1d","tz":"Europe/Berlin","metrics":["count"])");
  ASSERT_EQ(berlin.status, 200) << berlin.Describe();
  EXPECT_NE(berlin.body.find(R"("rows":[[1774738800000,2]])"), std::string::npos) << berlin.body;
  EXPECT_NE(berlin.body.find(R"("tz":"Europe/Berlin")"), std::string::npos) << berlin.body;
}

TEST_F(QueryFeaturesTest, BadTimeZoneIsA400NamingTz) {
  for (const char* tz : {R"("Europe/Atlantis")", R"("../../../etc/passwd")", "42"}) {
    HttpResult result = Query(std::string(R"("bucket":"1d","metrics":["count"],"tz":)") + tz);
    EXPECT_EQ(result.status, 400) << result.Describe();
    auto error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.body;
    EXPECT_TRUE(error->NamesField("tz")) << result.body;
  }
  HttpResult dashboard = client().Get("/api/analytics/overview?tz=Nowhere%2FLand");
  EXPECT_EQ(dashboard.status, 400) << dashboard.Describe();
  auto error = ParseErrorBody(dashboard.body);
  ASSERT_TRUE(error.has_value()) << dashboard.body;
  EXPECT_TRUE(error->NamesField("tz")) << dashboard.body;
  HttpResult local = client().Get("/api/analytics/overview?tz=Asia%2FKolkata&from=2026-03-20T00:00:00Z&to=2026-04-01T00:00:00Z");
  EXPECT_EQ(local.status, 200) << local.Describe();
}

}  // namespace
}  // namespace mltrack::integration
