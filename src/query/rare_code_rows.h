#pragma once
// Candidates of a rare enum filter: a block whose row filters include `status = <value>` keeping
// few of its rows (by its summary's exact code counts: the dashboards' error breakdowns keep 1–2 %)
// reads only the rows with that code, from a list made on first use and kept with the block's
// summary (store/sparse_rows.h), instead of the status code of every row. Used by the block scan
// (block_scan.cc); not a public interface. The same for an `exists` filter of a local string
// field (trace_id, input_hash: no summary counts them): the rows where the field is present,
// listed on first use from the block's untranslated local ids and kept as above; the candidates
// when few. Of several such filters, the one with the fewest rows gives the candidates.

#include <cstdint>
#include <memory>
#include <vector>

#include "query/row_filter.h"
#include "query/scan_plan.h"
#include "store/sparse_rows.h"

namespace mltrack::query {

// A filter keeps "few" rows of a block when at most 1/kRareCodeShare of them; a presence list
// (below) when at most 1/kFewPresentShare (the demo's input_hash: ~9 % of a block's rows).
inline constexpr uint64_t kRareCodeShare = 16;
inline constexpr uint64_t kFewPresentShare = 8;

// When one of `*filters` (the block's remaining row filters, elements of plan.filters) is an `eq`
// filter of `status` whose code at most 1/kRareCodeShare of the block's rows have, or an `exists`
// filter of a local string field present in at most 1/kFewPresentShare of them: the rows it
// keeps, ascending (kept alive by *keep), and that filter removed from *filters (of several, the
// fewest rows). Null, with *filters unchanged, otherwise (no summary, no such filter, codes not
// counted exactly).
const std::vector<uint16_t>* RareCodeRows(const Plan& plan, const store::ColumnBlock& block,
                                          std::vector<const RowFilter*>* filters,
                                          std::shared_ptr<const store::SparseRows>* keep);

}  // namespace mltrack::query
