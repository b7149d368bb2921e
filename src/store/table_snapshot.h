#pragma once
// CONTRACT (written by the lead; the columnar/query owner implements and may reshape the
// internals, keeping the idea): an immutable, thread-safe read view over column blocks that the
// query engine scans. The owner defines ColumnBlock's accessors (typed column pointers per
// FieldId, tag/score columns by dictionary id, per-block min/max ts for pruning) and the
// dictionaries (id → string, string → id; id 0 means absent).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mltrack::store {

class TableSnapshot;  // defined by the columnar/query owner in this file

}  // namespace mltrack::store
