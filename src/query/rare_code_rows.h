#pragma once
// Candidates of a rare enum filter: a block whose row filters include `status = <value>` keeping
// few of its rows (by its summary's exact code counts: the dashboards' error breakdowns keep 1–2 %)
// reads only the rows with that code, from a list made on first use and kept with the block's
// summary (store/sparse_rows.h), instead of the status code of every row. Used by the block scan
// (block_scan.cc); not a public interface.

#include <cstdint>
#include <memory>
#include <vector>

#include "query/row_filter.h"
#include "query/scan_plan.h"
#include "store/sparse_rows.h"

namespace mltrack::query {

// A filter keeps "few" rows of a block when at most 1/kRareCodeShare of them.
inline constexpr uint64_t kRareCodeShare = 16;

// When one of `*filters` (the block's remaining row filters, elements of plan.filters) is an `eq`
// filter of `status` whose code at most 1/kRareCodeShare of the block's rows have: the rows
// with that code, ascending (kept alive by *keep), and that filter removed from *filters. Null,
// with *filters unchanged, otherwise (no summary, no such filter, codes not counted exactly).
const std::vector<uint16_t>* RareCodeRows(const Plan& plan, const store::ColumnBlock& block,
                                          std::vector<const RowFilter*>* filters,
                                          std::shared_ptr<const store::SparseRows>* keep);

}  // namespace mltrack::query
