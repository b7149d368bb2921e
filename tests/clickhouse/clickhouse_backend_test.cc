// `mltrack serve --store clickhouse://...` through the real binary against a real
// clickhouse-server: schema on start, idempotency by id, and an outage (acknowledged events
// queued on disk and shipped later, also across a restart of MLtrack; reads answer 503).
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "backend/clickhouse/batch_writer.h"
#include "backend/clickhouse/http_client.h"
#include "backend/clickhouse/statement_limits.h"
#include "clickhouse_server.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

class ClickHouseBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ClickHouseInstalled()) GTEST_SKIP() << "clickhouse-server is not installed (scripts/install_deps.sh)";
    clickhouse_ = std::make_unique<ClickHouseServer>(temp_.path() / "clickhouse");
    ASSERT_TRUE(clickhouse_->Start());
  }

  void StartMltrack(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--store", clickhouse_->Url("mltrack_it")};
    args.insert(args.end(), extra.begin(), extra.end());
    mltrack_ = std::make_unique<ServerProcess>(temp_.path() / "data", temp_.path() / "mltrack.log", args);
    ASSERT_TRUE(mltrack_->Start());
    client_ = std::make_unique<HttpClient>(mltrack_->port());
  }

  HttpResult Ingest(const std::vector<std::string>& events) {
    return client_->Post("/api/v1/events", JsonArray(events));
  }

  // The count of stored events, or -1 when the query fails.
  int64_t Count() {
    HttpResult result = client_->Post("/api/v1/query", std::string("{") + kQueryRange + R"(,"metrics":["count"]})");
    if (result.status != 200) return -1;
    std::string error;
    std::optional<QueryTable> table = ParseQueryTable(result.body, &error);
    return table ? ToInt(table->Cell(0, "count")) : -1;
  }

  // Waits (up to `limit`) until Count() == `expected`.
  bool WaitForCount(int64_t expected, std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Count() == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  TempDir temp_{"mltrack-ch-"};
  std::unique_ptr<ClickHouseServer> clickhouse_;
  std::unique_ptr<ServerProcess> mltrack_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ClickHouseBackendTest, CreatesTheSchemaOnceAndStoresEventsOnce) {
  StartMltrack();
  EXPECT_EQ(clickhouse_->Execute("SELECT max(version) FROM mltrack_it.schema_migrations"), "4\n");
  HttpResult first = Ingest({EventJson("a"), EventJson("b"), EventJson("a")});
  ASSERT_EQ(first.status, 200) << first.Describe();
  std::optional<IngestAck> ack = ParseIngestAck(first.body);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->accepted, 2);
  EXPECT_EQ(ack->duplicates, 1);
  // A retry of the same events: nothing new.
  HttpResult retry = Ingest({EventJson("a"), EventJson("b")});
  ASSERT_EQ(retry.status, 200);
  ack = ParseIngestAck(retry.body);
  EXPECT_EQ(ack->accepted, 0);
  EXPECT_EQ(ack->duplicates, 2);
  EXPECT_EQ(Count(), 2);
  // A second start finds the schema in place and applies nothing again.
  mltrack_->Kill();
  StartMltrack();
  EXPECT_EQ(clickhouse_->Execute("SELECT count() FROM mltrack_it.schema_migrations"), "4\n");
  EXPECT_EQ(Count(), 2);
}

