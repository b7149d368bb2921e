#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/query_runner.h"
#include "query/query_parser.h"
#include "core/field.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// One bar of a histogram: values in [lo, hi); the last bar has no `hi` (everything above).
struct HistogramBin {
  double lo = 0;
  std::optional<double> hi;
  int64_t count = 0;
};

// Chooses a "nice" bin width (1, 2 or 5 × 10^k) that splits [0, upper) into about `bins` bins.
double NiceBinWidth(double upper, int bins);

// The group_by item "bin:<width>:<field>" for `width`, written as the shortest decimal that
// reads back as the same double (NiceBinWidth returns 1, 2 or 5 × 10^k).
std::string BinItem(double width, const FieldRef& field);

// Counts the values of measure `field` among the events `base` selects (its range and filters)
// in about 20 equal bins from 0 up to `upper` (e.g. the p99), plus one open bin above it. Bins
// are exact counts, not estimates.
Result<std::vector<HistogramBin>> NumericHistogram(const query::QuerySpec& base,
                                                   const FieldRef& field, double upper,
                                                   const QueryRunner& run);

}  // namespace mltrack::analytics
