#include "query/query_parser.h"

#include <gtest/gtest.h>

namespace mltrack::query {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;
constexpr int64_t kDayMs = 86'400'000;

ErrorDetail OnlyDetail(const Result<QuerySpec>& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().details().size(), 1u) << result.status().ToString();
  return result.status().details().empty() ? ErrorDetail{} : result.status().details()[0];
}

TEST(QueryParserTest, Defaults) {
  Result<QuerySpec> spec = ParseQuerySpec("{}", kNow);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->to_ms, kNow);
  EXPECT_EQ(spec->from_ms, kNow - 7 * kDayMs);
  EXPECT_EQ(spec->limit, kDefaultQueryLimit);
  ASSERT_EQ(spec->metrics.size(), 1u);
  EXPECT_EQ(spec->metrics[0].name, "count");
  EXPECT_FALSE(HasBucket(*spec));
}

TEST(QueryParserTest, FullSpecFromDesign) {
  Result<QuerySpec> spec = ParseQuerySpec(R"({"from": "now-7d", "to": "now",
    "filters": [{"field": "model", "op": "in", "values": ["gpt-4o", "gpt-4o-mini"]},
                {"field": "tags.env", "op": "eq", "value": "prod"}],
    "group_by": ["provider", "model"], "bucket": "1h",
    "metrics": ["count", "sum:cost_usd", "avg:latency_ms", "p50:latency_ms", "p99.9:ttft_ms",
                "uniq:user", "rate:error", "rate:cache_hit"],
    "order_by": [{"metric": "sum:cost_usd", "dir": "desc"}], "limit": 20})", kNow);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->filters.size(), 2u);
  EXPECT_EQ(spec->filters[0].op, FilterOp::kIn);
  EXPECT_EQ(spec->filters[0].values.size(), 2u);
  EXPECT_EQ(spec->filters[1].field.Name(), "tags.env");
  EXPECT_EQ(spec->group_by.size(), 2u);
  EXPECT_EQ(spec->bucket_ms, 3'600'000);
  EXPECT_EQ(spec->metrics[4].kind, AggregateKind::kPercentile);
  EXPECT_DOUBLE_EQ(spec->metrics[4].percentile, 99.9);
  EXPECT_EQ(spec->metrics[6].rate_of, "error");
  ASSERT_EQ(spec->order_by.size(), 1u);
  EXPECT_TRUE(spec->order_by[0].descending);
  EXPECT_EQ(spec->limit, 20);
}

TEST(QueryParserTest, AutoBucketAndMonths) {
  Result<QuerySpec> day = ParseQuerySpec(R"({"from": "now-1d", "bucket": "auto"})", kNow);
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->bucket_ms, 15 * 60'000);  // 96 buckets
  Result<QuerySpec> month = ParseQuerySpec(R"({"from": "now-30d", "bucket": "auto"})", kNow);
  EXPECT_EQ(month->bucket_ms, 6 * 3'600'000);  // 120 buckets
  Result<QuerySpec> calendar = ParseQuerySpec(R"({"bucket": "1M"})", kNow);
  EXPECT_EQ(calendar->bucket_months, 1);
  EXPECT_EQ(calendar->bucket_ms, 0);
}

TEST(QueryParserTest, NotJson) {
  EXPECT_EQ(OnlyDetail(ParseQuerySpec("{", kNow)).field, "");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec("[]", kNow)).field, "");
}

TEST(QueryParserTest, UnknownTopLevelKey) {
  ErrorDetail detail = OnlyDetail(ParseQuerySpec(R"({"limt": 5})", kNow));
  EXPECT_EQ(detail.field, "limt");
  EXPECT_EQ(detail.index, -1);
}

TEST(QueryParserTest, UnknownMetricNamesItsIndex) {
  ErrorDetail detail = OnlyDetail(ParseQuerySpec(R"({"metrics": ["count", "sum:cost_usd", "mean:latency_ms"]})", kNow));
  EXPECT_EQ(detail.field, "metrics[2]");
  EXPECT_EQ(detail.index, 2);
  EXPECT_NE(detail.reason.find("mean"), std::string::npos);
}

TEST(QueryParserTest, MetricErrors) {
  for (const char* metric : {"sum", "sum:", "sum:nope", "avg:model", "p:latency_ms", "p100.5:latency_ms",
                             "p-1:latency_ms", "p1e2:latency_ms", "rate:model", "count:nope", "count:ts", "count:", "uniq:ts"}) {
    Result<MetricSpec> parsed = ParseMetric(metric, "metrics[0]", 0);
    EXPECT_FALSE(parsed.ok()) << metric;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().details()[0].field, "metrics[0]");
    }
  }
  EXPECT_TRUE(ParseMetric("p0:latency_ms").ok());
  EXPECT_TRUE(ParseMetric("p100:latency_ms").ok());
  EXPECT_TRUE(ParseMetric("uniq:tags.env").ok());
  EXPECT_TRUE(ParseMetric("sum:scores.quality").ok());
  EXPECT_TRUE(ParseMetric("max:http_status").ok());
  for (const char* metric : {"count:cost_usd", "count:model", "count:tags.env", "count:status"}) {
    Result<MetricSpec> parsed = ParseMetric(metric);
    ASSERT_TRUE(parsed.ok()) << metric;
    EXPECT_EQ(parsed->kind, AggregateKind::kCountPresent);
    EXPECT_EQ(parsed->name, metric);
  }
}