// A database made before input_hash existed (schema version 2: the events table without the
// column, and a row in it) gains the column on start (migration 3), keeps its row, and then
// stores, groups by, filters on and returns input_hash like the embedded store.
TEST_F(ClickHouseBackendTest, AnOlderEventsTableGainsInputHash) {
  const char* kVersion2Statements[] = {
      "CREATE DATABASE mltrack_it",
      "CREATE TABLE mltrack_it.schema_migrations (`version` UInt32, `name` String, `applied_ms` UInt64) ENGINE = TinyLog",
      "INSERT INTO mltrack_it.schema_migrations VALUES (1, 'events table', 0), (2, 'appends table', 0)",
      "CREATE TABLE mltrack_it.events (`key` String, `batch` String, `id` String, `ts` Int64, `experiment` String, "
      "`run_id` String, `session_id` String, `trace_id` String, `user` String, `team` String, `provider` String, "
      "`model` String, `operation` UInt8, `endpoint` String, `status` UInt8, `error_type` String, "
      "`http_status` Nullable(Int32), `input_tokens` Nullable(Int64), `output_tokens` Nullable(Int64), "
      "`cached_input_tokens` Nullable(Int64), `cache_write_tokens` Nullable(Int64), `reasoning_tokens` Nullable(Int64), "
      "`cost_nano_usd` Nullable(Int64), `latency_ms` Nullable(Float64), `ttft_ms` Nullable(Float64), "
      "`cache_hit` Nullable(UInt8), `streaming` Nullable(UInt8), `prompt_name` String, `prompt_version` String, "
      "`scores` Nested(`name` String, `value` Float64), `tags` Nested(`key` String, `value` String)) "
      "ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(`ts`, 1000), 'UTC')) ORDER BY (`ts`, `key`)",
      "CREATE TABLE mltrack_it.appends (`node` String, `seq` UInt64, `batch` String, `rows` UInt64, `min_ts` Int64, "
      "`max_ts` Int64, `at_ms` UInt64) ENGINE = MergeTree() ORDER BY (`at_ms`, `node`)",
      "INSERT INTO mltrack_it.events (`key`, `id`, `ts`, `experiment`, `model`) VALUES ('old', 'old', 1767225600000, 'default', 'm')",
  };
  for (const char* statement : kVersion2Statements) {
    bool ok = false;
    clickhouse_->Execute(statement, &ok);
    ASSERT_TRUE(ok) << statement;
  }
  StartMltrack();
  EXPECT_EQ(clickhouse_->Execute("SELECT max(version) FROM mltrack_it.schema_migrations"), "4\n");
  EXPECT_EQ(clickhouse_->Execute("SELECT count() FROM system.columns WHERE database = 'mltrack_it' AND "
                                 "table = 'events' AND name = 'input_hash'"), "1\n");
  auto event = [](const std::string& id, const std::string& hash) {
    return R"({"id":")" + id + R"(","ts":1767225600001,"model":"m","input_hash":")" + hash + R"("})";
  };
  ASSERT_EQ(Ingest({event("h1", "abc"), event("h2", "abc"), event("h3", "def")}).status, 200);
  HttpResult grouped = client_->Post("/api/v1/query", std::string("{") + kQueryRange +
                                                          R"(,"group_by":["input_hash"],"metrics":["count"]})");
  ASSERT_EQ(grouped.status, 200) << grouped.Describe();
  std::string error;
  std::optional<QueryTable> table = ParseQueryTable(grouped.body, &error);
  ASSERT_TRUE(table) << error;
  ASSERT_EQ(table->rows.size(), 3u) << grouped.body;
  EXPECT_EQ(table->Cell(0, "input_hash"), "abc");
  EXPECT_EQ(table->Cell(0, "count"), "2");
  EXPECT_EQ(table->Cell(1, "input_hash"), "def");
  EXPECT_EQ(table->Cell(2, "input_hash"), "null");  // the older row
  HttpResult search = client_->Post("/api/v1/events/search",
                                    std::string("{") + kQueryRange + R"(,"filters":[{"field":"input_hash","op":"eq","value":"def"}]})");
  ASSERT_EQ(search.status, 200) << search.Describe();
  EXPECT_NE(search.body.find(R"("input_hash":"def")"), std::string::npos) << search.body;
  EXPECT_EQ(search.body.find(R"("input_hash":"abc")"), std::string::npos) << search.body;
}

