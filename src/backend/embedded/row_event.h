#pragma once
// One stored row of a snapshot back as an Event (every field but `id`, which the store keeps
// only as a hash): what the event search returns. The slow path (one switch per value), for the
// few rows of a page, never for a scan.

#include <cstdint>

#include "backend/embedded/trace_ids.h"
#include "core/event.h"
#include "store/table_snapshot.h"

namespace mltrack::backend {

// The event stored at `row` of block `block_index`; `trace_ids` and `input_hashes` read its
// trace id and input hash (local strings, never interned).
Event RowEvent(const store::TableSnapshot& snapshot, size_t block_index, uint32_t row, TraceIds& trace_ids,
               TraceIds& input_hashes);

}  // namespace mltrack::backend
