#include "analytics/anomalies.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "analytics/anomaly_explain.h"
#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStart = 1'763'337'600'000;  // 2025-11-17T00:00:00Z, a Monday

// Two experiments, 35 days, calls every hour with a daily rhythm (deterministic); checkout gets a
// cost spike on day 30 at 14:00 (a Wednesday).
class AnomaliesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EventBatch events;
    for (int64_t hour = 0; hour < 35 * 24; ++hour) {
      const int64_t calls = 4 + (hour % 24 >= 8 && hour % 24 < 20 ? 4 : 0);
      for (const char* experiment : {"checkout", "search"}) {
        for (int64_t call = 0; call < calls; ++call) {
          Event event;
          event.ts_ms = kStart + hour * kHourMs + call * 60'000;
          event.experiment = experiment;
          event.model = "gpt-4o";
          event.provider = "openai";
          // 1.00 to 1.20 USD a call, varying with the call and hour so the series has noise.
          event.cost_nano_usd = 1'000'000'000 + ((hour * 7 + call * 13) % 21) * 10'000'000;
          event.latency_ms = 500;
          events.push_back(event);
        }
      }
      if (hour == 30 * 24 + 14) {
        for (int call = 0; call < 40; ++call) {
          Event event;
          event.ts_ms = kStart + hour * kHourMs + call * 1000;
          event.experiment = "checkout";
          event.model = "gpt-4o";
          event.cost_nano_usd = 10'000'000'000;
          events.push_back(event);
        }
      }
    }
    memtable_.Append(events);
  }

  Result<AnomalyReport> Detect(const QueryParams& query) {
    Result<AnomalyRequest> request = ParseAnomalyRequest(query, kStart + 35 * kDayMs);
    if (!request.ok()) return request.status();
    std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
    QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
    return DetectAnomalies(*request, run);
  }

  store::Memtable memtable_;
};

