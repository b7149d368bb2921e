#include "analytics/local_calendar.h"

#include <cstdio>

#include "core/time_zone.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The zone (validated by the budget's parser; UTC should the file disappear meanwhile).
std::shared_ptr<const TimeZone> ZoneOf(std::string_view zone) {
  if (zone == "UTC") return nullptr;
  Result<std::shared_ptr<const TimeZone>> loaded = TimeZone::Load(zone);
  return loaded.ok() ? *loaded : nullptr;
}

int64_t LocalMs(const TimeZone* zone, int64_t ts_ms) {
  return zone ? ts_ms + int64_t{zone->OffsetAt(ts_ms)} * 1000 : ts_ms;
}

// The first instant whose local reading is `local_ms` or later: the instant itself when the
// reading exists, the end of the gap when a forward jump skips it (a local midnight that does not
// exist starts the day at the jump). A reading shown twice gives its first instant.
int64_t FirstInstantAtOrAfter(const TimeZone* zone, int64_t local_ms) {
  if (!zone) return local_ms;
  // Offsets are within ±26 h: the spans around cover every candidate.
  const std::vector<TimeZone::Span> spans = zone->Spans(local_ms - 2 * kDayMs, local_ms + 2 * kDayMs);
  for (size_t idx = 0; idx < spans.size(); ++idx) {
    const int64_t end = idx + 1 < spans.size() ? spans[idx + 1].start_ms : local_ms + 2 * kDayMs;
    const int64_t candidate = local_ms - int64_t{spans[idx].offset_s} * 1000;
    if (candidate >= spans[idx].start_ms && candidate < end) return candidate;
    // In a gap: the first span whose start already reads later than local_ms.
    if (spans[idx].start_ms + int64_t{spans[idx].offset_s} * 1000 >= local_ms) return spans[idx].start_ms;
  }
  return local_ms - int64_t{zone->OffsetAt(local_ms)} * 1000;
}

// [start, end) of the local days from `first_day` (days since 1970-01-01, local) for `days` days.
Period LocalDays(const TimeZone* zone, int64_t first_day, int64_t days) {
  return {FirstInstantAtOrAfter(zone, first_day * kDayMs), FirstInstantAtOrAfter(zone, (first_day + days) * kDayMs)};
}

}  // namespace

Status ValidateTimeZone(std::string_view zone) {
  if (zone == "UTC") return Status::OK();
  Result<std::shared_ptr<const TimeZone>> loaded = TimeZone::Load(zone);
  if (!loaded.ok()) return Status::InvalidArgument("unknown time zone \"" + std::string(zone) + "\": " + loaded.status().message());
  return Status::OK();
}

Period DayAt(std::string_view zone, int64_t ts_ms) {
  std::shared_ptr<const TimeZone> tz = ZoneOf(zone);
  return LocalDays(tz.get(), FloorDiv(LocalMs(tz.get(), ts_ms), kDayMs), 1);
}

int LocalWeekday(std::string_view zone, int64_t ts_ms) {
  std::shared_ptr<const TimeZone> tz = ZoneOf(zone);
  const int64_t days = FloorDiv(LocalMs(tz.get(), ts_ms), kDayMs);
  return static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
}

Period PeriodAt(BudgetPeriod period, std::string_view zone, int64_t ts_ms) {
  std::shared_ptr<const TimeZone> tz = ZoneOf(zone);
  const int64_t day = FloorDiv(LocalMs(tz.get(), ts_ms), kDayMs);
  if (period == BudgetPeriod::kDay) return LocalDays(tz.get(), day, 1);
  if (period == BudgetPeriod::kWeek) {
    const int64_t monday = day - ((day % 7) + 7 + 3) % 7;
    return LocalDays(tz.get(), monday, 7);
  }
  int64_t year = 0;
  unsigned month = 0, dom = 0;
  query::CivilFromDays(day, year, month, dom);
  const int64_t first = query::DaysFromCivil(year, month, 1);
  const int64_t next = month == 12 ? query::DaysFromCivil(year + 1, 1, 1) : query::DaysFromCivil(year, month + 1, 1);
  return LocalDays(tz.get(), first, next - first);
}

std::string LocalDate(std::string_view zone, int64_t ts_ms) {
  std::shared_ptr<const TimeZone> tz = ZoneOf(zone);
  int64_t year = 0;
  unsigned month = 0, day = 0;
  query::CivilFromDays(FloorDiv(LocalMs(tz.get(), ts_ms), kDayMs), year, month, day);
  char text[32];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
  return text;
}

}  // namespace mltrack::analytics
