#pragma once
// Gathers shared by the aggregates of one chunk: a dashboard's batch (query_batch.h) hands each
// chunk of selected rows to several specs, and their metrics read the same columns (cost for
// the totals, the series and the per-model table; latency for its average and percentiles). While
// a ChunkGathers::Scope is open on a thread, the first GatherDoubleOnce / GatherIntOnce of a
// source over a chunk's rows gathers them and the later ones of the same chunk reuse those
// values (docs/performance.md, "One gather per column and chunk").

#include <cstddef>
#include <cstdint>
#include <vector>

#include "query/column_source.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

class ChunkGathers {
 public:
  // Opens the memo on this thread for the scan of one block; closes it when destroyed.
  class Scope {
   public:
    Scope();
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    bool was_open_;
  };
  // A new chunk: nothing gathered before is reused.
  static void NextChunk();
  // The row list at `rows` is about to be rewritten within the chunk (a spec's narrowed rows):
  // values gathered over it are dropped.
  static void Forget(const uint32_t* rows);
};

// The values GatherDouble / GatherInt would write for `rows`: from this chunk's memo when an
// open Scope gathered them already, else gathered now (into the memo while a Scope is open,
// into `scratch` otherwise). The pointer is valid until the next call on this thread.
const double* GatherDoubleOnce(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                               size_t count, std::vector<double>* scratch);
const int64_t* GatherIntOnce(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                             size_t count, std::vector<int64_t>* scratch);

}  // namespace mltrack::query
