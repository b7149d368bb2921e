#include "analytics/user_activity_params.h"

#include <gtest/gtest.h>

namespace mltrack::analytics {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

TEST(UserActivityParams, StepsAreOneCommaSeparatedList) {
  Result<UserActivityParams> params =
      ParseUserActivityParams({{"steps", "tags.step:search,tags.step:answer"}, {"window", "1h"}}, kNow);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  ASSERT_EQ(params->steps.size(), 2u);
  EXPECT_EQ(params->window_ms, 3'600'000);
}

// A parameter given twice is one error naming it, not one error per copy.
TEST(UserActivityParams, ARepeatedParameterIsOneErrorNamingIt) {
  Result<UserActivityParams> params = ParseUserActivityParams(
      {{"steps", "tags.step:search"}, {"steps", "tags.step:answer"}, {"steps", "tags.step:feedback"},
       {"sort", "cost"}},
      kNow);
  ASSERT_FALSE(params.ok());
  ASSERT_EQ(params.status().details().size(), 1u) << params.status().ToString();
  const ErrorDetail& detail = params.status().details()[0];
  EXPECT_EQ(detail.field, "steps");
  EXPECT_NE(detail.reason.find("given 3 times"), std::string::npos) << detail.reason;
  EXPECT_NE(detail.reason.find("separated by commas"), std::string::npos) << detail.reason;
}

}  // namespace
}  // namespace mltrack::analytics
