// Extreme values and ranges (issue 18, defects 4, 6, 7 and 10): one implausible stored value
// broke the Executive Dashboard; a 1-minute bucket over two centuries was silently cut to the
// first 100,000 buckets; `now-106751991166d` overflowed; bins past 2^53 were lumped together;
// a sum past int64 or double printed null; p50 of {−1.7e308, 1.7e308} was null. Now measures are
// bounded at ingest, every query and dashboard answers for any value the store holds (exactly, or
// with a 400 that says why), and out-of-range times and bucket counts are 400s naming the field.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr const char* kDay = "2026-01-01T00:00:00Z";

std::string Event(const std::string& id, const std::string& members) {
  return R"({"id":")" + id + R"(","ts":")" + kDay + R"(","model":"gpt-4o-mini")" + members + "}";
}

class ExtremeValuesTest : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body", "8MiB"})); }

  ErrorBody ExpectInvalid(const HttpResult& result, const std::string& code, const std::string& field) {
    EXPECT_EQ(result.status, 400) << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    EXPECT_TRUE(error.has_value()) << result.Describe();
    if (!error) return {};
    EXPECT_EQ(error->code, code) << result.body;
    EXPECT_TRUE(error->NamesField(field)) << "no detail names " << field << ": " << result.body;
    return *error;
  }
  HttpResult Overview(const std::string& query) { return client().Get("/api/analytics/overview?" + query); }
};

TEST_F(ExtremeValuesTest, ImplausibleMeasuresAreRefusedAtIngest) {
  ErrorBody error = ExpectInvalid(Ingest(Event("x", R"(,"latency_ms":1e19)")), "invalid_event", "latency_ms");
  EXPECT_NE(error.details[0].reason.find("604800000"), std::string::npos) << error.details[0].reason;
  ExpectInvalid(Ingest(Event("x", R"(,"ttft_ms":604800001)")), "invalid_event", "ttft_ms");
  ExpectInvalid(Ingest(Event("x", R"(,"output_tokens":1000000001)")), "invalid_event", "output_tokens");
  ExpectInvalid(Ingest(Event("x", R"(,"cost_usd":1000001)")), "invalid_event", "cost_usd");
  EXPECT_EQ(CountEvents(), 0);
  // The bounds themselves are plausible enough.
  HttpResult ok = Ingest(Event("max", R"(,"latency_ms":604800000,"ttft_ms":604800000,"input_tokens":1000000000,)"
                                      R"("output_tokens":1000000000,"cost_usd":1000000)"));
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  ASSERT_EQ(Ingest(Event("small", R"(,"latency_ms":0.001)")).status, 200);
  HttpResult overview = Overview(std::string("from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z"));
  ASSERT_EQ(overview.status, 200) << overview.Describe();
  EXPECT_NE(overview.body.find(R"("histogram":[{)"), std::string::npos) << overview.body;
}

// Any finite score is a valid value; every query over such values answers.
TEST_F(ExtremeValuesTest, SumsAndPercentilesOfHugeValuesAnswer) {
  ASSERT_EQ(Ingest(JsonArray({Event("a", R"(,"scores":{"x":-1.7e308})"), Event("b", R"(,"scores":{"x":1.7e308})"),
                              Event("c", R"(,"scores":{"y":1.7e308})"), Event("d", R"(,"scores":{"y":1.7e308})")}))
                .status,
            200);
  std::optional<QueryTable> table = QueryTableOf(R"("metrics":["p50:scores.x","avg:scores.x","avg:scores.y","max:scores.y"])");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->Cell(0, "p50:scores.x"), "0");
  EXPECT_EQ(table->Cell(0, "avg:scores.x"), "0");
  EXPECT_EQ(table->Cell(0, "avg:scores.y"), "1.7e+308");
  // 3.4e308 is past a double: the sum is printed with 17 digits, not as null.
  HttpResult sum = Query(R"("metrics":["sum:scores.y"])");
  ASSERT_EQ(sum.status, 200) << sum.Describe();
  EXPECT_NE(sum.body.find(R"("rows":[[3.3999999999999999e+308]])"), std::string::npos) << sum.body;
}

