#pragma once
// Runs a QuerySpec over a table snapshot (DESIGN.md §7–8; docs/query.md).

#include "core/status.h"
#include "query/query_cache.h"
#include "query/query_result.h"
#include "query/query_spec.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Executes `spec` (as ParseQuerySpec made it) over `snapshot`: prunes blocks by time range,
// evaluates filters into a selection vector per block, groups by bucket and dimensions, then
// aggregates; uses up to two threads for large scans. Rows come sorted by order_by, then by t
// and the group-by columns ascending (nulls last), cut to spec.limit with the cut reported.
// An ungrouped query (no group_by, no bucket) returns exactly one row. Errors only for specs
// that ParseQuerySpec would have rejected (InvalidArgument). Thread-safe: the snapshot is only
// read.
Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot);

// The same, reusing and filling `cache` (may be null: no caching): the blocks of each sealed
// segment (store::ColumnBlock::segment_id ≠ 0) that lie wholly inside [from, to) are answered
// from one cached CachedPartial keyed by (segment, which of its blocks, CachePlanKey(spec)),
// or scanned into a new one that is then cached. Blocks that straddle `from` or `to` and
// memtable blocks are always scanned. The answer equals the uncached one (the merged states
// are the same; only double sums may differ in the last bits, as between scan threads);
// result.cache_hits / cache_misses count the segment lookups.
Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot,
                                 QueryCache* cache);

}  // namespace mltrack::query
