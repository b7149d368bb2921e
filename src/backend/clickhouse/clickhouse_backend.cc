#include "backend/clickhouse/clickhouse_backend.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <unordered_set>

#include "backend/clickhouse/change_watch.h"
#include "backend/clickhouse/concurrent_calls.h"
#include "backend/clickhouse/event_search_sql.h"
#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/schema.h"
#include "backend/clickhouse/sql_compiler.h"
#include "backend/clickhouse/sql_literal.h"
#include "backend/clickhouse/statement_limits.h"
#include "core/time.h"
#include "query/time_bucket.h"

namespace mltrack::backend::clickhouse {
namespace {

constexpr int64_t kFieldsCacheMs = 1000;
constexpr std::chrono::milliseconds kMaxRetryInterval{2000};

std::string RandomNodeName() {
  std::random_device device;
  std::mt19937_64 random((static_cast<uint64_t>(device()) << 32) ^ device() ^
                         static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  char name[17];
  std::snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(random()));
  return name;
}

// Events whose id repeats an earlier one of the same batch (those a queued batch will skip).
size_t RepeatedIds(const EventBatch& batch) {
  std::unordered_set<std::string_view> seen;
  size_t repeated = 0;
  for (const Event& event : batch) {
    if (!event.id.empty() && !seen.insert(event.id).second) ++repeated;
  }
  return repeated;
}

Result<uint64_t> Number(HttpClient& client, const std::string& sql) {
  Result<std::string> answer = client.Execute(sql + " FORMAT RowBinary");
  if (!answer.ok()) return answer.status();
  RowBinaryReader reader(*answer);
  const auto value = reader.Fixed<uint64_t>();
  if (!reader.ok()) return reader.status();
  return value;
}

}  // namespace

ClickHouseBackend::ClickHouseBackend(BackendOptions options)
    : options_(std::move(options)),
      client_(options_.connection),
      tables_(TablesFor(options_.connection)),
      node_(RandomNodeName()),
      listeners_(std::make_shared<const std::vector<AppendListener>>()) {}

Result<std::unique_ptr<ClickHouseBackend>> ClickHouseBackend::Open(BackendOptions options) {
  std::unique_ptr<ClickHouseBackend> backend(new ClickHouseBackend(std::move(options)));
  Result<std::unique_ptr<ShipQueue>> queue =
      ShipQueue::Open(backend->options_.queue_dir, backend->options_.queue_max_bytes);
  if (!queue.ok()) return queue.status();
  backend->queue_ = std::move(*queue);
  Result<int> version = Migrate(backend->client_);
  if (version.ok()) {
    backend->schema_ready_ = true;
  } else if (version.status().code() == StatusCode::kUnavailable) {
    spdlog::warn("clickhouse: {}; starting anyway: appends are queued, reads answer 503 until it answers",
                 version.status().message());
  } else {
    return version.status();
  }
  if (!backend->queue_->empty()) {
    spdlog::info("clickhouse: {} queued batches ({} bytes) from an earlier run wait to be shipped",
                 backend->queue_->batches(), backend->queue_->bytes());
  }
  backend->shipper_ = std::thread([raw = backend.get()] { raw->ShipLoop(); });
  return backend;
}

ClickHouseBackend::~ClickHouseBackend() { Close(); }

std::string ClickHouseBackend::NextBatchId(uint64_t* seq) {
  *seq = next_seq_++;
  return node_ + "-" + std::to_string(*seq);
}

bool ClickHouseBackend::EnsureSchema() {
  if (schema_ready_) return true;
  Result<int> version = Migrate(client_);
  if (!version.ok()) return false;
  spdlog::info("clickhouse: schema version {} in place at {}", *version, options_.connection.Describe());
  schema_ready_ = true;
  return true;
}

Result<AppendResult> ClickHouseBackend::Append(EventBatch batch) {
  std::lock_guard lock(append_mutex_);
  if (closing_) return Status::Unavailable("the server is shutting down");
  uint64_t seq = 0;
  const std::string batch_id = NextBatchId(&seq);
  if (queue_->empty() && schema_ready_) {
    Result<AppendResult> written = WriteBatch(client_, tables_, field_names_, node_, seq, batch_id, batch);
    if (written.ok()) {
      Notify(batch, *written);
      return written;
    }
    if (written.status().code() != StatusCode::kUnavailable) return written.status();
    spdlog::warn("clickhouse: {}; queueing appends on this node", written.status().message());
  }
  Status pushed = queue_->Push(batch_id, batch);
  if (!pushed.ok()) return pushed;
  {
    std::lock_guard ship_lock(ship_mutex_);
  }
  ship_wake_.notify_all();
  const size_t repeated = RepeatedIds(batch);
  return AppendResult{batch.size() - repeated, repeated};
}

void ClickHouseBackend::ShipLoop() {
  std::chrono::milliseconds wait = options_.retry_interval;
  bool failing = false;
  std::unique_lock lock(ship_mutex_);
  while (!closing_) {
    lock.unlock();
    bool progressed = false;
    if (EnsureSchema()) {
      if (std::optional<QueuedBatch> batch = queue_->Front()) {
        const uint64_t seq = next_seq_++;
        Result<AppendResult> written = WriteBatch(client_, tables_, field_names_, node_, seq, batch->batch_id, batch->events);
        if (written.ok()) {
          Status popped = queue_->PopFront();
          if (!popped.ok()) spdlog::error("clickhouse: dropping a shipped batch from the queue: {}", popped.ToString());
          Notify(batch->events, *written);
          progressed = true;
          if (failing) spdlog::info("clickhouse: reachable again; shipping the queued batches");
          failing = false;
        } else {
          if (!failing) spdlog::warn("clickhouse: shipping queued batches: {}", written.status().message());
          failing = true;
        }
      }
    }
    lock.lock();
    if (progressed) {
      wait = options_.retry_interval;
      continue;
    }
    const bool idle = queue_->empty() && schema_ready_;
    ship_wake_.wait_for(lock, idle ? std::chrono::milliseconds(1000) : wait);
    if (!idle) wait = std::min(wait * 2, kMaxRetryInterval);
  }
}

void ClickHouseBackend::Notify(const EventBatch& batch, const AppendResult& result) {
  std::shared_ptr<const std::vector<AppendListener>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners = listeners_;
  }
  for (const AppendListener& listener : *listeners) listener(batch, result);
}

