#pragma once
// The embedded store's answer to an event search (query/event_search.h): a bounded scan of one
// snapshot. Never materialises the store: a heap of at most limit + skip + 1 candidate rows
// (row positions and sort keys, decoded into events only at the end). For ts sorts the blocks
// are read newest first (oldest first for ascending) and the scan stops once no later block can
// beat the page; blocks before the cursor or outside the time range, and blocks whose zone map
// rules a filter out, are not read.

#include <chrono>

#include "core/status.h"
#include "query/event_search.h"
#include "store/table_snapshot.h"

namespace mltrack::backend {

// kUnavailable when `deadline` passes mid-scan (naming the limit); InvalidArgument for a
// filter the snapshot cannot compile. Thread-safe: reads the snapshot only.
Result<query::EventPage> SearchSnapshot(const store::TableSnapshot& snapshot, const query::EventSearch& search,
                                        std::chrono::steady_clock::time_point deadline);

}  // namespace mltrack::backend
