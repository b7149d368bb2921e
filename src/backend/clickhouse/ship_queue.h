#pragma once
// The local on-disk queue of batches acknowledged while ClickHouse could not take them
// (docs/deploy/clickhouse.md, "Durability"). It is the embedded store's write-ahead log
// (store/wal_writer.h, docs/wal_format.md), one record per batch, so a queued batch survives a
// crash or kill -9 exactly as a WAL record does; the payload is
//   varint batch-id length · batch id · store/event_codec.h batch.
// The batch id travels with the events so that shipping a batch twice (a retry after an insert
// whose answer was lost) stores every event once: their keys are the same both times.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "core/event.h"
#include "core/status.h"
#include "store/wal_writer.h"

namespace mltrack::backend::clickhouse {

struct QueuedBatch {
  std::string batch_id;
  EventBatch events;
};

// Thread-safe. Batches come out in the order they went in.
class ShipQueue {
 public:
  // Opens (creating) `dir` and reads every batch queued there by an earlier run. kCorruption
  // when a complete record is damaged (the message names file and offset); a torn tail of the
  // newest file (a crash during an unacknowledged append) is cut off.
  static Result<std::unique_ptr<ShipQueue>> Open(const std::filesystem::path& dir, uint64_t max_bytes);
  ~ShipQueue();

  // Durably queues the batch (fdatasync) unless that would take the queue past max_bytes
  // (kUnavailable saying so: nothing is queued) or the disk fails (kNoSpace / kIOError).
  Status Push(const std::string& batch_id, const EventBatch& events);
  // The oldest queued batch, or nullopt when the queue is empty.
  std::optional<QueuedBatch> Front();
  // Drops the oldest batch (it is stored in ClickHouse now). When that empties the queue, the
  // log moves to a fresh file and the older files are deleted.
  Status PopFront();

  bool empty();
  size_t batches();
  uint64_t bytes();
  uint64_t files();
  const std::filesystem::path& dir() const { return dir_; }

 private:
  ShipQueue(std::filesystem::path dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

  std::filesystem::path dir_;
  uint64_t max_bytes_;
  std::mutex mutex_;
  std::unique_ptr<store::WalWriter> writer_;
  std::deque<std::string> payloads_;  // encoded, oldest first
  uint64_t bytes_ = 0;
};

}  // namespace mltrack::backend::clickhouse
