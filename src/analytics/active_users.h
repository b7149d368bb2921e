#pragma once
// Active users, new vs returning, and weekly retention cohorts, computed exactly from the days
// each user was active (the "days:ts" aggregate grouped by user: one row per user). Pure
// functions over day indexes, so they are tested against straight loops (active_users_test.cc).

#include <cstdint>
#include <optional>
#include <vector>

namespace mltrack::analytics {

// One user's active days as day indexes relative to the first day of the range (negative:
// before it), ascending and distinct. Index i is the i-th local day from that day on.
using ActiveDays = std::vector<int32_t>;

struct ActiveDay {
  int64_t dau = 0;        // distinct users active on the day
  int64_t wau = 0;        // distinct users active in the 7 days ending with it
  int64_t mau = 0;        // distinct users active in the 30 days ending with it
  int64_t new_users = 0;  // users whose first active day (in all the history asked) it is
  int64_t returning = 0;  // dau − new_users: active on the day and on an earlier one
};

// Figures for days 0 … day_count − 1. `users` holds every user's days over the whole history
// asked for (at least the 29 days before day 0, so that MAU is complete; "new" means first seen
// in that history). O(total active days + users + day_count).
std::vector<ActiveDay> ActiveSeries(const std::vector<ActiveDays>& users, int32_t day_count);

// A weekly cohort: the users first active in one week, and how many of them were active in each
// week from that week on.
struct Cohort {
  int32_t week = 0;            // week index of the cohort (relative, like the day indexes)
  int64_t users = 0;           // cohort size
  std::vector<int64_t> active; // active[k]: cohort users active in week `week + k`; active[0] = users
};

// The week of each day index in [first_day, first_day + weeks.size()): weeks start on Monday in
// the dashboard's time zone, so the table is built from its calendar (non-decreasing).
struct WeekTable {
  int32_t first_day = 0;
  std::vector<int32_t> weeks;
  int32_t WeekOf(int32_t day) const { return weeks[static_cast<size_t>(day - first_day)]; }
};

// Cohorts for the weeks first_week … last_week (inclusive, in order; weeks without new users are
// left out): a user belongs to the week of their first active day, and counts as active in every
// week with an active day, up to last_week. Every day of `users` must be in `weeks`.
std::vector<Cohort> WeeklyCohorts(const std::vector<ActiveDays>& users, int32_t first_week,
                                  int32_t last_week, const WeekTable& weeks);

}  // namespace mltrack::analytics
