#pragma once
// The memtable is the in-memory columnar table that every durable event lands in: one column per
// static field of src/core/field.h (strings dictionary-encoded with one Dictionary per column,
// enums/bools as uint8, ints/money as int64 with kNullInt for absent, doubles with NaN for
// absent), plus one column per tag key and per score name, all split into fixed-capacity blocks
// of rows whose arrays never move once allocated, so that a snapshot can be read without locks
// while appends continue.

#include <cstddef>
#include <memory>
#include <span>

#include "core/event.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

struct MemtableOptions {
  // Rows per block once the table is past its first blocks. Column arrays of a block are
  // allocated at full capacity the first time a row of the block has a value for the column.
  size_t block_rows = 65536;
  // The first block holds this many rows and each next block twice as many, up to block_rows,
  // so that small tables (tests, fresh stores) do not pay for full blocks.
  size_t first_block_rows = 4096;
};

// Thread-safety: see each method. Memory: per block, only columns that hold at least one value
// in that block are allocated; strings cost 4 bytes per row plus their dictionary entry.
class Memtable {
 public:
  Memtable();
  explicit Memtable(MemtableOptions options);
  ~Memtable();
  Memtable(const Memtable&) = delete;
  Memtable& operator=(const Memtable&) = delete;

  // Appends `events` as new rows, in order. Callers serialize Append (the store holds its
  // commit lock); Append may run concurrently with Snapshot() and with readers of any
  // snapshot taken earlier. Rows become visible to snapshots taken after Append returns.
  void Append(std::span<const Event> events);

  // A consistent, immutable view of every row appended so far. Thread-safe. Cheap (copies
  // per-block pointers, not data); the snapshot keeps the memory it points to alive.
  std::shared_ptr<const TableSnapshot> Snapshot() const;

  size_t row_count() const;
  // Bytes held by columns and dictionaries (for /api/health and the benchmark).
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::store
