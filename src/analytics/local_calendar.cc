#include "analytics/local_calendar.h"

#include <cstdio>

#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

// UTC only until the query engine's time zones land; every function below is then a conversion
// to local civil time, the same arithmetic, and a conversion back.
Status ValidateTimeZone(std::string_view zone) {
  if (zone == "UTC") return Status::OK();
  return Status::InvalidArgument("unknown time zone \"" + std::string(zone) + "\" (only UTC for now)");
}

Period DayAt(std::string_view zone, int64_t ts_ms) {
  const int64_t start = FloorDiv(ts_ms, kDayMs) * kDayMs;
  return {start, start + kDayMs};
}

int LocalWeekday(std::string_view zone, int64_t ts_ms) {
  const int64_t days = FloorDiv(ts_ms, kDayMs);
  return static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
}

Period PeriodAt(BudgetPeriod period, std::string_view zone, int64_t ts_ms) {
  const Period day = DayAt(zone, ts_ms);
  if (period == BudgetPeriod::kDay) return day;
  if (period == BudgetPeriod::kWeek) {
    const int64_t start = day.start_ms - LocalWeekday(zone, ts_ms) * kDayMs;
    return {start, start + 7 * kDayMs};
  }
  int64_t year = 0;
  unsigned month = 0, dom = 0;
  query::CivilFromDays(FloorDiv(ts_ms, kDayMs), year, month, dom);
  const int64_t start = query::DaysFromCivil(year, month, 1) * kDayMs;
  const int64_t end = (month == 12 ? query::DaysFromCivil(year + 1, 1, 1) : query::DaysFromCivil(year, month + 1, 1)) * kDayMs;
  return {start, end};
}

std::string LocalDate(std::string_view zone, int64_t ts_ms) {
  int64_t year = 0;
  unsigned month = 0, day = 0;
  query::CivilFromDays(FloorDiv(ts_ms, kDayMs), year, month, day);
  char text[32];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
  return text;
}

}  // namespace mltrack::analytics
