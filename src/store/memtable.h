#pragma once
// The memtable is the in-memory columnar table that every durable event lands in: one column per
// static field of src/core/field.h except `id` (strings dictionary-encoded with the table's
// DictionarySet, except local string fields (local_strings.h), which use the memtable's own,
// enums/bools as uint8, ints/money as int64 with kNullInt for absent, doubles with NaN for
// absent), plus one column per tag key and per score name that a block's rows carry (sparse until
// enough rows carry it: keyed_columns.h), all split into fixed-capacity blocks of rows whose
// arrays never move once allocated, so that a snapshot can be read without locks while appends
// continue.

#include <cstddef>
#include <memory>
#include <span>

#include "core/event.h"
#include "store/dictionary_set.h"
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
  Memtable();  // with its own dictionaries
  explicit Memtable(MemtableOptions options);
  // Encodes strings with `dictionaries`, which other memtables and segments may share.
  Memtable(MemtableOptions options, std::shared_ptr<DictionarySet> dictionaries);
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

  // Appends views of every non-empty block to parts->blocks (and their owners to
  // parts->keep_alive); leaves the dictionaries alone. Thread-safe like Snapshot().
  void CollectBlocks(TableSnapshot::Parts* parts) const;

  const std::shared_ptr<DictionarySet>& dictionaries() const;
  size_t row_count() const;
  // Smallest and largest ts appended (INT64_MAX / INT64_MIN while empty).
  int64_t min_ts() const;
  int64_t max_ts() const;
  // Bytes held by the column arrays and the memtable's own strings of local string fields
  // (local_strings.h; the other dictionaries are the DictionarySet's).
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::store
