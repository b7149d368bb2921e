#include "backend/clickhouse/change_watch.h"

#include <spdlog/spdlog.h>

#include "backend/clickhouse/event_rows.h"
#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_literal.h"
#include "core/time.h"

namespace mltrack::backend::clickhouse {

ChangeWatch::ChangeWatch(HttpClient& client, TableNames tables, std::string node, Deliver deliver,
                         std::chrono::milliseconds interval)
    : client_(client),
      tables_(std::move(tables)),
      node_(std::move(node)),
      deliver_(std::move(deliver)),
      interval_(interval),
      start_ms_(NowMs()),
      since_ms_(start_ms_),
      thread_([this] { Loop(); }) {}

ChangeWatch::~ChangeWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ChangeWatch::Loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    PollOnce();
    lock.lock();
  }
}

void ChangeWatch::PollOnce() {
  const int64_t from = since_ms_ - kLookBackMs;
  Result<std::string> appends = client_.Execute(
      "SELECT `batch`, `min_ts`, `max_ts`, toInt64(`at_ms`), toInt64(`rows`) FROM " + tables_.appends +
      " WHERE `at_ms` >= " + SqlInt(std::max(from, start_ms_)) + " AND `node` != " + SqlString(node_) +
      " ORDER BY `at_ms` FORMAT RowBinary");
  if (!appends.ok()) return;  // an outage: the next poll asks again
  RowBinaryReader reader(*appends);
  while (!reader.AtEnd() && reader.ok()) {
    const std::string batch(reader.String());
    const auto min_ts = reader.Fixed<int64_t>();
    const auto max_ts = reader.Fixed<int64_t>();
    const auto at_ms = reader.Fixed<int64_t>();
    const auto rows = reader.Fixed<int64_t>();
    if (!reader.ok() || seen_.count({at_ms, batch})) continue;
    Result<std::string> data = client_.Execute(
        "SELECT " + std::string(EventColumnList()) + " FROM " + tables_.events + " WHERE `ts` >= " +
        SqlInt(min_ts) + " AND `ts` <= " + SqlInt(max_ts) + " AND `batch` = " + SqlString(batch) +
        " FORMAT RowBinary");
    if (!data.ok()) return;  // not marked seen: asked again next time
    Result<EventBatch> events = DecodeEventRows(*data);
    if (!events.ok()) {
      spdlog::warn("clickhouse: the events of batch {} do not decode: {}", batch, events.status().ToString());
    } else {
      deliver_(*events, AppendResult{static_cast<size_t>(rows), 0});
    }
    seen_.emplace(at_ms, batch);
    since_ms_ = std::max(since_ms_, at_ms);
  }
  // Forget batches older than the look-back window: they are never asked for again.
  const int64_t horizon = since_ms_ - kLookBackMs;
  while (!seen_.empty() && seen_.begin()->first < horizon) seen_.erase(seen_.begin());
}

}  // namespace mltrack::backend::clickhouse
