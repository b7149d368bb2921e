// GET /metrics through the real binary (docs/operations.md "## Metrics"): what a Prometheus
// scrape sees after known traffic — events stored and duplicates, responses by code, the
// per-route latency histogram and body bytes, and the store's gauges.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "test_support.h"

namespace mltrack::integration {
namespace {

// The value of the exposition line `series value`; -1 when absent.
double ValueOf(const std::string& text, const std::string& series) {
  const size_t at = ("\n" + text).find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 1));
}

class MetricsTest : public IntegrationTest {
 protected:
  std::string Scrape() {
    HttpResult result = client().Request("GET", "/metrics", "", "");
    EXPECT_EQ(result.status, 200) << result.Describe();
    EXPECT_EQ(result.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return result.body;
  }
};

TEST_F(MetricsTest, CountsWhatTheServerDid) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string before = Scrape();
  EXPECT_EQ(ValueOf(before, "mltrack_ingest_events_total"), 0);
  EXPECT_EQ(ValueOf(before, "mltrack_store_events"), 0);

  const std::string batch = JsonArray({EventJson("m1"), EventJson("m2"), EventJson("m3")});
  ASSERT_EQ(Ingest(batch).status, 200);
  ASSERT_EQ(Ingest(EventJson("m1")).status, 200);  // a duplicate id: skipped
  ASSERT_EQ(Ingest("{\"model\":").status, 400);
  ASSERT_EQ(client().Request("GET", "/api/v1/nothing-here", "", "").status, 404);
  EXPECT_EQ(CountEvents(), 3);

  const std::string text = Scrape();
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_events_total"), 3);
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_duplicates_total"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_batches_total"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_store_events"), 3);
  EXPECT_GT(ValueOf(text, "mltrack_store_disk_bytes"), 0);
  // The memory by structure adds up to the total; three events sit in the memtable.
  double parts = 0;
  for (const char* part : {"memtable", "dictionaries", "id_index", "sealed_id_filter", "segment_columns",
                           "segment_summaries", "segment_local_strings", "segment_id_directories"}) {
    const double bytes = ValueOf(text, std::string("mltrack_store_memory_part_bytes{part=\"") + part + "\"}");
    EXPECT_GE(bytes, 0) << part;
    parts += bytes;
  }
  EXPECT_EQ(parts, ValueOf(text, "mltrack_store_memory_bytes"));
  EXPECT_GT(ValueOf(text, "mltrack_store_memory_part_bytes{part=\"memtable\"}"), 0);
  EXPECT_GE(ValueOf(text, "mltrack_wal_files"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_worker_queue_depth"), 0);
  EXPECT_GE(ValueOf(text, "mltrack_http_connections"), 1);  // this scrape's own
  // Since the first scrape: its own 200 (counted as it is sent), two ingests' and the count query's.
  const std::string ok = "mltrack_http_responses_total{code=\"200\"}";
  EXPECT_EQ(ValueOf(text, ok) - ValueOf(before, ok), 4);
  EXPECT_EQ(ValueOf(before, "mltrack_http_responses_total{code=\"400\"}"), -1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"400\"}"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"404\"}"), 1);
  const std::string events = "method=\"POST\",route=\"/api/v1/events\"";
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_count{" + events + "}"), 3);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_bucket{" + events + ",le=\"+Inf\"}"), 3);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_body_bytes_total{" + events + "}"),
            double(batch.size() + EventJson("m1").size() + std::string("{\"model\":").size()));
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/query\"}"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_count{method=\"*\",route=\"(unrouted)\"}"), 1);
  EXPECT_NE(text.find("# TYPE mltrack_http_request_duration_seconds histogram"), std::string::npos);
}

// What budgets cost ingest: nothing is counted before a budget exists; then every priced event
// of an acknowledged batch, and not an unpriced one.
TEST_F(MetricsTest, CountsWhatTheBudgetMonitorDid) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_EQ(Ingest(EventJson("before")).status, 200);
  EXPECT_EQ(ValueOf(Scrape(), "mltrack_budget_counted_events_total"), 0);
  HttpResult created = client().Post(
      "/api/v1/budgets", R"({"name": "all", "scope": null, "period": "month", "amount_usd": 1000, "thresholds_pct": [50]})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string batch = JsonArray({EventJson("b1"), EventJson("b2"), EventJson("b3", "a-model-without-a-price")});
  ASSERT_EQ(Ingest(batch).status, 200);
  std::string text = Scrape();
  EXPECT_EQ(ValueOf(text, "mltrack_budget_counted_events_total"), 2);
  EXPECT_GT(ValueOf(text, "mltrack_budget_counting_seconds_total"), 0);
  EXPECT_NE(text.find("# TYPE mltrack_budget_counting_seconds_total counter\n"), std::string::npos);
  // The new budget's current period is evaluated exactly (the store held an event before it), on
  // the monitor's thread.
  for (int attempt = 0; attempt < 100 && ValueOf(text, "mltrack_budget_evaluations_total") < 1; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    text = Scrape();
  }
  EXPECT_GE(ValueOf(text, "mltrack_budget_evaluations_total"), 1);
  EXPECT_GT(ValueOf(text, "mltrack_budget_monitor_cpu_seconds_total"), 0);
}

TEST_F(MetricsTest, RefusesAForeignHostLikeEveryRoute) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(client().Request("GET", "/metrics", "", "", {{"Host", "evil.example"}}).status, 403);
}

}  // namespace
}  // namespace mltrack::integration
