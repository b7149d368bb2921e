#pragma once
// The ClickHouse backend (DESIGN.md §2, §8; docs/deploy/clickhouse.md): the events live in a
// ClickHouse server (or a cluster behind a Distributed table) reached over its HTTP interface.
//
// Append: when nothing is queued, the batch is written to ClickHouse (batch_writer.h) and
// acknowledged once ClickHouse answered. When ClickHouse cannot be reached (or batches are
// already waiting, so order is kept), the batch goes to the local on-disk queue
// (ship_queue.h, fdatasync'd) and is acknowledged; a shipping thread stores it later, retrying
// until ClickHouse is back, and only then tells the append listeners. The queue is bounded:
// once full, appends fail with kUnavailable (503) and nothing is acknowledged that is not kept.
// Reads during an outage fail with kUnavailable (503) naming the server.
//
// Thread-safe, as Backend requires. Appends of one node are serialized (one batch at a time).

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "backend/clickhouse/batch_writer.h"
#include "backend/clickhouse/connection.h"
#include "backend/clickhouse/http_client.h"
#include "backend/clickhouse/ship_queue.h"

namespace mltrack::backend::clickhouse {

class ChangeWatch;

struct BackendOptions {
  ConnectionOptions connection;
  std::filesystem::path queue_dir;        // the local queue (under the data directory)
  uint64_t queue_max_bytes = 1ull << 30;  // bound of the local queue
  std::chrono::milliseconds watch_interval{250};
  // How long a shipping attempt waits after a failure before the next (doubling up to 2 s).
  std::chrono::milliseconds retry_interval{100};
  // --query-timeout (over all queries of one Reader(), as the embedded backend) and
  // --query-memory (per query) → max_execution_time and max_memory_usage (statement_limits.h).
  // 0: none.
  int64_t query_timeout_ms = 0;
  size_t query_memory_bytes = 0;
  // How many statements of one request are sent at the same time, each on its own connection:
  // a RunBatch's queries, and one query's sketch SELECTs (concurrent_calls.h). 1: one by one.
  size_t statement_concurrency = 4;
};

class ClickHouseBackend final : public Backend {
 public:
  // Opens the queue and applies the schema migrations. A ClickHouse that cannot be reached is
  // not an error here: the server starts, queues appends, answers reads with 503, and migrates
  // as soon as ClickHouse answers. Errors: the queue directory (kIOError, kCorruption), or
  // ClickHouse refusing a migration (kInternal).
  static Result<std::unique_ptr<ClickHouseBackend>> Open(BackendOptions options);
  ~ClickHouseBackend() override;
  ClickHouseBackend(const ClickHouseBackend&) = delete;
  ClickHouseBackend& operator=(const ClickHouseBackend&) = delete;

  Result<AppendResult> Append(EventBatch batch) override;
  query::QueryRunner Reader() override;
  Result<query::EventPage> SearchEvents(const query::EventSearch& search) override;
  FieldCatalog Fields() override;
  Stats GetStats() override;
  void AddAppendListener(AppendListener listener) override;
  void Close() override;

  // The unique name of this node (process) in `appends`.
  const std::string& node() const { return node_; }

 private:
  explicit ClickHouseBackend(BackendOptions options);
  void ShipLoop();
  bool EnsureSchema();
  void Notify(const EventBatch& batch, const AppendResult& result);
  std::string NextBatchId(uint64_t* seq);

  BackendOptions options_;
  HttpClient client_;
  TableNames tables_;
  FieldNameLog field_names_;  // what this node wrote to field_names
  std::string node_;
  std::unique_ptr<ShipQueue> queue_;
  std::atomic<bool> schema_ready_{false};
  std::atomic<uint64_t> next_seq_{1};
  std::atomic<size_t> rows_seen_{0};  // the last row count ClickHouse gave (for Stats in an outage)

  std::mutex append_mutex_;  // one batch at a time, in order with the queue
  std::mutex ship_mutex_;
  std::condition_variable ship_wake_;
  bool closing_ = false;
  std::thread shipper_;

  std::mutex listeners_mutex_;
  std::shared_ptr<const std::vector<AppendListener>> listeners_;
  std::unique_ptr<ChangeWatch> watch_;  // started with the first listener

  std::mutex fields_mutex_;
  FieldCatalog fields_cache_;
  int64_t fields_cached_ms_ = -1;
};

}  // namespace mltrack::backend::clickhouse