query::QueryRunner ClickHouseBackend::Reader() {
  // The deadline counts from now: one request's queries share it.
  const query::QueryLimits limits = query::QueryLimits::FromNow(options_.query_timeout_ms, options_.query_memory_bytes);
  auto one = [this, limits](const query::QuerySpec& spec) -> Result<query::QueryResult> {
    auto unavailable = [this](const Status& cause) {
      const size_t queued = queue_->batches();
      return Status::Unavailable(cause.message() + "; queries fail until ClickHouse answers again" +
                                 (queued ? " (" + std::to_string(queued) +
                                               " batches acknowledged meanwhile wait in this node's queue)"
                                         : ""));
    };
    if (!EnsureSchema()) {
      return unavailable(Status::Unavailable("ClickHouse at " + options_.connection.Describe() +
                                             " has not answered since this server started"));
    }
    Result<std::optional<LocalBuckets>> local = LocalBucketsFor(spec);  // "tz" buckets
    if (!local.ok()) return local.status();
    Result<std::optional<LocalBuckets>> local_days = LocalDaysFor(spec);  // "tz" days of days:ts
    if (!local_days.ok()) return local_days.status();
    const auto started = std::chrono::steady_clock::now();
    CompileOptions compile{tables_.events, tables_.read_final, {}, {}};
    if (*local) compile.clock_spans = (*local)->spans;
    if (*local_days) compile.day_spans = (*local_days)->spans;
    const CompiledQuery compiled = CompileQuery(spec, compile);
    // One statement, under the request's limits; the sketch statements of large groups' percentiles too.
    auto execute = [&](const std::string& sql) -> Result<std::string> {
      Result<CallOptions> call = StatementOptions(limits, sql.size());
      if (!call.ok()) return call.status();
      // Dashboards read the same recent granules again and again: keep them decompressed
      // (ClickHouse skips its cache for reads past merge_tree_max_rows_to_use_cache, 1M rows).
      call->settings.emplace_back("use_uncompressed_cache", "1");
      Result<std::string> rows = client_.Execute(sql, {}, /*database=*/true, *call);
      if (rows.ok()) return rows;
      if (rows.status().code() == StatusCode::kUnavailable) return unavailable(rows.status());
      return LimitStatus(limits, rows.status());
    };
    Result<std::string> rows = execute(compiled.sql);
    if (!rows.ok()) return rows.status();
    const LocalClocks clocks{*local ? &(*local)->bucketer : nullptr, *local_days ? &(*local_days)->bucketer : nullptr};
    Result<query::QueryResult> result =
        ReadQueryResult(spec, compiled, *rows, clocks, execute, options_.statement_concurrency);
    if (!result.ok()) return result.status();
    if (!query::IsUtcName(spec.tz)) result->tz = spec.tz;  // echoed, as the embedded executor does
    result->elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
  };
  // A batch (a dashboard's RunAhead) sends its statements at the same time, each answered as `one`.
  auto batch = [one, parallel = options_.statement_concurrency](std::span<const query::QuerySpec> specs) {
    std::vector<Result<query::QueryResult>> results(specs.size(), Result<query::QueryResult>(Status::Internal("not run")));
    RunConcurrently(specs.size(), parallel, [&](size_t index) { results[index] = one(specs[index]); });
    return results;
  };
  return query::QueryRunner(std::move(one), std::move(batch));
}

