// Users, models/compare and insights name their independent queries ahead (RunAhead) and answer byte for
// byte as with a runner that runs one spec at a time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analytics/insights.h"
#include "analytics/model_compare.h"
#include "run_ahead_fixture.h"
#include "analytics/user_activity.h"

namespace mltrack::analytics {
namespace {

// Its own suite name: gtest wants one fixture class per suite, and each file has its own.
class RunAheadDashboardsTest : public RunAheadTest {};

TEST_F(RunAheadDashboardsTest, UsersAreTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    UserActivityParams params;
    params.dashboard = Params(filtered);
    Result<UserActivity> alone = ComputeUserActivity(params, Alone(), UserActivityContext{});
    Result<UserActivity> batched = ComputeUserActivity(params, Batched(), UserActivityContext{});
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(UserActivityJson(*alone), UserActivityJson(*batched)) << "filtered " << filtered;
    EXPECT_FALSE(alone->calendar.empty());
  }
  EXPECT_EQ(batches_, 2);
  EXPECT_EQ(alone_, 0);
}

TEST_F(RunAheadDashboardsTest, ModelCompareIsTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    CompareRequest request;
    request.models = filtered ? std::vector<std::string>{"gpt-4o"} : std::vector<std::string>{"gpt-4o", "claude"};
    request.weights = {{"cost", 0.5}, {"latency", 0.5}};
    CompareContext context;
    Result<std::string> alone = ModelCompareJson(Params(filtered), request, Alone(), context);
    Result<std::string> batched = ModelCompareJson(Params(filtered), request, Batched(), context);
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(*alone, *batched) << "filtered " << filtered;
  }
  EXPECT_EQ(batches_, 2);  // named models: both queries known ahead
  EXPECT_EQ(alone_, 0);
  // The top models are read from the first answer: both queries run alone, no batch.
  CompareRequest top_models;
  top_models.weights = {{"cost", 0.5}, {"latency", 0.5}};
  Result<std::string> top = ModelCompareJson(Params(false), top_models, Batched(), CompareContext{});
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ(batches_, 2);
  EXPECT_EQ(alone_, 2);
}

TEST_F(RunAheadDashboardsTest, InsightsAreTheSameWithBatches) {
  for (bool filtered : {false, true}) {
    InsightsRequest request;
    request.params = Params(filtered);
    InsightsContext context;
    context.now_ms = request.params.to_ms;
    Result<InsightsReport> alone = ComputeInsights(request, context, Alone());
    Result<InsightsReport> batched = ComputeInsights(request, context, Batched());
    ASSERT_TRUE(alone.ok() && batched.ok()) << alone.status().ToString() << batched.status().ToString();
    EXPECT_EQ(InsightsReportJson(*alone), InsightsReportJson(*batched)) << "filtered " << filtered;
  }
  EXPECT_EQ(batches_, 2);
  // The eight lead queries come from the batch: alone run only the rules' dependent ones — the
  // cheaper-model rule's score queries (one here: every model has one experiment) — and the retry
  // rule's, on its own thread (here, with no input hash and no trace, its two candidate queries
  // and two whole-range checks) — per request.
  EXPECT_LE(alone_, 10);
}

}  // namespace
}  // namespace mltrack::analytics
