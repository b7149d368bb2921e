#include "analytics/overview.h"

#include "analytics/histogram.h"

#include <gtest/gtest.h>
#include <map>
#include <random>
#include <simdjson.h>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kNow = 1'764'201'600'000;  // 2025-11-27T00:00:00Z, a day boundary

Event Call(int64_t ts_ms, std::string model, NanoUsd cost, double latency_ms, bool ok = true,
           std::string user = "ann", std::string experiment = "chatbot") {
  Event event;
  event.ts_ms = ts_ms;
  event.model = std::move(model);
  event.provider = "openai";
  event.cost_nano_usd = cost;
  event.latency_ms = latency_ms;
  event.status = ok ? EventStatus::kOk : EventStatus::kError;
  event.user = std::move(user);
  event.experiment = std::move(experiment);
  event.input_tokens = 100;
  event.output_tokens = 50;
  return event;
}

class OverviewTest : public ::testing::Test {
 protected:
  simdjson::dom::element Overview(const DashboardParams& params) {
    std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
    QueryRunner run = [snapshot](const query::QuerySpec& spec) {
      return query::ExecuteQuery(spec, *snapshot);
    };
    OverviewContext context;
    context.demo = demo_;
    Result<std::string> body = OverviewJson(params, run, context);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    json_ = body.ok() ? *body : "{}";
    return parser_.parse(json_);
  }

  DashboardParams LastDays(int days) {
    DashboardParams params;
    params.from_ms = kNow - days * kDayMs;
    params.to_ms = kNow;
    return params;
  }

  store::Memtable memtable_;
  bool demo_ = false;
  simdjson::dom::parser parser_;
  std::string json_;
};

TEST_F(OverviewTest, EmptyStoreHasZeroCardsAndGapsEverywhere) {
  simdjson::dom::element overview = Overview(LastDays(30));
  EXPECT_EQ(int64_t(overview["total_events"]), 0);
  EXPECT_FALSE(bool(overview["demo"]));
  EXPECT_EQ(double(overview["cards"]["cost_usd"]["value"]), 0.0);
  EXPECT_TRUE(overview["cards"]["avg_latency_ms"]["value"].is_null());
  EXPECT_TRUE(overview["cards"]["success_rate"]["value"].is_null());
  EXPECT_TRUE(overview["cards"]["cost_usd"]["change_pct"].is_null());
  simdjson::dom::array trend = overview["cost_trend"];
  EXPECT_EQ(trend.size(), 30u);
  for (simdjson::dom::element point : trend) EXPECT_TRUE(point["cost_usd"].is_null());
  EXPECT_EQ(simdjson::dom::array(overview["model_usage"]).size(), 0u);
  EXPECT_EQ(simdjson::dom::array(overview["latency"]["histogram"]).size(), 0u);
}

