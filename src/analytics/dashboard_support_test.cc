#include "analytics/dashboard_support.h"

#include <gtest/gtest.h>

#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kJan2026 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

query::QuerySpec Spec(int64_t from_ms, int64_t to_ms, query::BucketWidth width) {
  query::QuerySpec spec;
  spec.from_ms = from_ms;
  spec.to_ms = to_ms;
  SetBucket(spec, width);
  return spec;
}

TEST(DashboardSupportTest, BucketStartsListEveryBucketOfTheRange) {
  Result<std::vector<int64_t>> starts = BucketStarts(Spec(kJan2026 + 1, kJan2026 + 3 * 3'600'000, {3'600'000, 0}));
  ASSERT_TRUE(starts.ok()) << starts.status().ToString();
  EXPECT_EQ(*starts, (std::vector<int64_t>{kJan2026, kJan2026 + 3'600'000, kJan2026 + 7'200'000}));
}

// Past query::kMaxBuckets the list is refused, naming bucket and a width that fits, never cut.
TEST(DashboardSupportTest, TooManyBucketsAreRefusedNotCut) {
  const int64_t minute = 60'000;
  Result<std::vector<int64_t>> fits = BucketStarts(Spec(kJan2026, kJan2026 + query::kMaxBuckets * minute, {minute, 0}));
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->size(), static_cast<size_t>(query::kMaxBuckets));
  Result<std::vector<int64_t>> over =
      BucketStarts(Spec(kJan2026, kJan2026 + (query::kMaxBuckets + 1) * minute, {minute, 0}));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(over.status().details().empty());
  EXPECT_EQ(over.status().details().front().field, "bucket");
  EXPECT_NE(over.status().message().find("\"1m\""), std::string::npos) << over.status().message();
  EXPECT_NE(over.status().message().find("use 5m"), std::string::npos) << over.status().message();
}

TEST(DashboardSupportTest, BucketLabelsNameTheLargestWholeUnit) {
  EXPECT_EQ(BucketLabel({6 * 3'600'000, 0}), "6h");
  EXPECT_EQ(BucketLabel({7 * 86'400'000LL, 0}), "1w");
  EXPECT_EQ(BucketLabel({90 * 60'000, 0}), "90m");
  EXPECT_EQ(BucketLabel({0, 3}), "3M");
}

}  // namespace
}  // namespace mltrack::analytics