TEST(QueryParserTest, VarianceAndStddevOnMeasures) {
  for (const char* metric : {"var:latency_ms", "stddev:cost_usd", "var:total_tokens", "stddev:scores.q"}) {
    Result<MetricSpec> parsed = ParseMetric(metric);
    ASSERT_TRUE(parsed.ok()) << metric << " " << parsed.status().ToString();
    EXPECT_EQ(parsed->kind, metric[0] == 'v' ? AggregateKind::kVar : AggregateKind::kStddev);
  }
  for (const char* metric : {"var:model", "stddev:tags.env", "var:ts", "stddev:", "var", "variance:latency_ms"}) {
    ErrorDetail detail = OnlyDetail(
        ParseQuerySpec(std::string(R"({"metrics": ["count", "sum:cost_usd", ")") + metric + R"("]})", kNow));
    EXPECT_EQ(detail.field, "metrics[2]") << metric;
  }
}

TEST(QueryParserTest, TimeZones) {
  Result<QuerySpec> berlin = ParseQuerySpec(R"({"bucket": "1d", "tz": "Europe/Berlin"})", kNow);
  ASSERT_TRUE(berlin.ok()) << berlin.status().ToString();
  EXPECT_EQ(berlin->tz, "Europe/Berlin");
  EXPECT_EQ(ParseQuerySpec(R"({"bucket": "1d", "tz": "UTC"})", kNow)->tz, "UTC");
  EXPECT_EQ(ParseQuerySpec(R"({"bucket": "1d"})", kNow)->tz, "");
  for (const char* tz : {R"("Europe/Nowhere")", R"("../etc/passwd")", R"("/usr/share/zoneinfo/UTC")", R"("")",
                         R"(1)", R"(null)", R"(["UTC"])", R"("right/UTC")"}) {
    ErrorDetail detail = OnlyDetail(ParseQuerySpec(std::string(R"({"bucket": "1h", "tz": )") + tz + "}", kNow));
    EXPECT_EQ(detail.field, "tz") << tz;
    EXPECT_EQ(detail.index, -1) << tz;
  }
}

// ts is neither a dimension nor a measure: only its first and last value per group.
TEST(QueryParserTest, TsOnlyInMinAndMax) {
  for (const char* metric : {"min:ts", "max:ts"}) {
    Result<MetricSpec> parsed = ParseMetric(metric);
    ASSERT_TRUE(parsed.ok()) << metric << " " << parsed.status().ToString();
    EXPECT_EQ(parsed->field.id, FieldId::kTs);
    EXPECT_EQ(parsed->kind, metric[1] == 'i' ? AggregateKind::kMin : AggregateKind::kMax);
  }
  for (const char* metric : {"count:ts", "sum:ts", "avg:ts", "p50:ts", "uniq:ts", "rate:ts"}) {
    ErrorDetail detail = OnlyDetail(
        ParseQuerySpec(std::string(R"({"metrics": ["count", ")") + metric + R"("]})", kNow));
    EXPECT_EQ(detail.field, "metrics[1]") << metric;
  }
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"group_by": ["ts"]})", kNow)).field, "group_by[0]");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"filters": [{"field": "ts", "op": "gt", "value": 1}]})", kNow)).field,
            "filters[0].field");
}

TEST(QueryParserTest, BinnedGroupBy) {
  Result<QuerySpec> spec = ParseQuerySpec(
      R"({"group_by": ["model", "bin:0.05:scores.helpfulness", "bin:250:latency_ms"],
          "order_by": ["bin:250:latency_ms"]})", kNow);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->group_by.size(), 3u);
  EXPECT_EQ(GroupBinOf(*spec, 0), nullptr);
  const GroupBin* score_bin = GroupBinOf(*spec, 1);
  ASSERT_NE(score_bin, nullptr);
  EXPECT_EQ(score_bin->name, "bin:0.05:scores.helpfulness");
  EXPECT_EQ(score_bin->width_units, 5);
  EXPECT_EQ(score_bin->width_decimals, 2);
  EXPECT_EQ(spec->group_by[1].key, "helpfulness");
  EXPECT_EQ(GroupColumnName(*spec, 2), "bin:250:latency_ms");
  EXPECT_DOUBLE_EQ(score_bin->Lower(3), 0.15);
  EXPECT_EQ(score_bin->BinOf(0.15), 3);
  EXPECT_EQ(score_bin->BinOf(0.1499999), 2);
  EXPECT_EQ(score_bin->BinOf(-0.01), -1);
  EXPECT_EQ(GroupBinOf(*spec, 2)->BinOf(249.999), 0);
  EXPECT_EQ(GroupBinOf(*spec, 2)->BinOf(250), 1);
  for (const char* item : {"bin:0:latency_ms", "bin:-5:latency_ms", "bin:abc:latency_ms", "bin:5:model",
                           "bin:5:nope", "bin:5", "bin::latency_ms", "bin:1e3:latency_ms", "bin:5:"}) {
    std::string json = std::string(R"({"group_by": ["model", ")") + item + R"("]})";
    ErrorDetail detail = OnlyDetail(ParseQuerySpec(json, kNow));
    EXPECT_EQ(detail.field, "group_by[1]") << item;
    EXPECT_NE(detail.reason.find(item), std::string::npos) << item << ": " << detail.reason;
  }
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"group_by": ["bin:5:latency_ms", "bin:5:latency_ms"]})", kNow)).field,
            "group_by[1]");
}

