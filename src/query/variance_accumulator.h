#pragma once
// var:<field> and stddev:<field> over many groups: the glue between a column and
// aggregate/variance.h (see metric_accumulator.h for the interface).

#include <memory>

#include "query/column_source.h"
#include "query/metric_accumulator.h"
#include "query/query_spec.h"

namespace mltrack::query {

// An empty accumulator for `metric` (kind kVar or kStddev) reading `source`. `money`: the
// column holds nano-USD and the result is in USD² (var) or USD (stddev).
std::unique_ptr<MetricAccumulator> MakeVarianceAccumulator(const MetricSpec& metric, const ColumnSource& source,
                                                           bool money);

}  // namespace mltrack::query
