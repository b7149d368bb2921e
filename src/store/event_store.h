#pragma once
// CONTRACT (written by the lead; the durability owner implements it in embedded_store.{h,cc}).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

struct AppendResult {
  size_t accepted = 0;    // events newly stored
  size_t duplicates = 0;  // events skipped because their `id` was stored before
};

// A problem the store found and is living with (e.g. a corrupt WAL record); shown by
// /api/health so it is never silent. The same kind of problem in the same file (the same text
// but for its numbers) is one entry: `offset`/`what` of its first occurrence, how many there
// were, and the last one.
struct StoreProblem {
  StoreProblem() = default;
  StoreProblem(std::string file_in, uint64_t offset_in, std::string what_in)
      : file(std::move(file_in)), offset(offset_in), what(std::move(what_in)), last_offset(offset_in) {}

  std::string file;
  uint64_t offset = 0;
  std::string what;
  uint64_t count = 1;
  uint64_t last_offset = 0;
  std::string last_what;
};

struct StoreStats {
  size_t rows = 0;
  size_t memory_bytes = 0;
  // memory_bytes by structure, e.g. {"memtable", n}, {"segment_columns", n} (docs/operations.md,
  // "Metrics": mltrack_store_memory_part_bytes).
  std::vector<std::pair<std::string, size_t>> memory_parts;
  size_t disk_bytes = 0;
  size_t wal_files = 0;
  std::vector<StoreProblem> problems;
};

// Where events live. Thread-safe: any number of threads may Append and Snapshot concurrently.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Stores the batch durably (fdatasync) and makes it visible, then returns. Events whose
  // non-empty `id` was stored before (in this batch or earlier, across restarts) are skipped and
  // counted as duplicates. All or nothing: on error nothing of the batch is visible and nothing
  // will reappear after a restart. kNoSpace when the disk is full; kUnavailable after Close().
  virtual Result<AppendResult> Append(EventBatch batch) = 0;

  // Append, which also hands back in `*stored` the events it stored (duplicates dropped), in
  // order, when it succeeds: the batch itself, moved, so that append listeners see it without a
  // copy. `*stored` is left empty on error.
  virtual Result<AppendResult> Append(EventBatch batch, EventBatch* stored) = 0;

  // A consistent read view of every acknowledged event.
  virtual std::shared_ptr<const TableSnapshot> Snapshot() const = 0;

  virtual StoreStats Stats() const = 0;

  // Finishes appends in flight, syncs, and refuses new ones. Idempotent.
  virtual void Close() = 0;
};

}  // namespace mltrack::store
