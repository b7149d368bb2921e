// The cluster of issue 14: two clickhouse-server processes on loopback as the two shards of
// one cluster, a Distributed `events` table over them, and two MLtrack servers in front, one
// per shard. Events ingested through either node are seen by queries on both; an append on one
// node reaches an append listener on the other within a second (the WebSocket live hub of
// issue 12 will hang off those listeners).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "backend/clickhouse/clickhouse_backend.h"
#include "clickhouse_server.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr const char* kCluster = "mltrack_pair";

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ClickHouseInstalled()) GTEST_SKIP() << "clickhouse-server is not installed (scripts/install_deps.sh)";
    shards_[0] = std::make_unique<ClickHouseServer>(temp_.path() / "shard-a");
    shards_[1] = std::make_unique<ClickHouseServer>(temp_.path() / "shard-b");
    std::string shards;
    for (const auto& shard : shards_) {
      shards += "<shard><replica><host>127.0.0.1</host><port>" + std::to_string(shard->tcp_port()) +
                "</port></replica></shard>";
    }
    for (const auto& shard : shards_) {
      shard->SetExtraConfig("<remote_servers><" + std::string(kCluster) + ">" + shards + "</" + kCluster +
                            "></remote_servers>");
      ASSERT_TRUE(shard->Start());
    }
  }

  std::string Url(int shard) const { return shards_[shard]->Url("mltrack_cluster", "?cluster=" + std::string(kCluster)); }

  TempDir temp_{"mltrack-cluster-"};
  std::unique_ptr<ClickHouseServer> shards_[2];
};

int64_t CountOn(HttpClient& client, const std::string& filter = "") {
  HttpResult result = client.Post("/api/v1/query", std::string("{") + kQueryRange + filter + R"(,"metrics":["count"]})");
  std::string error;
  std::optional<QueryTable> table = ParseQueryTable(result.body, &error);
  return result.status == 200 && table ? ToInt(table->Cell(0, "count")) : -1;
}

TEST_F(ClusterTest, EventsIngestedThroughEitherNodeAreSeenOnBoth) {
  ServerProcess node_a(temp_.path() / "node-a", temp_.path() / "node-a.log", {"--store", Url(0)});
  ServerProcess node_b(temp_.path() / "node-b", temp_.path() / "node-b.log", {"--store", Url(1)});
  ASSERT_TRUE(node_a.Start());
  ASSERT_TRUE(node_b.Start());
  HttpClient a(node_a.port());
  HttpClient b(node_b.port());
  std::vector<std::string> via_a, via_b;
  for (int idx = 0; idx < 50; ++idx) via_a.push_back(EventJson("a-" + std::to_string(idx), "gpt-4o"));
  for (int idx = 0; idx < 30; ++idx) via_b.push_back(EventJson("b-" + std::to_string(idx), "gpt-4o-mini"));
  ASSERT_EQ(a.Post("/api/v1/events", JsonArray(via_a)).status, 200);
  ASSERT_EQ(b.Post("/api/v1/events", JsonArray(via_b)).status, 200);

  // Acknowledged means on its shard: both nodes see all 80 at once.
  EXPECT_EQ(CountOn(a), 80);
  EXPECT_EQ(CountOn(b), 80);
  EXPECT_EQ(CountOn(a, R"(,"filters":[{"field":"model","op":"eq","value":"gpt-4o-mini"}])"), 30);
  EXPECT_EQ(CountOn(b, R"(,"filters":[{"field":"model","op":"eq","value":"gpt-4o"}])"), 50);
  // Both shards hold part of them.
  const int64_t on_a = std::stoll(shards_[0]->Execute("SELECT count() FROM mltrack_cluster.events_local"));
  const int64_t on_b = std::stoll(shards_[1]->Execute("SELECT count() FROM mltrack_cluster.events_local"));
  EXPECT_EQ(on_a + on_b, 80);
  EXPECT_GT(on_a, 0);
  EXPECT_GT(on_b, 0);
  // A retry through the other node is a duplicate there too.
  HttpResult retry = b.Post("/api/v1/events", JsonArray({via_a[7]}));
  std::optional<IngestAck> ack = ParseIngestAck(retry.body);
  ASSERT_TRUE(ack) << retry.Describe();
  EXPECT_EQ(ack->duplicates, 1);
  EXPECT_EQ(CountOn(a), 80);
  // The same grouped answer on both nodes.
  const std::string grouped = std::string("{") + kQueryRange + R"(,"group_by":["model"],"metrics":["count","sum:cost_usd","p50:latency_ms"]})";
  HttpResult from_a = a.Post("/api/v1/query", grouped);
  HttpResult from_b = b.Post("/api/v1/query", grouped);
  ASSERT_EQ(from_a.status, 200);
  EXPECT_EQ(from_a.body.substr(0, from_a.body.find("\"stats\"")), from_b.body.substr(0, from_b.body.find("\"stats\"")));
}

TEST_F(ClusterTest, AnAppendOnOneNodeReachesAListenerOnTheOtherWithinASecond) {
  using backend::clickhouse::BackendOptions;
  using backend::clickhouse::ClickHouseBackend;
  auto open = [&](int shard, const std::string& name) {
    BackendOptions options;
    options.connection = *backend::clickhouse::ParseClickHouseUrl(Url(shard));
    options.queue_dir = temp_.path() / name;
    Result<std::unique_ptr<ClickHouseBackend>> opened = ClickHouseBackend::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  };
  std::unique_ptr<ClickHouseBackend> node_a = open(0, "queue-a");
  std::unique_ptr<ClickHouseBackend> node_b = open(1, "queue-b");
  ASSERT_TRUE(node_a && node_b);

  std::mutex mutex;
  std::condition_variable heard;
  std::vector<std::string> ids;
  node_b->AddAppendListener([&](const EventBatch& batch, const backend::AppendResult&) {
    std::lock_guard lock(mutex);
    for (const Event& event : batch) ids.push_back(event.id);
    heard.notify_all();
  });
  for (int round = 0; round < 3; ++round) {
    Event event;
    event.id = "live-" + std::to_string(round);
    event.ts_ms = NowMs();
    event.model = "gpt-4o";
    const auto appended = std::chrono::steady_clock::now();
    Result<backend::AppendResult> result = node_a->Append({event});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    std::unique_lock lock(mutex);
    const bool arrived = heard.wait_for(lock, std::chrono::seconds(1), [&] {
      return std::find(ids.begin(), ids.end(), event.id) != ids.end();
    });
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - appended);
    EXPECT_TRUE(arrived) << "round " << round << ": not heard on the other node within 1 s";
    EXPECT_LT(waited.count(), 1000);
  }
  // Node B's own appends reach its listener at once, and only once.
  Event own;
  own.id = "own";
  own.ts_ms = NowMs();
  own.model = "gpt-4o";
  ASSERT_TRUE(node_b->Append({own}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  std::lock_guard lock(mutex);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "own"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "live-0"), 1);
}

}  // namespace
}  // namespace mltrack::integration
