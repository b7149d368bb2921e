#pragma once
// One stored row of a snapshot back as an Event (every field but `id`, which the store keeps
// only as a hash): what the event search returns. The slow path (one switch per value), for the
// few rows of a page, never for a scan.

#include <cstdint>

#include "core/event.h"
#include "store/table_snapshot.h"

namespace mltrack::backend {

// Call once per snapshot before RowEvent: resolves the local string fields (trace_id, ...) so
// their columns read as ids of the table dictionaries.
void PrepareRowEvents(const store::TableSnapshot& snapshot);

// The event stored at `row` of `block`. Thread-safe on a prepared snapshot.
Event RowEvent(const store::TableSnapshot& snapshot, const store::ColumnBlock& block, uint32_t row);

}  // namespace mltrack::backend
