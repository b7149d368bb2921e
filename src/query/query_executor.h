#pragma once
// Runs a QuerySpec over a table snapshot (DESIGN.md §7–8; docs/query.md).

#include "core/status.h"
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

}  // namespace mltrack::query