Result<query::EventPage> ClickHouseBackend::SearchEvents(const query::EventSearch& search) {
  if (!EnsureSchema()) {
    return Status::Unavailable("ClickHouse at " + options_.connection.Describe() +
                               " has not answered since this server started; searches fail until it does");
  }
  return RunSearch(client_, tables_.events + (tables_.read_final ? " FINAL" : ""), search);
}

FieldCatalog ClickHouseBackend::Fields() {
  std::lock_guard lock(fields_mutex_);
  const int64_t now = NowMs();
  if (fields_cached_ms_ >= 0 && now - fields_cached_ms_ < kFieldsCacheMs) return fields_cache_;
  FieldCatalog catalog;
  if (!schema_ready_) return catalog;
  Result<std::vector<std::string>> tags = ReadFieldNames(client_, tables_.field_names, FieldNameKind::kTagKey);
  Result<std::vector<std::string>> scores = ReadFieldNames(client_, tables_.field_names, FieldNameKind::kScoreName);
  Result<uint64_t> demo = Number(client_, "SELECT toUInt64(count()) FROM (SELECT 1 FROM " + tables_.events +
                                              " WHERE startsWith(`experiment`, 'demo-') LIMIT 1)");
  if (!tags.ok() || !scores.ok() || !demo.ok()) return fields_cache_;  // the last good answer
  catalog.tag_keys = std::move(*tags);
  catalog.score_names = std::move(*scores);
  catalog.demo = *demo > 0;
  fields_cache_ = catalog;
  fields_cached_ms_ = now;
  return catalog;
}

Stats ClickHouseBackend::GetStats() {
  Stats stats;
  const std::string where = "ClickHouse " + options_.connection.Describe();
  Result<uint64_t> rows = schema_ready_ ? Number(client_, "SELECT toUInt64(count()) FROM " + tables_.events)
                                        : Result<uint64_t>(Status::Unavailable("the schema is not in place yet"));
  if (rows.ok()) {
    rows_seen_ = *rows;
    Result<uint64_t> bytes =
        Number(client_, "SELECT toUInt64(sum(`bytes`)) FROM system.parts WHERE `active` AND `database` = " +
                            SqlString(options_.connection.database));
    if (bytes.ok()) stats.disk_bytes = *bytes;
  } else {
    stats.problems.push_back(Problem{where, 0, rows.status().message()});
  }
  stats.rows = rows_seen_;
  stats.disk_bytes += queue_->bytes();
  stats.wal_files = queue_->files();
  if (const size_t queued = queue_->batches()) {
    stats.problems.push_back(Problem{queue_->dir().string(), queue_->bytes(),
                                     std::to_string(queued) + " acknowledged batches wait to be shipped to " + where});
  }
  return stats;
}

void ClickHouseBackend::AddAppendListener(AppendListener listener) {
  std::lock_guard lock(listeners_mutex_);
  auto next = std::make_shared<std::vector<AppendListener>>(*listeners_);
  next->push_back(std::move(listener));
  listeners_ = std::move(next);
  if (!watch_) {
    watch_ = std::make_unique<ChangeWatch>(
        client_, tables_, node_, [this](const EventBatch& batch, const AppendResult& result) { Notify(batch, result); },
        options_.watch_interval);
  }
}

void ClickHouseBackend::Close() {
  {
    std::lock_guard append_lock(append_mutex_);
    std::lock_guard lock(ship_mutex_);
    if (closing_) return;
    closing_ = true;
  }
  ship_wake_.notify_all();
  if (shipper_.joinable()) shipper_.join();
  std::unique_ptr<ChangeWatch> watch;
  {
    std::lock_guard lock(listeners_mutex_);
    watch = std::move(watch_);
  }
  watch.reset();
}

}  // namespace mltrack::backend::clickhouse
