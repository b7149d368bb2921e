#pragma once
// Whole-block answers from block summaries (store/block_summary.h): a block wholly inside the
// query's range whose filters every row passes is added to the aggregates from its summary,
// without reading a row, when the summary determines every metric and the block's group key:
//   - every group part is constant over the block (its time bucket is one bucket; a dimension
//     has one code), and every metric supports MetricAccumulator::AddSummary (count, sum, avg,
//     min, max of ints, money and doubles, count:<field>, rate, uniq of a listed dimension); or
//   - exactly one dimension part varies, its codes are listed with their row counts, and every
//     metric is `count`: each code's rows go to its own group.
// Counts, integer and money sums, min, max, rates and uniq are exactly the scanned values;
// double sums add the block's rows in another order (last-bit differences, as between scan
// threads).

#include "query/scan_plan.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Adds `block` (block.summary non-null, every row in range and passing the filters) to
// `partial` from its summary; false, with `partial` unchanged, when it cannot.
bool AnswerFromSummary(const Plan& plan, const store::ColumnBlock& block, Partial& partial);

}  // namespace mltrack::query
