#include "analytics/forecast.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStart = 1'763'337'600'000;  // 2025-11-17T00:00:00Z, a Monday

// 56 days: weekdays cost $10 a day (10 calls of $1), weekends $2; then 6 hours of today.
class ForecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EventBatch events;
    for (int day = 0; day < 56; ++day) {
      const int calls = day % 7 >= 5 ? 2 : 10;
      for (int call = 0; call < calls; ++call) {
        Event event;
        event.ts_ms = kStart + day * kDayMs + call * 3'600'000;
        event.model = "gpt-4o";
        event.cost_nano_usd = 1'000'000'000;
        events.push_back(event);
      }
    }
    Event today;
    today.ts_ms = kStart + 56 * kDayMs + 3'600'000;
    today.model = "gpt-4o";
    today.cost_nano_usd = 3'000'000'000;
    events.push_back(today);
    memtable_.Append(events);
  }

  Result<ForecastReport> Run(const QueryParams& query) {
    Result<ForecastRequest> request = ParseForecastRequest(query, kStart + 56 * kDayMs + 6 * 3'600'000);
    if (!request.ok()) return request.status();
    std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
    QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
    return ForecastMetric(*request, run);
  }

  store::Memtable memtable_;
};

TEST_F(ForecastTest, ForecastsTheWeeklyPatternFromToday) {
  Result<ForecastReport> report = Run({{"horizon", "14d"}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->history.size(), 56u);  // the store is younger than the 91-day history
  EXPECT_EQ(report->history.front().t, kStart);
  ASSERT_TRUE(report->today.has_value());
  EXPECT_EQ(report->today->t, kStart + 56 * kDayMs);
  EXPECT_DOUBLE_EQ(report->today->value, 3.0);
  ASSERT_EQ(report->forecast.points.size(), 14u);
  EXPECT_EQ(report->forecast_days.front(), kStart + 56 * kDayMs);
  EXPECT_EQ(report->forecast.fit.period, 7);
  // A noiseless pattern is learnt exactly: Monday $10, Saturday $2.
  EXPECT_NEAR(report->forecast.points[0].value, 10.0, 0.5);
  EXPECT_NEAR(report->forecast.points[5].value, 2.0, 0.5);
  EXPECT_EQ(report->backtest.origins, 3);  // origins 42, 35 and 28 days in: 28 training days at least, 14 ahead
  EXPECT_LT(report->backtest.smape_pct, 5.0);

  simdjson::dom::parser parser;
  const std::string json = ForecastReportJson(*report);
  simdjson::dom::element root = parser.parse(json);
  EXPECT_EQ(simdjson::dom::array(root["forecast"]).size(), 14u);
  EXPECT_EQ(int64_t(root["method"]["season_days"]), 7);
  EXPECT_NEAR(double(root["total"]), 2 * (5 * 10.0 + 2 * 2.0), 3.0);
}

TEST_F(ForecastTest, TooLittleHistoryIsANoteNotAnError) {
  Result<ForecastReport> report = Run({{"from", std::to_string(kStart + 54 * kDayMs)}});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->forecast.points.empty());
  EXPECT_FALSE(report->note.empty());
}

TEST_F(ForecastTest, BadParametersAreNamed) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"metric", "p95:latency_ms"}, {"metric", "avg:cost_usd"}, {"horizon", "0d"}, {"horizon", "36h"},
           {"history", "2d"}, {"colour", "red"}}) {
    Result<ForecastReport> report = Run({{key, value}});
    ASSERT_FALSE(report.ok()) << key << "=" << value;
    EXPECT_EQ(report.status().details().at(0).field, key) << key << "=" << value;
  }
}

}  // namespace
}  // namespace mltrack::analytics
