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
#include <optional>
#include <thread>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/dictionary_log.h"
#include "store/dictionary_set.h"
#include "store/event_store.h"
#include "store/id_index.h"
#include "store/manifest.h"
#include "store/memtable.h"
#include "store/sealed_id_filter.h"
#include "store/segment.h"
#include "store/wal_format.h"
#include "store/wal_writer.h"

namespace mltrack::store {

struct StoreOptions {
  // The data directory: the WAL in <dir>/wal/, segments and their MANIFEST in
  // <dir>/segments/, the dictionary log in <dir>/dict/, damaged files in <dir>/quarantine/.
  // Created when missing.
  std::filesystem::path dir;
  // WAL files are rotated at about this size (see WalWriterOptions::file_bytes).
  uint64_t wal_file_bytes = wal::kDefaultFileBytes;
  // A group commit takes queued batches until it holds this many events (at least one batch).
  // Bounds the leader's write buffer and the wait of the batches behind it.
  size_t max_group_events = 256 * 1024;
  // Test hook passed to the WAL writer (WalWriterOptions::fault_hook): simulates a full disk.
  std::function<int(size_t bytes)> wal_fault_hook;

  // The memtable is frozen and sealed into a segment once it holds this many rows; 0 = never
  // by size. Memory: the memtable's wide layout costs ~150 bytes/row, a segment's ~40.
  size_t seal_rows = 256 * 1024;
  // Distinct tag keys, and distinct score names, the store accepts (each its own limit); an
  // Append whose batch would add more fails with kInvalidArgument naming the first event and key
  // past it, and stores nothing of that batch. 0 = no limit. Replay is never limited: whatever
  // was acknowledged comes back.
  size_t max_tag_keys = 10'000;
  // Close() seals the memtable, so that the next start has no WAL to replay.
  bool seal_on_close = true;
  // Compaction merges runs of adjacent segments smaller than half this many rows into one
  // segment of at most this many rows. The default equals seal_rows, so only the small segments
  // of partial seals (shutdowns, retention) are merged and a full seal is written once: merging
  // full seals into bigger segments doubled the bytes written during ingest (~15 % of the
  // server's ingest CPU) and buys queries nothing, since they scan blocks, not segments.
  size_t compact_target_rows = 256 * 1024;
  // Retention: segments whose newest event is older than now − retention_ms are deleted, and
  // older rows are left out when the memtable seals. 0 keeps everything.
  int64_t retention_ms = 0;
  // The clock retention uses (epoch ms); the system clock when empty.
  std::function<int64_t()> now_ms;
  // Test hook for disk-full faults of segment, dictionary-log and manifest writes (as
  // wal_fault_hook). A failed seal loses nothing: the rows stay in the WAL and the memtable,
  // and the seal is retried after seal_retry_ms.
  std::function<int(size_t bytes)> segment_fault_hook;
  int64_t seal_retry_ms = 1000;
  // How often the background thread looks for expired segments without being woken.
  int64_t maintenance_interval_ms = 60'000;
};

// The embedded event store (DESIGN.md §8): a write-ahead log for durability, a columnar
// memtable for fresh rows, immutable segments (segment.h) for sealed rows, and an id index for
// idempotency. One process per data directory: Open takes an exclusive lock on <dir>/LOCK.
//
// Life of a row: WAL record (durable) → memtable (visible) → when the memtable reaches
// seal_rows the leader freezes it (it stays visible) and starts a new WAL file → a background
// thread writes the segment, persists new dictionary entries, atomically updates the MANIFEST,
// swaps the segment in for the frozen memtable, and deletes the WAL files the segment covers.
// The same thread applies retention and compacts small segments. Readers hold snapshots with
// shared ownership, so nothing they see is freed or changed under them.
//
// Ids: the active and frozen memtables keep exact in-memory IdIndexes; sealed ids are in each
// segment's sorted id section on disk, behind one in-memory SealedIdFilter.
//
// Thread-safety: every public method may be called from any thread at any time.
// Append uses group commit: concurrent callers queue; the caller at the head of the queue (the
// leader) deduplicates, writes one WAL record per batch, fdatasyncs once for the whole group,
// applies the batches to the memtable and id index in queue order, and then wakes the others.
// Only the leader touches the WAL writer, the memtable's append side and the id index.
class EmbeddedStore final : public EventStore {
 public:
  // Opens (or creates) the store in options.dir: replays the dictionary log, opens every
  // segment named by the MANIFEST (a segment that fails verification is moved to
  // <dir>/quarantine/, recorded in the MANIFEST and reported as a StoreProblem on every start;
  // its events are not served), and replays every WAL file not covered by segments, oldest
  // first, into the memtable and id index. A torn tail of the newest file (a crash during an unacknowledged
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
  // encodes to more than wal::kMaxPayloadBytes or would add tag keys or score names past
  // StoreOptions::max_tag_keys (only that batch fails). kUnavailable after Close(), and (only
  // that batch) when an id must be checked against a sealed segment whose file is damaged:
  // idempotency fails closed rather than store a retry twice.
  Result<AppendResult> Append(EventBatch batch) override;
  Result<AppendResult> Append(EventBatch batch, EventBatch* stored) override;

