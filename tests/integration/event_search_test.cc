// The raw-event views through the real binary: paging through POST /api/v1/events/search by its
// cursor gives every matching event exactly once and in order while another client keeps
// ingesting; a trace's calls come back in time order with their totals (docs/events_search.md).
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int64_t kBase = 1'767'607'200'000;  // 2026-01-05T10:00:00Z

// Event `n`: ts repeats every 4 events (ties), cost every 7; tags.n tells them apart.
std::string PagedEvent(int n, const std::string& experiment) {
  return R"({"ts":)" + std::to_string(kBase + (n / 4) * 10) + R"(,"experiment":")" + experiment +
         R"(","model":"m","cost_usd":)" + std::to_string(n % 7) + R"(,"tags":{"n":")" + std::to_string(n) + R"("}})";
}

struct Row {
  std::string n;
  int64_t ts = 0;
  double cost = -1;
};

class EventSearchTest : public IntegrationTest {
 protected:
  // Pages to the end; every row in order. `pages` counts the requests.
  std::vector<Row> PageAll(const std::string& sort, int* pages) {
    std::vector<Row> rows;
    std::string cursor = "null";
    simdjson::dom::parser parser;
    for (*pages = 0; *pages < 1000; ++*pages) {
      const std::string body = R"({"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z","limit":100,)"
                               R"("filters":[{"field":"experiment","op":"eq","value":"paged"}],"sort":)" +
                               sort + R"(,"cursor":)" + cursor + "}";
      HttpResult result = client().Post("/api/v1/events/search", body);
      EXPECT_EQ(result.status, 200) << result.Describe();
      simdjson::dom::element root;
      if (result.status != 200 || parser.parse(result.body).get(root) != simdjson::SUCCESS) break;
      for (simdjson::dom::element event : root["events"].get_array()) {
        Row row;
        row.n = std::string(std::string_view(event["tags"]["n"]));
        row.ts = int64_t(event["ts"]);
        double cost = 0;
        if (event["cost_usd"].get(cost) == simdjson::SUCCESS) row.cost = cost;
        rows.push_back(row);
      }
      simdjson::dom::element next = root["next_cursor"];
      if (next.is_null()) break;
      cursor = "\"" + std::string(std::string_view(next)) + "\"";
    }
    return rows;
  }
};

TEST_F(EventSearchTest, PagingGivesEveryEventOnceInOrderWhileAnotherClientIngests) {
  StartServer();
  constexpr int kEvents = 2000;
  for (int first = 0; first < kEvents; first += 500) {
    std::vector<std::string> batch;
    for (int n = first; n < first + 500; ++n) batch.push_back(PagedEvent(n, "paged"));
    ASSERT_EQ(Ingest(Ndjson(batch), "application/x-ndjson").status, 200);
  }
  int next_n = 100'000;  // the writer's events, distinct across both runs
  for (const std::string sort : {R"({"by":"ts","dir":"desc"})", R"({"by":"cost","dir":"asc"})"}) {
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      HttpClient other(client_port_);
      for (int round = 0; !stop && round < 300; ++round) {
        std::vector<std::string> batch;
        for (int idx = 0; idx < 20; ++idx) {
          const int n = next_n++;
          batch.push_back(PagedEvent(n, round % 2 ? "paged" : "other"));  // some match, some do not
        }
        other.Post("/api/v1/events", Ndjson(batch), "application/x-ndjson");
      }
    });
    int pages = 0;
    std::vector<Row> rows = PageAll(sort, &pages);
    stop = true;
    writer.join();
    SCOPED_TRACE(sort);
    std::map<std::string, int> seen;
    for (const Row& row : rows) ++seen[row.n];
    for (int n = 0; n < kEvents; ++n) EXPECT_EQ(seen[std::to_string(n)], 1) << "event " << n;
    for (const auto& [n, count] : seen) EXPECT_EQ(count, 1) << "event " << n << " came back " << count << " times";
    EXPECT_GE(pages, kEvents / 100 - 1);
    for (size_t idx = 1; idx < rows.size(); ++idx) {
      if (sort.find("ts") != std::string::npos) {
        ASSERT_LE(rows[idx].ts, rows[idx - 1].ts) << "at " << idx;
      } else {
        ASSERT_GE(rows[idx].cost, rows[idx - 1].cost) << "at " << idx;
        if (rows[idx].cost == rows[idx - 1].cost) ASSERT_GE(rows[idx].ts, rows[idx - 1].ts) << "at " << idx;
      }
    }
  }
}

TEST_F(EventSearchTest, ATraceIsItsCallsInTimeOrderWithTotals) {
  StartServer();
  const std::string calls =
      R"({"ts":"2026-01-05T10:00:02Z","operation":"tool","trace_id":"run/42 x","latency_ms":100})" "\n"
      R"({"ts":"2026-01-05T10:00:00Z","model":"m","trace_id":"run/42 x","cost_usd":0.25,"latency_ms":900,"input_tokens":10,"output_tokens":5})" "\n"
      R"({"ts":"2026-01-05T10:00:03Z","model":"m","trace_id":"run/42 x","cost_usd":0.5,"latency_ms":500,"status":"error","http_status":500})" "\n";
  ASSERT_EQ(Ingest(calls, "application/x-ndjson").status, 200);
  HttpResult result = client().Get("/api/v1/traces/run%2F42%20x");
  ASSERT_EQ(result.status, 200) << result.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(result.body);
  EXPECT_EQ(int64_t(root["totals"]["calls"]), 3);
  EXPECT_EQ(int64_t(root["totals"]["errors"]), 1);
  EXPECT_DOUBLE_EQ(double(root["totals"]["cost_usd"]), 0.75);
  EXPECT_EQ(int64_t(root["totals"]["duration_ms"]), 3500);  // 10:00:00 → 10:00:03.5
  std::vector<int64_t> ts;
  for (simdjson::dom::element call : root["calls"].get_array()) ts.push_back(int64_t(call["ts"]));
  EXPECT_EQ(ts, (std::vector<int64_t>{kBase, kBase + 2000, kBase + 3000}));
  EXPECT_EQ(client().Get("/api/v1/traces/nothing-here").status, 404);
  EXPECT_EQ(client().Post("/api/v1/events/search", R"({"limit":1001})").status, 400);
}

}  // namespace
}  // namespace mltrack::integration
