#include "analytics/anomaly_monitor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kStart = 1'763'337'600'000;  // 2025-11-17T00:00:00Z, a Monday
constexpr int64_t kHours = 3 * 24;

// Experiment "checkout" (model gpt-4o, team shop) makes 6 calls an hour at about $1 each for three
// days; the last complete hour before `now` costs $10 a call: one cost anomaly per dimension
// that holds it (experiment, model, team; the calls have no user).
class AnomalyMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mltrack-anomaly-monitor-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    EventBatch events;
    for (int64_t hour = 0; hour < kHours; ++hour) {
      for (int64_t call = 0; call < 6; ++call) {
        Event event;
        event.ts_ms = kStart + hour * kHourMs + call * 60'000;
        event.experiment = "checkout";
        event.model = "gpt-4o";
        event.team = "shop";
        const bool spike = hour == kHours - 1;
        event.cost_nano_usd = spike ? 10'000'000'000 : 1'000'000'000 + ((hour * 7 + call * 13) % 21) * 10'000'000;
        event.latency_ms = 500;
        events.push_back(event);
      }
    }
    memtable_.Append(events);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<alerts::AlertLog> OpenLog() {
    std::vector<std::string> problems;
    return std::move(alerts::AlertLog::Open(dir_, &problems)).value();
  }

  std::unique_ptr<AnomalyMonitor> Monitor(alerts::AlertLog& log, int64_t now_ms) {
    AnomalyMonitorOptions options;
    options.now_ms = [now_ms] { return now_ms; };
    return std::make_unique<AnomalyMonitor>(log, [this] {
      std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
      return QueryRunner([snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); });
    }, options);
  }

  std::filesystem::path dir_;
  store::Memtable memtable_;
};

TEST_F(AnomalyMonitorTest, AlertsOncePerAnomalyAndNotAgainAfterARestart) {
  // 20 minutes into the hour after the spike: that hour is partial and not judged.
  const int64_t now = kStart + kHours * kHourMs + 20 * 60'000;
  std::vector<alerts::Alert> first;
  {
    std::unique_ptr<alerts::AlertLog> log = OpenLog();
    std::unique_ptr<AnomalyMonitor> monitor = Monitor(*log, now);
    Result<int> fired = monitor->RunOnce();
    ASSERT_TRUE(fired.ok()) << fired.status().ToString();
    first = log->List();
    EXPECT_EQ(*fired, static_cast<int>(first.size()));
    std::set<std::string> keys;
    for (const alerts::Alert& alert : first) {
      EXPECT_EQ(alert.kind, "anomaly");
      keys.insert(alert.dedupe_key);
    }
    const std::string t = std::to_string(kStart + (kHours - 1) * kHourMs);
    EXPECT_TRUE(keys.count("anomaly:sum:cost_usd:experiment=checkout:" + t)) << ::testing::PrintToString(keys);
    EXPECT_TRUE(keys.count("anomaly:sum:cost_usd:model=gpt-4o:" + t));
    EXPECT_TRUE(keys.count("anomaly:sum:cost_usd:team=shop:" + t));
    for (const std::string& key : keys) EXPECT_EQ(key.rfind("anomaly:sum:cost_usd:", 0), 0u) << key;
    const std::string json = alerts::AlertJson(first.front());
    EXPECT_NE(json.find("\"explanation\":\"Cost of "), std::string::npos) << json;
    EXPECT_NE(json.find("\"severity\":\"critical\""), std::string::npos) << json;

    Result<int> again = monitor->RunOnce();  // the next round finds the same anomalies
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0);
  }
  // A restart: the log is read back from disk, a new monitor runs a round later in the hour.
  std::unique_ptr<alerts::AlertLog> log = OpenLog();
  EXPECT_EQ(log->List().size(), first.size());
  std::unique_ptr<AnomalyMonitor> monitor = Monitor(*log, now + 30 * 60'000);
  Result<int> after_restart = monitor->RunOnce();
  ASSERT_TRUE(after_restart.ok());
  EXPECT_EQ(*after_restart, 0);
  EXPECT_EQ(log->List().size(), first.size());
}

TEST_F(AnomalyMonitorTest, OldAnomaliesAndPartialHoursDoNotAlert) {
  std::unique_ptr<alerts::AlertLog> log = OpenLog();
  // Seven hours after the spike hour ended, past the six-hour lookback.
  std::unique_ptr<AnomalyMonitor> late = Monitor(*log, kStart + (kHours + 7) * kHourMs);
  ASSERT_TRUE(late->RunOnce().ok());
  EXPECT_TRUE(log->List().empty());
  // During the spike hour itself: it is partial, so not judged yet.
  std::unique_ptr<AnomalyMonitor> early = Monitor(*log, kStart + (kHours - 1) * kHourMs + 50 * 60'000);
  ASSERT_TRUE(early->RunOnce().ok());
  EXPECT_TRUE(log->List().empty());
}

TEST(AnomalyMaterialityTest, SmallAbsoluteChangesDoNotAlert) {
  const AnomalyMonitorOptions options;
  EXPECT_FALSE(MaterialAnomaly("sum:cost_usd", 0.04, 0.0, options));
  EXPECT_TRUE(MaterialAnomaly("sum:cost_usd", 60, 6, options));
  EXPECT_FALSE(MaterialAnomaly("count", 30, 12, options));
  EXPECT_TRUE(MaterialAnomaly("count", 2, 40, options));
  EXPECT_FALSE(MaterialAnomaly("rate:error", 0.03, 0.0, options));
  EXPECT_TRUE(MaterialAnomaly("rate:error", 0.12, 0.01, options));
  EXPECT_FALSE(MaterialAnomaly("p95:latency_ms", 900, 700, options));
  EXPECT_TRUE(MaterialAnomaly("p95:latency_ms", 3000, 900, options));
}

}  // namespace
}  // namespace mltrack::analytics