  std::shared_ptr<const TableSnapshot> Snapshot() const override;

  // rows and memory_bytes (memtables, segments, dictionaries, id indexes) now; disk_bytes counts
  // the WAL, segment and dictionary files, wal_files the WAL's; problems found at Open
  // (including quarantined segments), WAL write failures other than a full disk, and the last
  // failed seal while it keeps failing.
  StoreStats Stats() const override;

  // Lets queued appends finish, seals the memtable (seal_on_close), syncs and closes the WAL;
  // later Appends return kUnavailable. Idempotent; blocks while a group commit is in flight.
  void Close() override;

  // Test hooks: waits until no frozen memtable is waiting to be sealed and the background
  // thread is idle (true), or until timeout_ms passes (false).
  bool WaitForMaintenance(int64_t timeout_ms);
  // Runs retention and compaction now (normally on every seal and every
  // maintenance_interval_ms) and waits for them.
  void RunMaintenanceNow();
  size_t segment_count() const;

 private:
  struct PendingAppend;
  struct State;

  explicit EmbeddedStore(StoreOptions options);

  Status LockDirectory();
  Status Recover();
  // Runs `replay_dictionaries` on its own thread while the segments decode (a restart's two
  // largest costs), then checks each segment's dictionary needs; a replay error is returned
  // before any segment is judged.
  Status OpenSegments(const std::function<Status()>& replay_dictionaries);
  Status OpenSegmentsWhileReplaying(std::thread& replay, const Status& replayed);
  void ApplyRecovered(EventBatch batch);
  void CommitGroup(const std::vector<PendingAppend*>& group);
  Status DeduplicateAndWrite(const std::vector<PendingAppend*>& group, const State& state,
                             std::vector<std::vector<IdKey>>& new_ids, std::vector<size_t>& duplicates,
                             std::vector<bool>& failed);
  // Whether `key` is in the frozen memtable's ids or a sealed segment (not ids_); kUnavailable
  // naming the segment when one cannot be asked (a damaged file): then nobody knows.
  Result<bool> InOlderTables(const IdKey& key, const State& state);
  void PrefetchId(const IdKey& key, const State& state) const;
  void MaybeFreeze(bool force);
  void AddProblem(StoreProblem problem);
  std::shared_ptr<const State> CurrentState() const;
  MemtableOptions memtable_options() const;
  int64_t NowMs() const;
  int64_t RetentionCutoff() const;

  // Background thread (and Close after it stopped).
  void MaintenanceLoop();
  static void TrimHeap();
  Status RunMaintenance();
  Status SealFrozen();
  Status ApplyRetention();
  Status CompactOnce(bool* merged);
  void TrimWal(uint64_t sealed_seq);
  // Moves a damaged segment to quarantine/ and records it; `rows` = its row count (0: unknown).
  void Quarantine(const std::string& name, uint64_t offset, const std::string& what, uint64_t rows);

  const StoreOptions options_;
  const std::filesystem::path wal_dir_;
  const std::filesystem::path segments_dir_;
  const std::filesystem::path dict_dir_;
  const std::filesystem::path quarantine_dir_;
  int lock_fd_ = -1;
  const std::shared_ptr<DictionarySet> dictionaries_ = std::make_shared<DictionarySet>();

  // Leader-only state (and Open/Recover before any caller exists). memtable_ is also read by
  // Snapshot() under state_mu_, and replaced (at a freeze) only under it.
  std::shared_ptr<Memtable> memtable_;
  std::unique_ptr<IdIndex> ids_ = std::make_unique<IdIndex>();
  std::unique_ptr<WalWriter> writer_;
  std::vector<uint64_t> damaged_wal_;  // seqs of WAL files with corruption (quarantined when trimmed)

  // Segments, the frozen memtable and the sealed-id filter: immutable, replaced whole.
  mutable std::mutex state_mu_;
  std::shared_ptr<const State> state_;

  // Owned by the background thread after Open.
  std::unique_ptr<DictionaryLog> dict_log_;
  Manifest manifest_;
  std::thread maintenance_;
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  bool stop_ = false;
  bool work_pending_ = false;
  bool busy_ = false;
  std::optional<StoreProblem> seal_problem_;  // guarded by problems_mu_

  // The queue of appends; the front one is the leader while its group commits.
  std::mutex mu_;
  std::deque<PendingAppend*> queue_;
  std::condition_variable drained_;  // signalled when queue_ becomes empty
  bool closing_ = false;
  bool closed_ = false;

  // Published by the leader for Stats().
  std::atomic<size_t> id_index_bytes_{0};

  mutable std::mutex problems_mu_;
  std::vector<StoreProblem> problems_;
};

}  // namespace mltrack::store
