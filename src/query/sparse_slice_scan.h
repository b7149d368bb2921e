#pragma once
// The rows a block's value-slice answer leaves to read, from the block's sparse slice rows
// (store/sparse_rows.h) instead of a pass over the sliced field's code of every row. Used by
// the block scan (block_scan.cc, AnsweredBySlices); not a public interface.

#include <cstdint>
#include <memory>
#include <vector>

#include "query/scan_plan.h"
#include "query/slice_rows.h"
#include "store/sparse_rows.h"

namespace mltrack::query {

// The measures whose slices keep sparse rows: the double fields of the Performance dashboard's
// percentiles and the derived speed.
bool HasSparseSliceRows(FieldId measure);

// The sparse rows of `block` (summary non-null) with the slice lists of `field` (none when the block
// has no slices of it), made from its columns on first use and kept in its summary (thread-safe).
std::shared_ptr<const store::SparseRows> SparseSliceRowsOf(const Plan& plan, const store::ColumnBlock& block,
                                                           FieldId field);

// The rows each metric left to read takes from the sparse slice rows: metric rest[i] reads
// rows[list_of[i]], one ascending run per slice (a percentile's state does not depend on the
// order its values come in: not sorted); metrics of one field and slices share one list.
struct SparseMetricRows {
  std::vector<size_t> list_of;
  std::vector<std::vector<uint32_t>> rows;  // may hold more (reused) lists than list_of names
};

// For the metrics `rest` (indexes into plan.spec->metrics, parallel to slice_rows.codes) that a
// value-slice answer left to read, the rows of their slices' lists. True only when every metric
// is a percentile of a measure with sparse rows, reads listed slices only (a non-empty code list)
// and each of those slices keeps a list; false (*out not to be used) otherwise.
bool SparseSliceMetricRows(const Plan& plan, const store::ColumnBlock& block, const std::vector<size_t>& rest,
                           const SliceRows& slice_rows, SparseMetricRows* out);

}  // namespace mltrack::query
