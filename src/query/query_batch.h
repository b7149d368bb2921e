#pragma once
// Runs several QuerySpecs over one table snapshot with one scan for those that share a range and
// filters (docs/query.md, "Batches"): the backend behind QueryRunner::RunBatch.

#include <span>
#include <vector>

#include "core/status.h"
#include "query/query_cache.h"
#include "query/query_result.h"
#include "query/query_spec.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Whether two specs can share a scan: the same filters and limits (so one scan, judged by one
// set of filters and held to one guard, serves both). Their ranges may differ.
bool SameScan(const QuerySpec& a, const QuerySpec& b);

// One result per spec, in order, each equal to ExecuteQuery(spec, snapshot, cache) (double sums
// may differ in the last bits, as between scan threads). Specs for which SameScan holds and
// whose ranges overlap or touch are answered by one pass over the blocks of the union of their
// ranges: every block is judged by its summary and its rows selected and filtered once, and each
// chunk of selected rows feeds every spec's groups and aggregates (cut to the spec's range where
// needed) while the block's columns are in cache (block_scan.h, ScanBlockShared); block
// summaries still answer whole blocks per spec. Within a chunk, a column is gathered once for
// every spec that reads it (chunk_gathers.h). With an enabled `cache`, specs run one by one
// through it instead (its entries are per spec and segment). When the scan of a group passes its
// deadline or memory limit, every spec of the group gets that error.
std::vector<Result<QueryResult>> ExecuteBatch(std::span<const QuerySpec> specs, const store::TableSnapshot& snapshot,
                                              QueryCache* cache);

}  // namespace mltrack::query
