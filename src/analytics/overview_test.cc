#include "analytics/overview.h"

#include "analytics/histogram.h"

#include <gtest/gtest.h>
#include <map>
#include <random>
#include <simdjson.h>

#include "core/time_zone.h"
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
// days of the range), weeks and months (which do not), days without events before and inside the range;
// in UTC and in local days of a zone (New York changed from EDT to EST on 2025-11-02, inside the
// range; Kathmandu is UTC+05:45). A local date is ⌊(ts + offset) / 1 day⌋, the offset from
// TimeZone::OffsetAt.
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
    const char* tz;
  };
  const int64_t odd = 7 * 3'600'000 + 123'456;  // not on an hour
  for (const Case& test_case : {Case{kNow - 30 * kDayMs + odd, kNow - odd, "auto", "UTC"},
                                Case{kNow - 2 * kDayMs - odd, kNow - odd, "auto", "UTC"},
                                Case{kNow - 20 * kDayMs + odd, kNow, "6h", "UTC"},
                                Case{kNow - 40 * kDayMs - odd, kNow - odd, "1w", "UTC"},
                                Case{kNow - 100 * kDayMs - odd, kNow - odd, "1M", "UTC"},
                                Case{kNow - 30 * kDayMs + odd, kNow - odd, "auto", "America/New_York"},
                                Case{kNow - 20 * kDayMs + odd, kNow, "6h", "America/New_York"},
                                Case{kNow - 40 * kDayMs - odd, kNow - odd, "1w", "America/New_York"},
                                Case{kNow - 30 * kDayMs + odd, kNow - odd, "1h", "Asia/Kathmandu"}}) {
    const std::shared_ptr<const TimeZone> zone = *TimeZone::Load(test_case.tz);
    auto date_of = [&](int64_t ts) {
      const int64_t local = ts + int64_t{zone->OffsetAt(ts)} * 1000;
      return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
    };
    DashboardParams params;
    params.from_ms = test_case.from_ms;
    params.to_ms = test_case.to_ms;
    params.bucket = test_case.bucket;
    params.tz = test_case.tz;
    std::map<int64_t, NanoUsd> cost_by_date;  // local dates of [from − 30 d, to) with events
    for (const auto& [ts, cost] : calls) {
      if (ts >= params.from_ms - 30 * kDayMs && ts < params.to_ms) cost_by_date[date_of(ts)] += cost;
    }
    simdjson::dom::array trend = Overview(params)["cost_trend"];
    ASSERT_GT(trend.size(), 1u) << test_case.bucket;
    std::vector<int64_t> starts;
    for (simdjson::dom::element point : trend) starts.push_back(int64_t(point["t"]));
    size_t point_idx = 0;
    for (simdjson::dom::element point : trend) {
      // A bucket ends where the next one starts (a local day or week may be an hour short or
      // long, months vary), the last one at `to`.
      const int64_t start = starts[point_idx++];
      const int64_t end = point_idx < starts.size() ? std::min(starts[point_idx], params.to_ms) : params.to_ms;
      const int64_t end_date = date_of(end - 1);
      if (end_date < cost_by_date.begin()->first) {  // before the first day with events
        EXPECT_TRUE(point["rolling_30d"].is_null()) << test_case.bucket << " " << start;
        continue;
      }
      const int64_t window_start = std::max(end_date - 29, cost_by_date.begin()->first);
      NanoUsd window_cost = 0;
      for (const auto& [date, cost] : cost_by_date) {
        if (date >= window_start && date <= end_date) window_cost += cost;
      }
      const double expected = static_cast<double>(window_cost) / 1e9 / static_cast<double>(end_date - window_start + 1);
      EXPECT_NEAR(double(point["rolling_30d"]), expected, 1e-9 * expected)
          << test_case.bucket << " " << test_case.tz << " " << start;
    }
  }
}

// With tz, every bucket starts at a local midnight (daily) or local hour; the charts list every
// bucket of the range, gaps included, in the same zone as the queries' rows.
TEST_F(OverviewTest, BucketsFollowTheTimeZone) {
  EventBatch events;
  for (int day = 1; day <= 5; ++day) events.push_back(Call(kNow - day * kDayMs + 3'600'000, "gpt-4o", 1'000'000'000, 100));
  memtable_.Append(events);
  Result<DashboardParams> params =
      ParseDashboardParams({{"from", "now-5d"}, {"bucket", "1d"}, {"tz", "Asia/Kolkata"}}, kNow);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(params->tz, "Asia/Kolkata");
  simdjson::dom::element overview = Overview(*params);
  // Local midnights in Kolkata are 18:30Z: 2025-11-21T18:30Z (1763749800000) … 2025-11-26T18:30Z.
  simdjson::dom::array trend = overview["cost_trend"];
  simdjson::dom::array status = overview["status_over_time"];
  ASSERT_EQ(trend.size(), 6u);
  ASSERT_EQ(status.size(), 6u);
  int64_t expected = 1763749800000;
  int64_t events_seen = 0;
  auto status_it = status.begin();
  for (simdjson::dom::element point : trend) {
    EXPECT_EQ(int64_t(point["t"]), expected);
    EXPECT_EQ(int64_t((*status_it)["t"]), expected);
    if (!point["cost_usd"].is_null()) {
      EXPECT_DOUBLE_EQ(double(point["cost_usd"]), 1.0);
      events_seen += int64_t((*status_it)["ok"]);
    }
    expected += kDayMs;
    ++status_it;
  }
  EXPECT_EQ(events_seen, 5);
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

  for (const char* tz : {"Nowhere/Land", "../../etc/passwd", ""}) {
    Result<DashboardParams> bad_zone = ParseDashboardParams({{"tz", tz}}, kNow);
    ASSERT_FALSE(bad_zone.ok()) << tz;
    EXPECT_EQ(bad_zone.status().details().at(0).field, "tz") << tz;
  }
  EXPECT_EQ(ParseDashboardParams({}, kNow)->tz, "UTC");
  EXPECT_EQ(ParseDashboardParams({{"tz", "Europe/Berlin"}}, kNow)->tz, "Europe/Berlin");

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