TEST(QueryParserTest, DuplicateColumnsAndEmptyMetrics) {
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"metrics": ["count", "count"]})", kNow)).field, "metrics[1]");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"metrics": []})", kNow)).field, "metrics");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"group_by": ["model", "model"]})", kNow)).field, "group_by[1]");
}

TEST(QueryParserTest, FilterErrors) {
  struct Case {
    const char* filter;
    const char* field;
  };
  for (const Case& c : {
           Case{R"({"field": "model", "op": "like", "value": "x"})", "filters[0].op"},
           Case{R"({"field": "nope", "op": "eq", "value": "x"})", "filters[0].field"},
           Case{R"({"field": "ts", "op": "gt", "value": 1})", "filters[0].field"},
           Case{R"({"op": "eq", "value": "x"})", "filters[0].field"},
           Case{R"({"field": "model", "value": "x"})", "filters[0].op"},
           Case{R"({"field": "model", "op": "eq"})", "filters[0].value"},
           Case{R"({"field": "model", "op": "eq", "value": 3})", "filters[0].value"},
           Case{R"({"field": "model", "op": "in", "values": []})", "filters[0].values"},
           Case{R"({"field": "model", "op": "in", "values": ["a", 2]})", "filters[0].values[1]"},
           Case{R"({"field": "latency_ms", "op": "contains", "value": "1"})", "filters[0].op"},
           Case{R"({"field": "cache_hit", "op": "gt", "value": true})", "filters[0].op"},
           Case{R"({"field": "cache_hit", "op": "eq", "value": "yes"})", "filters[0].value"},
           Case{R"({"field": "operation", "op": "eq", "value": "chatting"})", "filters[0].value"},
           Case{R"({"field": "model", "op": "exists", "value": "yes"})", "filters[0].value"},
           Case{R"({"field": "model", "op": "eq", "value": "x", "vale": 1})", "filters[0].vale"},
       }) {
    std::string json = std::string(R"({"filters": [)") + c.filter + "]}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kNow);
    ASSERT_FALSE(spec.ok()) << json;
    bool named = false;
    for (const ErrorDetail& detail : spec.status().details()) named |= detail.field == c.field;
    EXPECT_TRUE(named) << json << " → " << spec.status().ToString();
    EXPECT_EQ(spec.status().details()[0].index, 0) << json;
  }
}

TEST(QueryParserTest, ReportsEveryProblemAtOnce) {
  Result<QuerySpec> spec = ParseQuerySpec(
      R"({"metrics": ["bad"], "group_by": ["nope"], "limit": -1, "extra": 1})", kNow);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().details().size(), 4u) << spec.status().ToString();
}

TEST(QueryParserTest, LimitBounds) {
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"limit": 100001})", kNow)).field, "limit");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"limit": 0})", kNow)).field, "limit");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"limit": 1.5})", kNow)).field, "limit");
  EXPECT_EQ(ParseQuerySpec(R"({"limit": 100000})", kNow)->limit, 100000);
}

TEST(QueryParserTest, TimeErrors) {
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"from": "last week"})", kNow)).field, "from");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"to": true})", kNow)).field, "to");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"from": "now", "to": "now-1h"})", kNow)).field, "from");
  Result<QuerySpec> spec = ParseQuerySpec(R"({"from": "2026-01-01T00:00:00Z", "to": 1767312000000})", kNow);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->from_ms, kNow);
  EXPECT_EQ(spec->to_ms, kNow + kDayMs);
}

TEST(QueryParserTest, OrderByMustNameAnOutputColumn) {
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"order_by": [{"metric": "sum:cost_usd"}]})", kNow)).field, "order_by[0]");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"order_by": [{"metric": "count", "dir": "down"}]})", kNow)).field,
            "order_by[0].dir");
  EXPECT_EQ(OnlyDetail(ParseQuerySpec(R"({"order_by": [{"metric": "t"}]})", kNow)).field, "order_by[0]");
  EXPECT_TRUE(ParseQuerySpec(R"({"bucket": "1h", "group_by": ["model"], "order_by": ["t", {"field": "model"}]})", kNow).ok());
}

TEST(QueryParserTest, BucketErrors) {
  for (const char* bucket : {R"("7x")", R"("0h")", R"("h")", R"("1.5h")", R"(60)"}) {
    std::string json = std::string(R"({"bucket": )") + bucket + "}";
    EXPECT_EQ(OnlyDetail(ParseQuerySpec(json, kNow)).field, "bucket") << json;
  }
}

}  // namespace
}  // namespace mltrack::query
