#pragma once
// CONTRACT (written by the lead; the columnar/query owner implements it and may extend it).
//
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

class Memtable {
 public:
  Memtable();
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