TEST_F(OverviewTest, CardsComparePeriodsAndChartsKeepGaps) {
  EventBatch events;
  // Previous 7-day period: 2 calls, $1 each, one error.
  events.push_back(Call(kNow - 10 * kDayMs, "gpt-4o", 1'000'000'000, 100, true, "ann"));
  events.push_back(Call(kNow - 9 * kDayMs, "gpt-4o", 1'000'000'000, 300, false, "bob"));
  // Current period: 4 calls on two days, 3 users, one unpriced, one demo experiment.
  events.push_back(Call(kNow - 3 * kDayMs + 1000, "gpt-4o", 2'000'000'000, 200, true, "ann"));
  events.push_back(Call(kNow - 3 * kDayMs + 2000, "gpt-4o-mini", 500'000'000, 400, true, "bob"));
  events.push_back(Call(kNow - 1 * kDayMs + 5, "gpt-4o-mini", 500'000'000, 600, true, "cy",
                        "demo-chat"));
  Event unpriced = Call(kNow - 1 * kDayMs + 9, "my-model", 0, 800, true, "cy");
  unpriced.cost_nano_usd.reset();
  events.push_back(unpriced);
  memtable_.Append(events);
  demo_ = true;

  simdjson::dom::element overview = Overview(LastDays(7));
  EXPECT_EQ(int64_t(overview["total_events"]), 4);
  EXPECT_EQ(int64_t(overview["unpriced_events"]), 1);
  EXPECT_TRUE(bool(overview["demo"]));
  simdjson::dom::element cards = overview["cards"];
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["value"]), 3.0);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["previous"]), 2.0);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["change_pct"]), 50.0);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["daily"]), 0.5);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["weekly"]), 3.0);
  EXPECT_DOUBLE_EQ(double(cards["cost_usd"]["monthly"]), 5.0);
  EXPECT_DOUBLE_EQ(double(cards["avg_latency_ms"]["value"]), 500.0);
  EXPECT_DOUBLE_EQ(double(cards["avg_latency_ms"]["previous"]), 200.0);
  EXPECT_DOUBLE_EQ(double(cards["success_rate"]["value"]), 1.0);
  EXPECT_DOUBLE_EQ(double(cards["success_rate"]["previous"]), 0.5);
  EXPECT_DOUBLE_EQ(double(cards["success_rate"]["baseline"]), 0.5);
  EXPECT_DOUBLE_EQ(double(cards["active_users"]["value"]), 3.0);
  EXPECT_DOUBLE_EQ(double(cards["active_users"]["previous"]), 2.0);
  EXPECT_DOUBLE_EQ(double(cards["experiments"]["value"]), 2.0);
  EXPECT_DOUBLE_EQ(double(cards["tokens"]["value"]), 600.0);
  EXPECT_DOUBLE_EQ(double(cards["tokens"]["cost_per_1k_tokens"]), 5.0);

  // Seven daily buckets; only two have events, the others are gaps (null), never zeros.
  simdjson::dom::array trend = overview["cost_trend"];
  ASSERT_EQ(trend.size(), 7u);
  int with_cost = 0;
  for (simdjson::dom::element point : trend) {
    if (!point["cost_usd"].is_null()) ++with_cost;
  }
  EXPECT_EQ(with_cost, 2);
  simdjson::dom::array status = overview["status_over_time"];
  ASSERT_EQ(status.size(), 7u);
  EXPECT_TRUE(status.at(0)["ok"].is_null());
  EXPECT_EQ(int64_t(status.at(4)["ok"]), 2);

  simdjson::dom::array models = overview["model_usage"];
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(std::string_view(models.at(0)["model"]), "gpt-4o-mini");
  EXPECT_DOUBLE_EQ(double(models.at(0)["share"]), 0.5);

  simdjson::dom::element latency = overview["latency"];
  EXPECT_DOUBLE_EQ(double(latency["p50"]), 500.0);
  int64_t histogram_total = 0;
  for (simdjson::dom::element bin : simdjson::dom::array(latency["histogram"])) {
    histogram_total += int64_t(bin["count"]);
  }
  EXPECT_EQ(histogram_total, 4);
}

