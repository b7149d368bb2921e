#pragma once
// Whole-block answers from block summaries (store/block_summary.h), for a block wholly inside
// the query's range whose filters every row passes:
//   - when every group part is constant over the block (its time bucket is one bucket; a
//     dimension has one code), the block is one group: every metric that supports
//     MetricAccumulator::AddSummary (count, sum, avg, min, max of ints, money and doubles,
//     min:ts and max:ts from the block's time range, days:ts from its one day, count:<field>,
//     rate, uniq of a listed dimension, percentiles of a double field with a block sketch and of
//     tokens_per_s with a derived sketch, store/derived_sketch.h) is
//     added from the summary, and only the others (other percentiles, uniq of ids or numbers)
//     still read the rows;
//   - when exactly one dimension part varies, its codes are listed with their row counts, and
//     every metric is `count` (or `days:ts` over a block within one day): each code's rows go to
//     its own group.
// Counts, integer and money sums, min, max, rates, uniq and percentile sketches are exactly
// the scanned values; double sums add the block's rows in another order (last-bit differences,
// as between scan threads).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "query/scan_plan.h"
#include "query/slice_rows.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Adds `block` (block.summary non-null, every row in range and passing the filters) to
// `partial` from its summary. False, with `partial` unchanged, when the summary does not give
// the block's group keys. True otherwise: *unanswered lists (by index in partial.metrics) the
// metrics whose rows must still be read; they all belong to group *group.
bool AnswerFromSummary(const Plan& plan, const store::ColumnBlock& block, Partial& partial,
                       std::vector<size_t>* unanswered, uint32_t* group);

// Whole-block answers from value slices (store/block_slices.h: a summary per value of a few
// low-cardinality fields), for a block wholly inside the query's range whose summary has them and
// whose remaining row filters are `filters`: the first sliced field on whose every slice each
// filter keeps all rows or none, and on whose kept slices every group part is constant, answers
// the block as the sum of the kept slices (a filter on `model`, a group-by of `model` or of
// `provider`). False, with `partial` unchanged, when no field does. True otherwise, with
// *unanswered (by index in partial.metrics) the metrics whose rows (those `filters` keep) must
// still be read: all of group *group when every kept slice is that one group, else
// *group == kSeveralGroups and each row goes to its own group.
// A metric that some kept slices give and others do not is added from those that do, and reads
// only the rows of the others: *slice_rows (slice_rows.h) says which, per unanswered metric.
inline constexpr uint32_t kSeveralGroups = UINT32_MAX;
bool AnswerFromSlices(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                      Partial& partial, std::vector<size_t>* unanswered, uint32_t* group, SliceRows* slice_rows);

// Whole-block answers across one bucket edge (daily buckets and blocks that span midnight): a
// block wholly inside the query's range, with no row filters, whose rows fall into exactly two
// time buckets and whose other group parts are constant, when every metric subtracts exactly
// (MetricAccumulator::Subtracts: count, count:<field>, rate, integer and money sums) and follows
// from the summary. Only the rows of the smaller side are read (into its group, and into the
// partial's scratch states); the other side is the block's summary minus them. False, with
// `partial` unchanged, when the block does not qualify.
bool AnswerAcrossBucketEdge(const Plan& plan, const store::ColumnBlock& block, Partial& partial);

// Whole-block answers per hour (store/block_hour_slices.h): a block wholly inside the query's
// range, with no row filters, whose rows span several time buckets of a width that is a whole
// number of hours (or months), and whose other group parts are constant, when each of its hour
// slices lies within one bucket and every metric follows from a block's summary
// (MetricAccumulator::CanAddSummary on the block). Each slice is added to its bucket's group from
// its summary; a metric a slice's summary does not give (a percentile of a slice with too few
// values for a sketch) reads that slice's rows. False, with `partial` unchanged, when the block
// does not qualify. The block's slices are made on first use (HourSlicesOf).
bool AnswerFromHourSlices(const Plan& plan, const store::ColumnBlock& block, Partial& partial);

// Whole-block answers from hour cells (store/block_hour_cells.h: the block's rows by UTC hour,
// team, experiment, model, provider and cost presence), for a block wholly inside the query's
// range whose remaining row filters, `filters`, each read one of those four fields or a token or
// cost measure (each cell kept whole or dropped: cost_usd's presence, not a range that cuts a
// cell), whose group parts are those fields
// and a time bucket of whole hours (or months), and whose every metric is one a cell's summary
// gives: count, count:/uniq: of the four fields, count/sum/avg/min/max of the token and cost
// measures and of latency_ms (sum:total_tokens too), min:ts, max:ts, days:ts. Each cell each filter keeps is added
// to its group from its summary (store::CellSummary). False, with `partial` unchanged, when the
// block does not qualify, a cell straddles two buckets or a summary cannot give a metric (a sum
// that could overflow). The block's cells are made on first use (HourCellsOf).
// A mean or sum of latency_ms adds the cells' sums (each in row order): within the last bits of
// the row scan's.
// With `unanswered` (not null), a query whose other metrics the cells give but some do not (an
// hourly p95:latency_ms or avg:ttft_ms beside count and cost) is answered in part: the cells
// add the metrics they give, and *unanswered lists (by index in partial.metrics) the others,
// whose rows (those `filters` keep) the caller must still read into their groups. A metric that
// shares its state with another (var:/stddev: with count:/avg:, moments_accumulator.h) refuses
// the block. Empty *unanswered when the cells gave every metric.
bool AnswerFromHourCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                         Partial& partial, std::vector<size_t>* unanswered = nullptr);

// Whole-block answers from tag cells (store/block_tag_cells.h: the block's rows by the value of
// one dimension — a tag key or a field of store::kCellFields such as error_type — team,
// experiment, model, provider and cost presence), for a block wholly inside the query's range
// whose remaining row filters, `filters`, each read that dimension, one of those four fields or a
// token or cost measure (each cell kept whole or dropped), whose group parts are that dimension,
// those fields or a time bucket each cell lies within, that reads the dimension in a filter or a
// group part (no second tag key or cell field), and whose every metric is one a cell's summary
// gives: what AnswerFromHourCells' cells give, rate:cache_hit and rate:error. Each cell each
// filter keeps is added to its group from its summary (store::TagCellSummary). False, with
// `partial` unchanged, when the block does not qualify. The block's cells of the dimension are
// made on first use (TagCellsOf). A mean or sum of latency_ms adds the cells' sums (each in row
// order): within the last bits of the row scan's.
bool AnswerFromTagCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                        Partial& partial);

// Whole-block answers from score cells (store/block_score_cells.h: the block's rows by team,
// experiment, model, provider and cost presence, with one score's moments), for a block wholly
// inside the query's range whose remaining row filters, `filters`, each read one of those four
// fields or a token or cost measure (each cell kept whole or dropped), whose group parts are those
// fields or a time bucket each cell lies within, and whose metrics are count:/avg:/var:/stddev:
// of one score (at least one) and others that hour cells give. Each cell each filter keeps is
// added to its group from its summary (store::ScoreCellSummary). False, with `partial` unchanged,
// when the block does not qualify. The block's cells of the score are made on first use
// (ScoreCellsOf). A score's mean or variance merges the cells' moments: within the last bits of
// the row scan's.
bool AnswerFromScoreCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                          Partial& partial);

}  // namespace mltrack::query