// Migration 4 on a database of version 3: field_names is filled from the events stored before,
// so /api/v1/fields lists their tag keys without reading the events again.
TEST_F(ClickHouseBackendTest, AnUpgradeFillsFieldNamesFromTheStoredEvents) {
  StartMltrack();
  ASSERT_EQ(Ingest({EventJson("a"), EventJson("b")}).status, 200);
  EXPECT_NE(client_->Get("/api/v1/fields").body.find(R"("tag_keys":["cid"])"), std::string::npos);
  mltrack_->Kill();
  // Back to version 3: no field_names table, migrations 1 to 3 recorded.
  for (const char* statement :
       {"DROP TABLE mltrack_it.field_names", "DROP TABLE mltrack_it.schema_migrations",
        "CREATE TABLE mltrack_it.schema_migrations (version UInt32, name String, applied_ms UInt64) ENGINE = TinyLog",
        "INSERT INTO mltrack_it.schema_migrations VALUES (1, 'events table', 0), (2, 'appends table', 0), (3, 'events.input_hash', 0)"}) {
    bool ok = false;
    clickhouse_->Execute(statement, &ok);
    ASSERT_TRUE(ok) << statement;
  }
  StartMltrack();
  EXPECT_EQ(clickhouse_->Execute("SELECT max(version) FROM mltrack_it.schema_migrations"), "4\n");
  EXPECT_EQ(clickhouse_->Execute("SELECT name, kind FROM mltrack_it.field_names FORMAT TSV"), "cid\t0\n");
  EXPECT_NE(client_->Get("/api/v1/fields").body.find(R"("tag_keys":["cid"])"), std::string::npos);
}

TEST_F(ClickHouseBackendTest, AnOutageQueuesAcknowledgedEventsAndReadsAnswer503) {
  StartMltrack();
  ASSERT_EQ(Ingest({EventJson("before-1"), EventJson("before-2")}).status, 200);
  clickhouse_->Kill();

  HttpResult during = Ingest({EventJson("during-1"), EventJson("during-2"), EventJson("during-3")});
  ASSERT_EQ(during.status, 200) << during.Describe();
  EXPECT_EQ(ParseIngestAck(during.body)->accepted, 3);
  HttpResult read = client_->Post("/api/v1/query", std::string("{") + kQueryRange + R"(,"metrics":["count"]})");
  EXPECT_EQ(read.status, 503) << read.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(read.body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "unavailable");
  EXPECT_NE(error->message.find("ClickHouse at 127.0.0.1:" + std::to_string(clickhouse_->http_port())),
            std::string::npos) << error->message;
  EXPECT_NE(error->message.find("wait in this node's queue"), std::string::npos) << error->message;
  // Every dashboard reads through the same runner: 503 unavailable too, never a 400 or a 200.
  for (const char* dashboard : {"/api/analytics/overview", "/api/analytics/performance", "/api/analytics/models/compare",
                                "/api/analytics/ab?dimension=model&a=gpt-4o-mini&b=gpt-4o"}) {
    HttpResult answer = client_->Get(dashboard);
    EXPECT_EQ(answer.status, 503) << dashboard << " " << answer.Describe();
    std::optional<ErrorBody> dashboard_error = ParseErrorBody(answer.body);
    ASSERT_TRUE(dashboard_error) << dashboard;
    EXPECT_EQ(dashboard_error->code, "unavailable") << dashboard;
  }
  HttpResult health = client_->Get("/api/health");
  EXPECT_NE(health.body.find("\"degraded\""), std::string::npos) << health.body;

  // MLtrack itself dies during the outage (kill -9): the queue is on disk.
  ASSERT_EQ(Ingest({EventJson("during-4")}).status, 200);
  mltrack_->Kill();
  StartMltrack();
  ASSERT_EQ(Ingest({EventJson("during-5")}).status, 200);

  ASSERT_TRUE(clickhouse_->Start());
  EXPECT_TRUE(WaitForCount(7)) << "count " << Count() << "\n" << mltrack_->LogTail();
  // The count shows the last batch once it is inserted; the node drops it from its queue a moment
  // later (after the racing-copy check and the appends row). Until then an append is queued, and a
  // queued batch cannot yet say which of its events are duplicates.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    health = client_->Get("/api/health");
    if (health.body.find("\"ok\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_NE(health.body.find("\"ok\""), std::string::npos) << health.body;
  // Shipped once each: a retried event still counts as a duplicate.
  HttpResult retry = Ingest({EventJson("during-1")});
  EXPECT_EQ(ParseIngestAck(retry.body)->duplicates, 1);
}

