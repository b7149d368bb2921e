#pragma once
// The backend seam of DESIGN.md §2: the one interface through which the server and every
// analytics module reach the events, whichever engine holds them (the embedded store, or
// ClickHouse). Handlers and analytics/ see only this; nothing outside src/backend/ and the
// serve command knows which implementation runs.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "query/event_search.h"
#include "query/query_runner.h"

namespace mltrack::backend {

struct AppendResult {
  size_t accepted = 0;    // events newly stored
  size_t duplicates = 0;  // events skipped because their `id` was stored before
};

// A problem the backend found and is living with (a corrupt WAL record, a quarantined
// segment, an unreachable replica); /api/health shows each so none is silent.
// Problems of one kind in one file are one entry: the first, how many, and the last.
struct Problem {
  std::string file;  // the file or resource concerned
  uint64_t offset = 0;
  std::string what;
  uint64_t count = 1;        // problems of this kind in `file`
  uint64_t last_offset = 0;  // the last of them (when count > 1)
  std::string last_what;
};

struct Stats {
  size_t rows = 0;
  size_t memory_bytes = 0;
  // Where memory_bytes goes, by structure (backends that know; docs/operations.md "Metrics").
  std::vector<std::pair<std::string, size_t>> memory_parts;
  size_t disk_bytes = 0;
  size_t wal_files = 0;
  std::vector<Problem> problems;
};

// The dimensions whose names depend on the data.
struct FieldCatalog {
  std::vector<std::string> tag_keys;     // every tag key any event carries, in first-seen order
  std::vector<std::string> score_names;  // every score name any event carries
  bool demo = false;                     // some experiment is named demo-* (generated traffic)
};

// Called after a batch became durable and visible, on the appending thread: `batch` holds the
// events newly stored, in the order sent (events skipped as duplicates are not in it; `result`
// counts both). Must return quickly and must not append. Listeners are how the live hub and the
// budget monitor learn of new events without polling.
using AppendListener = std::function<void(const EventBatch& batch, const AppendResult& result)>;

// Thread-safe: any number of threads may Append, read and ask for fields and stats at once.
class Backend {
 public:
  virtual ~Backend() = default;

  // Stores the batch durably and makes it visible, then returns. Events whose non-empty `id`
  // was stored before are skipped and counted as duplicates. All or nothing: on error nothing
  // of the batch is visible, nor will it appear later. kNoSpace when the disk is full,
  // kUnavailable after Close() or when the engine cannot take writes.
  virtual Result<AppendResult> Append(EventBatch batch) = 0;

  // A runner over one consistent view of every acknowledged event: all queries made through
  // it see the same events, so the figures of one dashboard response agree with each other.
  // The runner may be used from several threads and may outlive later appends. Every query
  // made through it runs within the backend's query limits (a time limit counted from this
  // call, so over all the queries of one request, and a working-memory budget per query):
  // past them a query fails with kUnavailable (time) or kInvalidArgument (memory) naming the
  // limit, and its work is stopped.
  virtual query::QueryRunner Reader() = 0;

  // One page of raw events matching `search` (query/event_search.h), in its order, with the
  // cursor of the next page: over one consistent view, within the query time limit (past it
  // kUnavailable). Never reads more than the page needs to be right: no backend materialises
  // every matching event. InvalidArgument names what this backend cannot search by.
  virtual Result<query::EventPage> SearchEvents(const query::EventSearch& search) = 0;

  virtual FieldCatalog Fields() = 0;
  virtual Stats GetStats() = 0;

  // Registers a listener for every later durable append. Not removable: listeners live as
  // long as the backend (the live hub does).
  virtual void AddAppendListener(AppendListener listener) = 0;

  // Finishes appends in flight, syncs, and refuses new ones. Idempotent.
  virtual void Close() = 0;
};

}  // namespace mltrack::backend
