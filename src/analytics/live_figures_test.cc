#include "analytics/live_figures.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "analytics/dashboard_support.h"
#include "analytics/overview.h"
#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kNow = 1'764'201'600'000;  // 2025-11-27T00:00:00Z

Event Call(int64_t ts_ms, std::string user, NanoUsd cost, double latency_ms, bool ok) {
  Event event;
  event.ts_ms = ts_ms;
  event.model = "gpt-4o";
  event.provider = "openai";
  event.user = std::move(user);
  event.experiment = "chat";
  event.run_id = "r-" + std::to_string(ts_ms % 2);
  event.cost_nano_usd = cost;
  event.latency_ms = latency_ms;
  event.status = ok ? EventStatus::kOk : EventStatus::kError;
  event.input_tokens = 100;
  event.output_tokens = 20;
  return event;
}

class LiveFiguresTest : public ::testing::Test {
 protected:
  QueryRunner Runner() {
    std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
    return [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
  }
  DashboardParams LastHours(int hours) {
    DashboardParams params;
    params.from_ms = kNow - hours * kHourMs;
    params.to_ms = kNow;
    return params;
  }
  store::Memtable memtable_;
};

// Worked by hand: the range [now−6h, now) holds 4 events; the current (last) hour holds two.
TEST_F(LiveFiguresTest, TotalsAndTheCurrentBucket) {
  const EventBatch events = {Call(kNow - 5 * kHourMs, "ann", 1'000'000'000, 100, true),
                             Call(kNow - 2 * kHourMs, "bob", 500'000'000, 300, false),
                             Call(kNow - 30 * 60'000, "ann", 250'000'000, 200, true),
                             Call(kNow - 1, "cy", 250'000'000, 400, true),
                             Call(kNow - 7 * kHourMs, "dan", 9'000'000'000, 900, true)};  // before the range
  memtable_.Append(events);
  Result<LiveReport> report = ComputeLiveReport(LastHours(6), Runner(), kNow + 5000);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->totals.events, 4);
  EXPECT_EQ(report->totals.active_users, 3);
  EXPECT_EQ(report->totals.experiments, 1);
  EXPECT_EQ(report->totals.cost, 2'000'000'000);
  EXPECT_DOUBLE_EQ(*report->totals.avg_latency_ms, 250.0);
  EXPECT_DOUBLE_EQ(*report->totals.success_rate, 0.75);
  EXPECT_EQ(report->totals.tokens, 480);
  // 6 hours → hourly buckets; now lies past `to`, so the current bucket is the last: [now−1h, now).
  EXPECT_EQ(report->bucket_start, kNow - kHourMs);
  EXPECT_EQ(report->bucket_ms, kHourMs);
  EXPECT_EQ(report->bucket.events, 2);
  EXPECT_EQ(report->bucket.cost, 500'000'000);
  EXPECT_DOUBLE_EQ(*report->bucket.avg_latency_ms, 300.0);
  EXPECT_DOUBLE_EQ(*report->bucket.success_rate, 1.0);
}

TEST_F(LiveFiguresTest, EmptyRangeHasNullAverages) {
  Result<LiveReport> report = ComputeLiveReport(LastHours(6), Runner(), kNow - 3 * kHourMs + 10);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->totals.events, 0);
  EXPECT_FALSE(report->totals.avg_latency_ms.has_value());
  EXPECT_FALSE(report->totals.success_rate.has_value());
  EXPECT_EQ(report->bucket_start, kNow - 3 * kHourMs);
  JsonWriter json;
  WriteLiveBucket(json, *report);
  EXPECT_EQ(json.str(),
            "{\"t\":" + std::to_string(kNow - 3 * kHourMs) +
                ",\"bucket_ms\":3600000,\"events\":0,\"experiments\":0,\"runs\":0,\"active_users\":0,"
                "\"cost_usd\":0,\"avg_latency_ms\":null,\"success_rate\":null,\"tokens\":0}");
}

// The live totals are the Executive Dashboard's card values: same data, same answers.
TEST_F(LiveFiguresTest, TotalsEqualTheOverviewCards) {
  EventBatch events;
  for (int event_idx = 0; event_idx < 200; ++event_idx) {
    events.push_back(Call(kNow - 40 * kHourMs + event_idx * 11 * 60'000, "u" + std::to_string(event_idx % 7),
                          1'000'000 * (event_idx % 13), 50.0 + event_idx % 17, event_idx % 9 != 0));
  }
  memtable_.Append(events);
  DashboardParams params = LastHours(48);
  Result<LiveReport> report = ComputeLiveReport(params, Runner(), kNow);
  ASSERT_TRUE(report.ok());
  Result<std::string> overview = OverviewJson(params, Runner(), OverviewContext{});
  ASSERT_TRUE(overview.ok());
  simdjson::dom::parser parser;
  simdjson::dom::element cards = parser.parse(*overview)["cards"];
  EXPECT_EQ(double(cards["experiments"]["value"]), report->totals.experiments);
  EXPECT_EQ(double(cards["runs"]["value"]), report->totals.runs);
  EXPECT_EQ(double(cards["active_users"]["value"]), report->totals.active_users);
  EXPECT_EQ(double(cards["tokens"]["value"]), report->totals.tokens);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["value"]), Usd(report->totals.cost));
  EXPECT_DOUBLE_EQ(double(cards["avg_latency_ms"]["value"]), *report->totals.avg_latency_ms);
  EXPECT_DOUBLE_EQ(double(cards["success_rate"]["value"]), *report->totals.success_rate);
}

}  // namespace
}  // namespace mltrack::analytics