// Local-time buckets compiled to SQL, worked out by hand over America/New_York's DST end on
// 2025-11-02 (06:00 UTC, 02:00 EDT -> 01:00 EST): that local day is 25 hours long, from 04:00
// UTC to 05:00 UTC the next day, and the reading 01:00 shows twice, starting two hours.
TEST_F(ClickHouseBackendTest, LocalTimeBucketsFollowTheZonesDstChange) {
  StartMltrack();
  auto event = [](const std::string& id, int64_t ts) {
    return R"({"id":")" + id + R"(","ts":)" + std::to_string(ts) + R"(,"model":"gpt-4o-mini","provider":"openai"})";
  };
  ASSERT_EQ(Ingest({event("dst-1", 1762057800000),     // 11-02 04:30Z = 00:30 EDT
                    event("dst-2", 1762061400000),     // 11-02 05:30Z = 01:30 EDT
                    event("dst-3", 1762065000000),     // 11-02 06:30Z = 01:30 EST
                    event("dst-4", 1762144200000),     // 11-03 04:30Z = 11-02 23:30 EST
                    event("dst-5", 1762147800000)})    // 11-03 05:30Z = 11-03 00:30 EST
                .status,
            200);
  ASSERT_TRUE(WaitForCount(5));
  const std::string range = R"("from":1762000000000,"to":1762200000000,"tz":"America/New_York","metrics":["count"])";
  auto table = [&](const std::string& bucket) {
    HttpResult answer = client_->Post("/api/v1/query", "{" + range + R"(,"bucket":")" + bucket + R"("})");
    EXPECT_EQ(answer.status, 200) << answer.Describe();
    EXPECT_NE(answer.body.find(R"("tz":"America/New_York")"), std::string::npos) << answer.body;
    std::string error;
    std::optional<QueryTable> parsed = ParseQueryTable(answer.body, &error);
    EXPECT_TRUE(parsed) << error;
    return parsed.value_or(QueryTable{});
  };
  const QueryTable days = table("1d");
  ASSERT_EQ(days.rows.size(), 2u);
  EXPECT_EQ(days.Cell(0, "t"), "1762056000000");  // 11-02 00:00 EDT
  EXPECT_EQ(days.Cell(0, "count"), "4");
  EXPECT_EQ(days.Cell(1, "t"), "1762146000000");  // 11-03 00:00 EST
  EXPECT_EQ(days.Cell(1, "count"), "1");
  const QueryTable hours = table("1h");
  ASSERT_EQ(hours.rows.size(), 5u);
  EXPECT_EQ(hours.Cell(1, "t"), "1762059600000");  // 01:00 EDT
  EXPECT_EQ(hours.Cell(2, "t"), "1762063200000");  // 01:00 EST
}

// days:ts and per-key ts bounds (the User Activity dashboard's two parts) compiled to SQL,
// worked out by hand. ann: 2000-01-01 10:00Z, 01-01 20:00Z, 01-03 01:00Z; bob: 01-02 23:30Z.
// In Asia/Kathmandu (UTC+05:45) ann's second event is on 01-02 (01:45) and bob's on 01-03.
TEST_F(ClickHouseBackendTest, DaysAndPerKeyBoundsAnswerAsWorkedOutByHand) {
  StartMltrack();
  auto event = [](const std::string& id, const std::string& user, int64_t ts) {
    return R"({"id":")" + id + R"(","ts":)" + std::to_string(ts) + R"(,"model":"m","user":")" + user + R"("})";
  };
  ASSERT_EQ(Ingest({event("a1", "ann", 946720800000), event("a2", "ann", 946756800000),
                    event("a3", "ann", 946861200000), event("b1", "bob", 946855800000)})
                .status,
            200);
  ASSERT_TRUE(WaitForCount(4));
  auto table = [&](const std::string& members) {
    HttpResult answer =
        client_->Post("/api/v1/query", R"({"from":946684800000,"to":947000000000,)" + members + "}");
    EXPECT_EQ(answer.status, 200) << members << " " << answer.Describe();
    return answer.body;
  };
  const std::string by_user = R"("group_by":["user"],"metrics":["count","days:ts"],"order_by":[{"field":"user"}])";
  EXPECT_NE(table(by_user).find(R"("rows":[["ann",3,[946684800000,946857600000]],["bob",1,[946771200000]]])"),
            std::string::npos)
      << table(by_user);
  const std::string local = table(R"("tz":"Asia/Kathmandu",)" + by_user);
  EXPECT_NE(local.find(R"("rows":[["ann",3,[946664100000,946750500000,946836900000]],["bob",1,[946836900000]]])"),
            std::string::npos)
      << local;
  // ann's events from 01-01 12:00Z on; bob has no bound, so none of his pass.
  const std::string after = table(
      R"("filters":[{"field":"ts","op":"gte","by":"user","bounds":{"ann":946728000000}}],"metrics":["count"])");
  EXPECT_NE(after.find(R"("rows":[[2]])"), std::string::npos) << after;
  const std::string before = table(
      R"("filters":[{"field":"ts","op":"lt","by":"user","bounds":{"bob":946857600000,"ann":946684800000}}],"metrics":["count"])");
  EXPECT_NE(before.find(R"("rows":[[1]])"), std::string::npos) << before;
  HttpResult users = client_->Get("/api/analytics/users?from=946684800000&to=947000000000");
  EXPECT_EQ(users.status, 200) << users.Describe();
}

