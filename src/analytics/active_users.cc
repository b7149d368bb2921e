#include "analytics/active_users.h"

#include <algorithm>

namespace mltrack::analytics {
namespace {

// Adds 1 to diff over the days [begin, end] clipped to [0, day_count).
void AddSpan(std::vector<int64_t>& diff, int32_t begin, int32_t end, int32_t day_count) {
  begin = std::max(begin, 0);
  end = std::min(end, day_count - 1);
  if (begin > end) return;
  ++diff[static_cast<size_t>(begin)];
  --diff[static_cast<size_t>(end) + 1];
}

}  // namespace

std::vector<ActiveDay> ActiveSeries(const std::vector<ActiveDays>& users, int32_t day_count) {
  std::vector<ActiveDay> series(static_cast<size_t>(std::max(day_count, 0)));
  if (series.empty()) return series;
  // A user counts once in a window-ending day d when any of their days lies in [d − w + 1, d]:
  // the union of the spans [a, a + w − 1] over their active days a, added as merged spans to a
  // difference array, so that overlapping windows never count a user twice.
  std::vector<int64_t> week_diff(series.size() + 1, 0), month_diff(series.size() + 1, 0);
  for (const ActiveDays& days : users) {
    if (days.empty()) continue;
    const int32_t first = days.front();
    if (first >= 0 && first < day_count) ++series[static_cast<size_t>(first)].new_users;
    int32_t week_end = -1, month_end = -1;  // last day covered so far, per window (merged spans)
    bool any = false;
    for (int32_t day : days) {
      if (day >= day_count) break;
      if (day >= 0) ++series[static_cast<size_t>(day)].dau;
      const int32_t week_begin = any ? std::max(day, week_end + 1) : day;
      const int32_t month_begin = any ? std::max(day, month_end + 1) : day;
      AddSpan(week_diff, week_begin, day + 6, day_count);
      AddSpan(month_diff, month_begin, day + 29, day_count);
      week_end = day + 6;
      month_end = day + 29;
      any = true;
    }
  }
  int64_t wau = 0, mau = 0;
  for (size_t day = 0; day < series.size(); ++day) {
    wau += week_diff[day];
    mau += month_diff[day];
    series[day].wau = wau;
    series[day].mau = mau;
    series[day].returning = series[day].dau - series[day].new_users;
  }
  return series;
}

std::vector<Cohort> WeeklyCohorts(const std::vector<ActiveDays>& users, int32_t first_week,
                                  int32_t last_week, const WeekTable& weeks) {
  if (last_week < first_week) return {};
  const size_t week_count = static_cast<size_t>(last_week - first_week + 1);
  std::vector<Cohort> cohorts(week_count);
  for (size_t week_idx = 0; week_idx < week_count; ++week_idx) {
    cohorts[week_idx].week = first_week + static_cast<int32_t>(week_idx);
    cohorts[week_idx].active.assign(week_count - week_idx, 0);
  }
  for (const ActiveDays& days : users) {
    if (days.empty()) continue;
    const int32_t cohort_week = weeks.WeekOf(days.front());
    if (cohort_week < first_week || cohort_week > last_week) continue;
    Cohort& cohort = cohorts[static_cast<size_t>(cohort_week - first_week)];
    ++cohort.users;
    int32_t counted = cohort_week - 1;  // days ascend, so weeks do: count each week once
    for (int32_t day : days) {
      const int32_t week = weeks.WeekOf(day);
      if (week > last_week) break;
      if (week == counted) continue;
      ++cohort.active[static_cast<size_t>(week - cohort_week)];
      counted = week;
    }
  }
  std::erase_if(cohorts, [](const Cohort& cohort) { return cohort.users == 0; });
  return cohorts;
}

}  // namespace mltrack::analytics
