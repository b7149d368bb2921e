// RunAhead: the specs a dashboard names ahead come from one batch of the real executor, and the
// dashboards that use it answer byte for byte as they do with a runner that runs one spec at a
// time.
#include "analytics/run_ahead.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analytics/cost_report.h"
#include "analytics/overview.h"
#include "analytics/performance.h"
#include "run_ahead_fixture.h"
#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

TEST_F(RunAheadTest, NamedSpecsComeFromOneBatchOnce) {
  Result<query::QuerySpec> a = query::ParseQuerySpec(
      R"({"from": 1767225600000, "to": 1768000000000, "metrics": ["count", "sum:cost_usd"]})", kStart);
  Result<query::QuerySpec> b = query::ParseQuerySpec(
      R"({"from": 1767225600000, "to": 1768000000000, "group_by": ["model"], "metrics": ["p99:latency_ms"]})", kStart);
  ASSERT_TRUE(a.ok() && b.ok());
  const QueryRunner run = RunAhead(Batched(), {*a, *b});
  EXPECT_EQ(batches_, 1);
  EXPECT_EQ(alone_, 0);
  for (const query::QuerySpec* spec : {&*b, &*a}) {
    Result<query::QueryResult> got = run(*spec);
    Result<query::QueryResult> want = query::ExecuteQuery(*spec, *snapshot_);
    ASSERT_TRUE(got.ok() && want.ok());
    query::test_data::ExpectSameResult(*want, *got, spec->metrics.front().name);
  }
  EXPECT_EQ(alone_, 0);
  // Asked again, or not named: run alone.
  EXPECT_TRUE(run(*a).ok());
  query::QuerySpec other = *a;
  other.limit = 5;
  EXPECT_TRUE(run(other).ok());
  EXPECT_EQ(alone_, 2);
  EXPECT_EQ(batches_, 1);
}

TEST_F(RunAheadTest, OverviewIsTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    Result<std::string> alone = OverviewJson(Params(filtered), Alone(), OverviewContext{});
    Result<std::string> batched = OverviewJson(Params(filtered), Batched(), OverviewContext{});
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(*alone, *batched) << "filtered " << filtered;
  }
  EXPECT_EQ(batches_, 2);
  EXPECT_LE(alone_, 2);  // the latency histogram needs the p99 first
}

TEST_F(RunAheadTest, PerformanceIsTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    PerformanceOptions options;
    options.slo_ms = 2000;
    Result<PerformanceReport> alone = ComputePerformance(Params(filtered), options, Alone(), {});
    Result<PerformanceReport> batched = ComputePerformance(Params(filtered), options, Batched(), {});
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(PerformanceJson(*alone), PerformanceJson(*batched)) << "filtered " << filtered;
  }
  EXPECT_EQ(batches_, 2);
}

TEST_F(RunAheadTest, CostIsTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    CostOptions options;
    options.tag_breakdowns.push_back(FieldRef{FieldId::kTag, "env"});
    Result<CostReport> alone = ComputeCostReport(Params(filtered), options, Alone(), CostContext{});
    Result<CostReport> batched = ComputeCostReport(Params(filtered), options, Batched(), CostContext{});
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(CostReportJson(*alone), CostReportJson(*batched)) << "filtered " << filtered;
  }
  // Per report: the ahead batch, then for the user and the tags.env breakdowns one batch each of
  // the two queries filtered to their top values (asked once those are known).
  EXPECT_EQ(batches_, 6);
  EXPECT_LE(alone_, 2);  // the unpriced tokens' query, asked when a model is partly priced
}

}  // namespace
}  // namespace mltrack::analytics
