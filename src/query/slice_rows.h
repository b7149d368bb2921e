#pragma once
// Rows of value slices still to read (block_answer.h, AnswerFromSlices): a metric that some of a
// block's kept slices give from their summaries and others do not is added from the former and
// reads only the rows of the latter, picked by the row's code of the sliced field. Used by the
// block scan (block_scan.cc); not a public interface.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/field.h"
#include "query/scan_plan.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Per metric left to read (parallel to the scan's list of them), the codes of `field` whose rows
// it reads; an empty list is every row the block's filters keep.
struct SliceRows {
  FieldId field = FieldId::kModel;
  std::vector<std::vector<uint32_t>> codes;

  bool restricted() const {
    for (const auto& list : codes) {
      if (!list.empty()) return true;
    }
    return false;
  }
};

// Writes to out_rows / out_codes the rows of rows[0, count) that some metric of `slice_rows` (restricted())
// reads, with their codes of the sliced field, and returns how many.
size_t KeepSliceRows(const Plan& plan, const store::ColumnBlock& block, const SliceRows& slice_rows,
                     const uint32_t* rows, size_t count, uint32_t* out_rows, uint64_t* out_codes);

// Updates the metrics `only` (by index into partial.metrics) with rows[0, count) (row rows[i] in
// group groups[i], or every row in group 0 when `groups` is null); a metric that `slice_rows`
// restricts reads only its rows. `row_codes`: the rows' codes of the sliced field when known
// (else gathered here when needed).
void UpdateOnly(const Plan& plan, const store::ColumnBlock& block, const uint32_t* rows, size_t count,
                const uint32_t* groups, Partial& partial, const std::vector<size_t>& only,
                const SliceRows* slice_rows, const uint64_t* row_codes = nullptr);

}  // namespace mltrack::query
