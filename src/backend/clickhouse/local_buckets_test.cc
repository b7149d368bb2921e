#include "backend/clickhouse/local_buckets.h"

#include <gtest/gtest.h>

#include "query/query_parser.h"

namespace mltrack::backend::clickhouse {
namespace {

// The SQL's rule (the span holding ts, then shift + G(ts + offset)) gives the embedded
// executor's bucket index for every instant, every 7 minutes over ranges with DST changes.
TEST(LocalBucketsFor, GivesTheEmbeddedBucketIndexAtEveryInstant) {
  // 2025-10-20 .. 2025-11-10: Europe/Berlin leaves DST on 10-26, America/New_York on 11-02.
  constexpr int64_t kFrom = 1760918400000, kTo = 1762732800000;
  for (const char* tz : {"America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Europe/London"}) {
    for (const char* bucket : {"15m", "1h", "6h", "1d", "1w", "1M"}) {
      const std::string json = std::string(R"({"from":)") + std::to_string(kFrom) + R"(,"to":)" +
                               std::to_string(kTo) + R"(,"bucket":")" + bucket + R"(","tz":")" + tz +
                               R"(","metrics":["count"],"limit":100000})";
      Result<query::QuerySpec> spec = query::ParseQuerySpec(json, kTo);
      ASSERT_TRUE(spec.ok()) << spec.status().ToString();
      Result<std::optional<LocalBuckets>> local = LocalBucketsFor(*spec);
      ASSERT_TRUE(local.ok() && local->has_value()) << tz;
      const LocalBuckets& buckets = **local;
      EXPECT_GE(buckets.spans.size(), std::string(tz) == "Asia/Kathmandu" ? 1u : 2u) << tz;
      const query::BucketGrid grid({spec->bucket_ms, spec->bucket_months});
      for (int64_t ts = kFrom; ts < kTo; ts += 7 * 60'000) {
        size_t span = 0;
        while (span + 1 < buckets.spans.size() && ts >= buckets.spans[span + 1].start_ms) ++span;
        const ClockSpan& clock = buckets.spans[span];
        ASSERT_EQ(clock.shift + grid.Number(ts + clock.offset_ms), buckets.bucketer.Index(ts))
            << tz << " " << bucket << " at " << ts;
      }
    }
  }
}

TEST(LocalBucketsFor, UtcAndUnbucketedQueriesNeedNoSpans) {
  for (const char* json : {R"({"from":946684800000,"to":946771200000,"bucket":"1h","metrics":["count"]})",
                           R"({"from":946684800000,"to":946771200000,"bucket":"1h","tz":"Etc/UTC","metrics":["count"]})",
                           R"({"from":946684800000,"to":946771200000,"tz":"Europe/Berlin","metrics":["count"]})"}) {
    Result<query::QuerySpec> spec = query::ParseQuerySpec(json, 946771200000);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    Result<std::optional<LocalBuckets>> local = LocalBucketsFor(*spec);
    ASSERT_TRUE(local.ok());
    EXPECT_FALSE(local->has_value()) << json;
  }
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