// --query-memory is ClickHouse's max_memory_usage: passing it is the embedded store's 400
// query_too_large naming the flag (18.16 counts every allocation: p50 over 5,000 values needs
// far more than 16 KiB), and the server goes on answering what fits.
TEST_F(ClickHouseBackendTest, TheMemoryLimitIsTheEmbeddedStoresQueryTooLarge) {
  StartMltrack({"--query-memory", "16KiB"});
  std::vector<std::string> events;
  for (int idx = 0; idx < 5000; ++idx) {
    events.push_back(R"({"id":"m)" + std::to_string(idx) + R"(","ts":)" + std::to_string(946720800000 + idx) +
                     R"(,"model":"m","latency_ms":)" + std::to_string(idx) + "}");
  }
  ASSERT_EQ(Ingest(events).status, 200);
  HttpResult big = client_->Post(
      "/api/v1/query", R"({"from":946684800000,"to":947000000000,"metrics":["p50:latency_ms","days:ts"]})");
  EXPECT_EQ(big.status, 400) << big.Describe();
  EXPECT_NE(big.body.find(R"("code":"query_too_large")"), std::string::npos) << big.body;
  EXPECT_NE(big.body.find("memory limit of 16 KiB per query (--query-memory)"), std::string::npos) << big.body;
  HttpResult dashboard = client_->Get("/api/analytics/overview?from=946684800000&to=947000000000");
  EXPECT_EQ(dashboard.status, 400) << dashboard.Describe();
  EXPECT_NE(dashboard.body.find("query_too_large"), std::string::npos) << dashboard.body;
}

