#pragma once
// Calendar arithmetic in a time zone (core/time_zone.h) for budget periods and projections: local
// days, weeks from Monday and months, as UTC instants — the same boundaries as the query engine's
// tz-aligned buckets. Days are not always 24 hours long (daylight saving time), so nothing here
// adds 86,400,000 to a local day; a local midnight that a clock change skips starts its day at the
// change.

#include <cstdint>
#include <string>
#include <string_view>

#include "analytics/budget.h"
#include "core/status.h"

namespace mltrack::analytics {

// OK for a zone the calendar knows; InvalidArgument saying why otherwise.
Status ValidateTimeZone(std::string_view zone);

// [start, end) of the period holding `ts_ms`, in `zone` (valid).
struct Period {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};
Period PeriodAt(BudgetPeriod period, std::string_view zone, int64_t ts_ms);

// The local day holding `ts_ms`: [start, end).
Period DayAt(std::string_view zone, int64_t ts_ms);

// 0 = Monday ... 6 = Sunday, of the local day holding `ts_ms`.
int LocalWeekday(std::string_view zone, int64_t ts_ms);

// "2026-01-31": the local date holding `ts_ms`.
std::string LocalDate(std::string_view zone, int64_t ts_ms);

}  // namespace mltrack::analytics
