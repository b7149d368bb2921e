#pragma once
// count:F, avg:F, var:F and stddev:F of one measure F, when a query asks var:F or stddev:F
// (an A/B test asks all three per metric): one accumulator feeds, from one gather and one pass
// per chunk, an Avg state (sum, count) and a Variance state per group, and each of the metrics
// finalizes its own output from them. Like the percentiles of one field (metric_accumulator.cc),
// the first of them owns the states and the others read them.
//
// Same answers as the separate accumulators over rows: count:F exactly; var:F and stddev:F bit
// for bit (the same Variance updates in the same order); avg:F sums the same values, for double
// fields possibly in another order (no four-lane ungrouped sum), so within the last bits as
// docs/query.md allows. Whole blocks and slices of format-6 segments add their moments
// (store/block_moments.h: count, sum and M2 of fields and scores) as one merged state each, so
// var:F differs from a row scan only by merge rounding, as between scan threads.

#include <memory>

#include "query/column_source.h"
#include "query/metric_accumulator.h"
#include "query/query_spec.h"

namespace mltrack::query {

// True for a metric that shares moments when its field also has var/stddev in the query:
// count:F, avg:F, var:F or stddev:F of a measure (an int, money or double source).
bool SharesMoments(const MetricSpec& metric, const ColumnSource& source);

// A new owner of the states for `metric` (kind count-present, avg, var or stddev) over `source`.
// `money`: the column holds nano-USD (avg in USD, var in USD², stddev in USD).
std::unique_ptr<MetricAccumulator> MakeMomentsAccumulator(const MetricSpec& metric, const ColumnSource& source,
                                                          bool money);

// When `earlier` owns moments of `source`, an accumulator for `metric` that reads its states;
// otherwise null.
std::unique_ptr<MetricAccumulator> AliasMoments(MetricAccumulator& earlier, const MetricSpec& metric,
                                                const ColumnSource& source);

}  // namespace mltrack::query