// 10,000 events of (almost) a million USD each: 10 billion USD, past int64 nano-USD (9.2 billion).
TEST_F(ExtremeValuesTest, MoneySumPastInt64IsExact) {
  std::vector<std::string> events;
  for (int idx = 0; idx < 10'000; ++idx) events.push_back(Event("m" + std::to_string(idx), R"(,"cost_usd":999999.999999999)"));
  ASSERT_EQ(Ingest(JsonArray(events)).status, 200);
  HttpResult sum = Query(R"("metrics":["sum:cost_usd","count"])");
  ASSERT_EQ(sum.status, 200) << sum.Describe();
  EXPECT_NE(sum.body.find(R"("rows":[[9999999999.99999,10000]])"), std::string::npos) << sum.body;
  HttpResult overview = Overview(std::string("from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z"));
  EXPECT_EQ(overview.status, 200) << overview.Describe();
}

TEST_F(ExtremeValuesTest, BinsAreExactOrRefused) {
  ASSERT_EQ(Ingest(JsonArray({Event("p", R"(,"scores":{"big":1e17})"), Event("q", R"(,"scores":{"big":3e17})"),
                              Event("r", R"(,"scores":{"big":1e300})"), Event("s", R"(,"scores":{"big":2.5})")}))
                .status,
            200);
  ErrorBody error = ExpectInvalid(Query(R"("group_by":["bin:1:scores.big"],"metrics":["count"])"), "invalid_query",
                                  "group_by[0]");
  EXPECT_NE(error.message.find("bin:1:scores.big"), std::string::npos) << error.message;
  EXPECT_NE(error.details[0].reason.find("at least 2e+284"), std::string::npos) << error.details[0].reason;
  // Without the far value, and with a width that numbers 3e17 exactly, every bin is exact.
  std::optional<QueryTable> table = QueryTableOf(
      R"("filters":[{"field":"scores.big","op":"lt","value":1e18}],"group_by":["bin:100:scores.big"],"metrics":["count"],)"
      R"("order_by":[{"column":"bin:100:scores.big","dir":"asc"}])");
  ASSERT_TRUE(table.has_value());
  ASSERT_EQ(table->rows.size(), 3u);
  EXPECT_EQ(table->Cell(0, "bin:100:scores.big"), "0");
  EXPECT_EQ(table->Cell(1, "bin:100:scores.big"), "100000000000000000");
  EXPECT_EQ(table->Cell(2, "bin:100:scores.big"), "300000000000000000");
  ExpectInvalid(Query(R"("filters":[{"field":"scores.big","op":"lt","value":1e18}],"group_by":["bin:1:scores.big"],)"
                      R"("metrics":["count"])"),
                "invalid_query", "group_by[0]");
}

TEST_F(ExtremeValuesTest, BucketCountsOverTheLimitAreRefusedNamingOneThatFits) {
  ASSERT_EQ(Ingest(Event("e", "")).status, 200);
  ErrorBody error = ExpectInvalid(Overview("bucket=1m&from=2000-01-01T00:00:00Z&to=2199-01-01T00:00:00Z"),
                                  "invalid_query", "bucket");
  EXPECT_NE(error.message.find("use 1d"), std::string::npos) << error.message;
  error = ExpectInvalid(Query(R"("bucket":"1h","metrics":["count"])"), "invalid_query", "bucket");  // 2000-2100
  EXPECT_NE(error.message.find("use 12h"), std::string::npos) << error.message;
  ExpectInvalid(Overview("bucket=1h&from=2000-01-01T00:00:00Z&to=2020-01-01T00:00:00Z"), "invalid_query", "bucket");
  // Within the limit they answer; auto picks a width that fits.
  EXPECT_EQ(Overview("bucket=1d&from=2000-01-01T00:00:00Z&to=2199-01-01T00:00:00Z").status, 200);
  EXPECT_EQ(Query(R"("bucket":"1d","metrics":["count"])").status, 200);
}

TEST_F(ExtremeValuesTest, TimesOutsideTheSchemaRangeAreRefused) {
  ASSERT_EQ(Ingest(Event("e", "")).status, 200);
  ExpectInvalid(Overview("from=now-106751991166d"), "invalid_query", "from");
  ExpectInvalid(Overview("from=1999-12-31T23:59:59Z&to=2001-01-01T00:00:00Z"), "invalid_query", "from");
  ExpectInvalid(Overview("to=2200-01-01T00:00:00.001Z&from=2199-01-01T00:00:00Z"), "invalid_query", "to");
  ExpectInvalid(Overview("from=0"), "invalid_query", "from");
  ExpectInvalid(client().Post("/api/v1/query", R"({"from":-9223372036854775808,"bucket":"auto","metrics":["count"]})"),
                "invalid_query", "from");
  ExpectInvalid(client().Post("/api/v1/query", R"({"from":"now-106751991166d","metrics":["count"]})"), "invalid_query",
                "from");
  // The ends of the range are fine; so are previous periods computed from them.
  HttpResult edge = Overview("from=2000-01-01T00:00:00Z&to=2200-01-01T00:00:00Z");
  ASSERT_EQ(edge.status, 200) << edge.Describe();
  EXPECT_NE(edge.body.find(R"("previous_from":"1799-12-31T00:00:00.000Z")"), std::string::npos) << edge.body.substr(0, 400);
}

}  // namespace
}  // namespace mltrack::integration
