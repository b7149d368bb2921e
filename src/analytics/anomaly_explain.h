#pragma once
// The words of an anomaly: a metric's label ("Cost", "p95 latency"), its values in the metric's
// unit ("$412.00", "1,234 ms", "4.2%"), and the sentence a person reads
// ("Cost of experiment checkout-bot at 14:00 UTC on Thu 12 Nov was $412.00, 9.3× the usual
// $44.00 for a Thursday at 14:00.").

#include <cstdint>
#include <string>
#include <string_view>

#include "analytics/anomaly_detector.h"

namespace mltrack::analytics {

// "Cost" for sum:cost_usd, "Calls" for count, "Error rate" for rate:error, "p95 latency" for
// p95:latency_ms, "Average latency" for avg:latency_ms; otherwise the metric as written.
std::string MetricLabel(std::string_view metric);

// A value of `metric` in its unit: money with $, rates as %, *_ms fields in ms, counts whole.
std::string FormatMetricValue(std::string_view metric, double value);

struct ExplainInput {
  std::string_view metric;
  std::string_view dimension;  // "" for the total
  std::string_view key;
  int64_t t = 0;
  int64_t bucket_ms = 0;
  double actual = 0;
  double expected = 0;
  Seasonality seasonality = Seasonality::kNone;
};

std::string ExplainAnomaly(const ExplainInput& input);

}  // namespace mltrack::analytics
