#pragma once
// The scan of one block into a Partial: block summaries first (skip the block, drop filters
// every row matches, or answer it whole; block_answer.h), then chunks of rows through the
// selection vector, group keys and aggregates (docs/query.md, "Execution").

#include <span>

#include "query/scan_plan.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Adds the rows of `block` that lie in the plan's range and pass its filters to `partial`.
// partial.scanned grows by the block's rows when its rows were read (not when its summary
// answered it or proved that no row matches).
void ScanBlock(const Plan& plan, const store::ColumnBlock& block, Partial& partial);

// The same for several plans whose specs have the same filters and ranges within [from_ms,
// to_ms) (a batch, query_batch.h): the block is judged and its rows selected and filtered once,
// then each chunk of selected rows (cut to a plan's own range where the block is not wholly in
// it) goes to every plan's groups and aggregates (partials[i] for plans[i]) while the block's
// columns are still in cache. Each partial ends as ScanBlock would leave it.
void ScanBlockShared(std::span<const Plan* const> plans, const store::ColumnBlock& block,
                     std::span<Partial* const> partials, int64_t from_ms, int64_t to_ms);

}  // namespace mltrack::query
