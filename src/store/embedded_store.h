#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/event_store.h"
#include "store/id_index.h"
#include "store/memtable.h"
#include "store/wal_format.h"
#include "store/wal_writer.h"

namespace mltrack::store {

struct StoreOptions {
  // The data directory; the WAL lives in <dir>/wal/. Created when missing.
  std::filesystem::path dir;
  // WAL files are rotated at about this size (see WalWriterOptions::file_bytes).
  uint64_t wal_file_bytes = wal::kDefaultFileBytes;
  // A group commit takes queued batches until it holds this many events (at least one batch).
  // Bounds the leader's write buffer and the wait of the batches behind it.
  size_t max_group_events = 256 * 1024;
  // Test hook passed to the WAL writer (WalWriterOptions::fault_hook): simulates a full disk.
  std::function<int(size_t bytes)> wal_fault_hook;
};

// The embedded event store (DESIGN.md §8): a write-ahead log for durability, a columnar
// memtable for queries and an id index for idempotency. One process per data directory: Open
// takes an exclusive lock on <dir>/LOCK.
//
// Thread-safety: every public method may be called from any thread at any time.
// Append uses group commit: concurrent callers queue; the caller at the head of the queue (the
// leader) deduplicates, writes one WAL record per batch, fdatasyncs once for the whole group,
// applies the batches to the memtable and id index in queue order, and then wakes the others.
// Only the leader touches the WAL writer, the memtable's append side and the id index.
class EmbeddedStore final : public EventStore {
 public:
  // Opens (or creates) the store in options.dir and replays every WAL file, oldest first, into
  // the memtable and id index. A torn tail of the newest file (a crash during an unacknowledged
  // append) is cut off silently. Mid-log corruption is not an error here: the records before it
  // are kept, a StoreProblem {file, offset, what} is recorded (Stats().problems), the damaged
  // file is left untouched on disk for inspection, replay continues with the next file, and
  // new records go to a fresh file. Errors: kIOError/kNoSpace when the directory or a file
  // cannot be created, listed, read or truncated; kUnavailable when another process holds the
  // directory's lock.
  static Result<std::unique_ptr<EmbeddedStore>> Open(StoreOptions options);

  ~EmbeddedStore() override;  // Close()s
  EmbeddedStore(const EmbeddedStore&) = delete;
  EmbeddedStore& operator=(const EmbeddedStore&) = delete;

  // See EventStore::Append. Events whose non-empty id was stored before, or appears earlier in
  // the same batch or in an earlier batch of the same group commit, are dropped before the
  // write and counted as duplicates. A batch left with no events writes nothing. When the WAL
  // write or sync fails (kNoSpace, kIOError), every batch of that group fails with that status
  // and nothing of them is visible now or after a restart. kInvalidArgument when one batch
  // encodes to more than wal::kMaxPayloadBytes (only that batch fails). kUnavailable after
  // Close().
  Result<AppendResult> Append(EventBatch batch) override;

  std::shared_ptr<const TableSnapshot> Snapshot() const override;

  // rows and memory_bytes (memtable + id index) as of the last completed commit; disk_bytes and
  // wal_files count the WAL directory's files; problems found at Open and WAL write failures
  // other than a full disk.
  StoreStats Stats() const override;

  // Lets queued appends finish, syncs and closes the WAL; later Appends return kUnavailable.
  // Idempotent; blocks while a group commit is in flight.
  void Close() override;

 private:
  struct PendingAppend;

  explicit EmbeddedStore(StoreOptions options);

  Status LockDirectory();
  Status Recover();
  void ApplyRecovered(EventBatch batch);
  void CommitGroup(const std::vector<PendingAppend*>& group);
  void PublishStats();
  void AddProblem(StoreProblem problem);

  const StoreOptions options_;
  const std::filesystem::path wal_dir_;
  int lock_fd_ = -1;

  // Leader-only state (and Open/Recover before any caller exists).
  Memtable memtable_;
  IdIndex ids_;
  std::unique_ptr<WalWriter> writer_;
  uint64_t base_wal_files_ = 0;  // WAL files not opened by writer_
  uint64_t base_wal_bytes_ = 0;

  // The queue of appends; the front one is the leader while its group commits.
  std::mutex mu_;
  std::deque<PendingAppend*> queue_;
  std::condition_variable drained_;  // signalled when queue_ becomes empty
  bool closing_ = false;
  bool closed_ = false;

  // Published by the leader for Stats().
  std::atomic<size_t> id_index_bytes_{0};
  std::atomic<size_t> wal_bytes_{0};
  std::atomic<size_t> wal_files_{0};

  mutable std::mutex problems_mu_;
  std::vector<StoreProblem> problems_;
};

}  // namespace mltrack::store