// The 30-day rolling mean of the cost trend, against a direct computation from the events:
// ranges that start and end inside a day, buckets that divide a day (whose costs also give the
// days of the range) and weeks (which do not), days without events before and inside the range.
TEST_F(OverviewTest, RollingMeanMatchesDirectComputation) {
  std::mt19937_64 rng(9);
  std::vector<std::pair<int64_t, NanoUsd>> calls;
  EventBatch events;
  for (int idx = 0; idx < 3000; ++idx) {
    const int64_t ts = kNow - 75 * kDayMs + static_cast<int64_t>(rng() % (75 * kDayMs));
    if ((ts / kDayMs) % 9 == 4) continue;  // some days without events
    const NanoUsd cost = static_cast<NanoUsd>(rng() % 5'000'000'000);
    calls.emplace_back(ts, cost);
    events.push_back(Call(ts, "gpt-4o", cost, 100));
  }
  memtable_.Append(events);
  struct Case {
    int64_t from_ms, to_ms;
    const char* bucket;
    int64_t width_ms;
  };
  const int64_t odd = 7 * 3'600'000 + 123'456;  // not on an hour
  for (const Case& test_case : {Case{kNow - 30 * kDayMs + odd, kNow - odd, "auto", kDayMs},
                                Case{kNow - 2 * kDayMs - odd, kNow - odd, "auto", 3'600'000},
                                Case{kNow - 20 * kDayMs + odd, kNow, "6h", 6 * 3'600'000},
                                Case{kNow - 40 * kDayMs - odd, kNow - odd, "1w", 7 * kDayMs}}) {
    DashboardParams params;
    params.from_ms = test_case.from_ms;
    params.to_ms = test_case.to_ms;
    params.bucket = test_case.bucket;
    std::map<int64_t, NanoUsd> cost_by_day;  // days of [from − 30 d, to) with events
    for (const auto& [ts, cost] : calls) {
      if (ts >= params.from_ms - 30 * kDayMs && ts < params.to_ms) cost_by_day[ts / kDayMs * kDayMs] += cost;
    }
    simdjson::dom::array trend = Overview(params)["cost_trend"];
    ASSERT_GT(trend.size(), 1u) << test_case.bucket;
    for (simdjson::dom::element point : trend) {
      const int64_t start = int64_t(point["t"]);
      const int64_t end_day = (std::min(start + test_case.width_ms, params.to_ms) - 1) / kDayMs * kDayMs;
      const int64_t window_start = std::max(end_day - 29 * kDayMs, cost_by_day.begin()->first);
      NanoUsd window_cost = 0;
      for (const auto& [day, cost] : cost_by_day) {
        if (day >= window_start && day <= end_day) window_cost += cost;
      }
      const double expected = static_cast<double>(window_cost) / 1e9 / static_cast<double>((end_day - window_start) / kDayMs + 1);
      EXPECT_NEAR(double(point["rolling_30d"]), expected, 1e-9 * expected) << test_case.bucket << " " << start;
    }
  }
}

TEST_F(OverviewTest, FiltersApplyToEveryFigure) {
  EventBatch events = {Call(kNow - kDayMs, "gpt-4o", 1'000'000'000, 100),
                       Call(kNow - kDayMs, "gpt-4o-mini", 3'000'000'000, 300)};
  memtable_.Append(events);
  Result<DashboardParams> params =
      ParseDashboardParams({{"from", "now-7d"}, {"model", "gpt-4o-mini"}}, kNow);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  simdjson::dom::element overview = Overview(*params);
  EXPECT_EQ(int64_t(overview["total_events"]), 1);
  EXPECT_DOUBLE_EQ(double(overview["cards"]["cost_usd"]["value"]), 3.0);
  EXPECT_DOUBLE_EQ(double(overview["cards"]["cost_usd"]["daily"]), 3.0);
  EXPECT_EQ(simdjson::dom::array(overview["model_usage"]).size(), 1u);
}

// Values no event can carry any more (latencies past a week, from a store older than the bound)
// still give a full dashboard: the histogram's width is past what the bin syntax writes, and
// values far above the p99 are counted in the open bin whatever their magnitude.
TEST_F(OverviewTest, HugeStoredLatenciesStillGiveTheDashboard) {
  EventBatch events;
  for (double latency : {1e19, 1e19, 3e19, 1.7e308, 100.0}) events.push_back(Call(kNow - kDayMs, "gpt-4o", 1, latency));
  memtable_.Append(events);
  simdjson::dom::element overview = Overview(LastDays(7));
  int64_t histogram_total = 0;
  for (simdjson::dom::element bin : simdjson::dom::array(overview["latency"]["histogram"])) {
    histogram_total += int64_t(bin["count"]);
  }
  EXPECT_EQ(histogram_total, 5) << json_;
}

TEST(DashboardParamsTest, TimesOutsideTheEventRangeAreNamed) {
  for (const char* from : {"now-106751991166d", "0", "1999-12-31T23:59:59Z"}) {
    Result<DashboardParams> params = ParseDashboardParams({{"from", from}}, kNow);
    ASSERT_FALSE(params.ok()) << from;
    EXPECT_EQ(params.status().details().at(0).field, "from");
  }
  Result<DashboardParams> far = ParseDashboardParams({{"from", "2199-01-01T00:00:00Z"}, {"to", "2200-01-01T00:00:00Z"}}, kNow);
  EXPECT_TRUE(far.ok()) << far.status().ToString();
}

TEST(DashboardParamsTest, ParsesEveryParameterAndNamesBadOnes) {
  Result<DashboardParams> params = ParseDashboardParams(
      {{"from", "now-7d"}, {"to", "now"}, {"model", "a"}, {"model", "b"}, {"tag", "env:prod"},
       {"bucket", "1h"}},
      kNow);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(params->from_ms, kNow - 7 * kDayMs);
  EXPECT_EQ(params->to_ms, kNow);
  EXPECT_EQ(params->bucket, "1h");
  ASSERT_EQ(params->filters.size(), 2u);

  Result<DashboardParams> bad = ParseDashboardParams(
      {{"from", "yesterday"}, {"modle", "x"}, {"tag", "novalue"}, {"bucket", "7x"}}, kNow);
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const ErrorDetail& detail : bad.status().details()) fields.push_back(detail.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"from", "modle", "tag", "bucket"}));

  Result<DashboardParams> backwards = ParseDashboardParams({{"from", "now"}, {"to", "now-1d"}}, kNow);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.status().details().at(0).field, "from");
}

TEST(HistogramTest, NiceWidths) {
  EXPECT_DOUBLE_EQ(NiceBinWidth(1000, 20), 50);
  EXPECT_DOUBLE_EQ(NiceBinWidth(72657, 20), 5000);
  EXPECT_DOUBLE_EQ(NiceBinWidth(3.3, 20), 0.2);
  EXPECT_DOUBLE_EQ(NiceBinWidth(0, 20), 1);
}

}  // namespace
}  // namespace mltrack::analytics