// --query-timeout is ClickHouse's max_execution_time: a statement past it is the embedded
// store's kDeadlineExceeded with the same message (a real 18.16 timeout: counting 10^11 rows).
TEST_F(ClickHouseBackendTest, ClickHouseTimeoutsAreTheEmbeddedStoresTimeout) {
  backend::clickhouse::ConnectionOptions connection;
  connection.host = "127.0.0.1";
  connection.port = clickhouse_->http_port();
  connection.database = "default";
  backend::clickhouse::HttpClient client(connection);
  const query::QueryLimits limits = query::QueryLimits::FromNow(1'000, 0);
  Result<backend::clickhouse::CallOptions> call = backend::clickhouse::StatementOptions(limits, 100);
  ASSERT_TRUE(call.ok());
  const auto started = std::chrono::steady_clock::now();
  Result<std::string> answer = client.Execute(
      "SELECT count() FROM numbers(100000000000) WHERE NOT ignore(sipHash64(number))", {}, true, *call);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  ASSERT_FALSE(answer.ok());
  const Status status = backend::clickhouse::LimitStatus(limits, answer.status());
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << answer.status().ToString();
  EXPECT_EQ(status.message(), "the query ran past the time limit of 1 s (--query-timeout) and was stopped; narrow "
                              "its time range, filters or group_by");
}

// Queries read without FINAL on a single server: a copy that a racing node inserted (it looked
// for the key before this node's INSERT) counts until the writer that sees it collapses it.
TEST_F(ClickHouseBackendTest, ARacingCopyIsCollapsedSoReadsNeedNoFinal) {
  StartMltrack();
  ASSERT_EQ(Ingest({EventJson("a"), EventJson("b")}).status, 200);
  ASSERT_EQ(Count(), 2);
  // The other node's copy of "a" (the same row: same ts and key), as a racing INSERT leaves it.
  bool ok = false;
  clickhouse_->Execute("INSERT INTO mltrack_it.events SELECT * FROM mltrack_it.events WHERE key = 'a'", &ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(Count(), 3);  // read without FINAL: the copy shows
  backend::clickhouse::ConnectionOptions connection;
  connection.host = "127.0.0.1";
  connection.port = clickhouse_->http_port();
  connection.database = "mltrack_it";
  backend::clickhouse::HttpClient client(connection);
  const backend::clickhouse::TableNames tables = backend::clickhouse::TablesFor(connection);
  ASSERT_FALSE(tables.read_final);
  Event event;
  event.id = "b";
  event.ts_ms = std::stoll("0" + clickhouse_->Execute("SELECT ts FROM mltrack_it.events WHERE key = 'b'"));
  ASSERT_GT(event.ts_ms, 0);
  // A writer whose keys have no copy changes nothing.
  ASSERT_TRUE(backend::clickhouse::CollapseRacingCopies(client, tables, {event}, {"b"}).ok());
  EXPECT_EQ(Count(), 3);
  event.id = "a";
  event.ts_ms = std::stoll("0" + clickhouse_->Execute("SELECT any(ts) FROM mltrack_it.events WHERE key = 'a'"));
  ASSERT_TRUE(backend::clickhouse::CollapseRacingCopies(client, tables, {event}, {"a"}).ok());
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(clickhouse_->Execute("SELECT count() FROM mltrack_it.events WHERE key = 'a'"), "1\n");
  // With a cluster the copies are collapsed at read time instead.
  connection.cluster = "mltrack_pair";
  EXPECT_TRUE(backend::clickhouse::TablesFor(connection).read_final);
}

// --query-timeout through the binary: a query ClickHouse cannot finish within it is stopped by
// ClickHouse (max_execution_time) and answered 503 query_timeout with the embedded message.
// Four million rows written straight into the table, grouped by a key that differs on every row,
// with a sorted array and a variance per group and field: seconds of work even on an idle
// machine, against a 1 s limit. ClickHouse 18.16 checks the limit while it reads blocks, not while
// it merges and finalises the groups, so the reading alone must outlast it (with one million rows
// an idle machine read them in under 1 s and answered 200 after 1.6 s).
TEST_F(ClickHouseBackendTest, AQueryPastTheTimeoutIs503ThroughTheBinary) {
  StartMltrack({"--query-timeout", "1s"});
  bool ok = false;
  clickhouse_->Execute("INSERT INTO mltrack_it.events (key, ts, trace_id, latency_ms, ttft_ms) SELECT "
                       "toString(number), 1767225600000 + number, toString(number), toFloat64(number % 977), "
                       "toFloat64(number % 331) FROM numbers(4000000)",
                       &ok);
  ASSERT_TRUE(ok);
  const auto started = std::chrono::steady_clock::now();
  HttpResult result = client_->Post(
      "/api/v1/query", std::string("{") + kQueryRange +
                           R"(,"group_by":["trace_id"],"metrics":["p50:latency_ms","p99:ttft_ms","var:latency_ms",)"
                           R"("stddev:ttft_ms","uniq:user","days:ts"],"limit":10})");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.status, 503) << result.Describe();
  EXPECT_NE(result.body.find("\"query_timeout\""), std::string::npos) << result.body;
  EXPECT_NE(result.body.find("the query ran past the time limit of 1 s (--query-timeout) and was stopped; narrow "
                             "its time range, filters or group_by"),
            std::string::npos)
      << result.body;
  // Stopped near the limit (ClickHouse checks between blocks; the client's backstop is 2 s past it).
  EXPECT_LT(elapsed, std::chrono::seconds(8));
  // The server still answers within the limit afterwards.
  EXPECT_EQ(client_->Post("/api/v1/query", std::string("{") + kQueryRange + R"(,"metrics":["count"]})").status, 200);
}

TEST_F(ClickHouseBackendTest, ABadStoreUrlIsRefusedAtStart) {
  TempDir data;
  ServerProcess server(data.path(), data.path() / "log", {"--store", "clickhouse://127.0.0.1:1/bad-name"});
  EXPECT_FALSE(server.Start());
  EXPECT_NE(server.LogTail().find("--store: the database name"), std::string::npos) << server.LogTail();
}

}  // namespace
}  // namespace mltrack::integration