TEST_F(AnomaliesTest, FindsTheCostSpikeOfOneExperimentAndExplainsIt) {
  Result<AnomalyReport> report = Detect({{"metric", "sum:cost_usd"}, {"group_by", "experiment"},
                                         {"from", "now-7d"}, {"series", "all"}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->keys_total, 2);
  EXPECT_EQ(report->starts.size(), 7u * 24);
  EXPECT_EQ(report->history_from_ms, kStart + 35 * kDayMs - 35 * kDayMs);  // 28 days before from
  ASSERT_EQ(report->anomalies.size(), 1u);
  const Anomaly& spike = report->anomalies[0];
  EXPECT_EQ(spike.t, kStart + 30 * kDayMs + 14 * kHourMs);
  EXPECT_EQ(spike.dimension, "experiment");
  EXPECT_EQ(spike.key, "checkout");
  EXPECT_GT(spike.actual, 400.0);  // 40 × $10 plus the usual hour
  EXPECT_LT(spike.expected, 20.0);
  EXPECT_EQ(spike.severity, "critical");
  EXPECT_NE(spike.explanation.find("Cost of experiment checkout at 14:00 UTC on Wed 17 Dec was $"), std::string::npos)
      << spike.explanation;
  EXPECT_NE(spike.explanation.find("× the usual $"), std::string::npos) << spike.explanation;
  ASSERT_EQ(report->series.size(), 2u);
  for (const AnomalySeries& series : report->series) EXPECT_EQ(series.buckets.size(), 7u * 24);

  simdjson::dom::parser parser;
  const std::string json = AnomalyReportJson(*report, SeriesOutput::kAll);
  simdjson::dom::element root = parser.parse(json);
  EXPECT_EQ(std::string_view(root["anomalies"].at(0)["key"]["experiment"]), "checkout");
  EXPECT_EQ(simdjson::dom::array(root["t"]).size(), 7u * 24);
  EXPECT_EQ(simdjson::dom::array(root["series"].at(0)["score"]).size(), 7u * 24);
}

TEST_F(AnomaliesTest, DefaultMetricsOnTheTotalAndOnlyAnomalousSeries) {
  Result<AnomalyReport> report = Detect({{"from", "now-7d"}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->metrics, (std::vector<std::string>{"sum:cost_usd", "count", "rate:error", "p95:latency_ms"}));
  // The spike is 40 extra calls and $400: cost and calls both jump; latency and errors do not.
  std::set<std::string> metrics;
  for (const Anomaly& anomaly : report->anomalies) metrics.insert(anomaly.metric);
  EXPECT_EQ(metrics, (std::set<std::string>{"sum:cost_usd", "count"}));
  EXPECT_EQ(report->series.size(), 2u);
}

// Eight series (two experiments × the four default metrics) are judged on two threads: each
// equals the same series judged alone, in a request of its metric only (two series, one thread).
TEST_F(AnomaliesTest, SeriesJudgedTogetherEqualSeriesJudgedAlone) {
  Result<AnomalyReport> together = Detect({{"group_by", "experiment"}, {"from", "now-7d"}, {"series", "all"}});
  ASSERT_TRUE(together.ok()) << together.status().ToString();
  ASSERT_EQ(together->series.size(), 8u);
  size_t anomalies = 0;
  for (const std::string& metric : together->metrics) {
    Result<AnomalyReport> alone =
        Detect({{"metric", metric}, {"group_by", "experiment"}, {"from", "now-7d"}, {"series", "all"}});
    ASSERT_TRUE(alone.ok()) << alone.status().ToString();
    ASSERT_EQ(alone->series.size(), 2u);
    anomalies += alone->anomalies.size();
    for (const AnomalySeries& one : alone->series) {
      const auto same = std::find_if(together->series.begin(), together->series.end(), [&](const AnomalySeries& s) {
        return s.key == one.key && s.metric == one.metric;
      });
      ASSERT_NE(same, together->series.end()) << one.key << " " << metric;
      ASSERT_EQ(same->buckets.size(), one.buckets.size());
      for (size_t idx = 0; idx < one.buckets.size(); ++idx) {
        const JudgedBucket& a = same->buckets[idx];
        const JudgedBucket& b = one.buckets[idx];
        EXPECT_TRUE(a.actual == b.actual && a.expected == b.expected && a.lower == b.lower && a.upper == b.upper &&
                    a.score == b.score && a.reported == b.reported)
            << one.key << " " << metric << " bucket " << idx;
      }
    }
  }
  EXPECT_EQ(together->anomalies.size(), anomalies);
  EXPECT_GT(anomalies, 0u);
}

TEST_F(AnomaliesTest, BadParametersAreNamed) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"metric", "sum:nothing"}, {"group_by", "latency_ms"}, {"bucket", "1w"}, {"bucket", "1M"},
           {"history", "soon"}, {"series", "some"}, {"limit", "0"}, {"colour", "red"}}) {
    Result<AnomalyReport> report = Detect({{key, value}});
    ASSERT_FALSE(report.ok()) << key << "=" << value;
    EXPECT_EQ(report.status().details().at(0).field, key) << key << "=" << value;
  }
}

TEST(AnomalyExplainTest, SentencesAPersonReads) {
  const int64_t thursday_14h = 1'764'856'800'000;  // 2025-12-04T14:00:00Z
  EXPECT_EQ(ExplainAnomaly({"sum:cost_usd", "experiment", "checkout-bot", thursday_14h, kHourMs, 412.0, 44.25,
                            Seasonality::kWeekly}),
            "Cost of experiment checkout-bot at 14:00 UTC on Thu 4 Dec was $412.00, 9.3× the usual $44.25 for a "
            "Thursday at 14:00.");
  EXPECT_EQ(ExplainAnomaly({"count", "", "", thursday_14h, kHourMs, 12, 1200, Seasonality::kDaily}),
            "Total calls at 14:00 UTC on Thu 4 Dec was 12, 99% below the usual 1,200 for 14:00.");
  EXPECT_EQ(ExplainAnomaly({"rate:error", "model", "claude-opus", thursday_14h - 14 * kHourMs, kDayMs, 0.31, 0.012,
                            Seasonality::kNone}),
            "Error rate of model claude-opus on Thu 4 Dec was 31.0%, 25.8× the usual 1.2%.");
  EXPECT_EQ(ExplainAnomaly({"p95:latency_ms", "tags.env", "prod", thursday_14h, kHourMs, 5210.4, 1830,
                            Seasonality::kNone}),
            "p95 latency of tag env=prod at 14:00 UTC on Thu 4 Dec was 5,210 ms, 2.8× the usual 1,830 ms.");
}

}  // namespace
}  // namespace mltrack::analytics
