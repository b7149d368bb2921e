#include "analytics/active_users.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace mltrack::analytics {
namespace {

TEST(ActiveSeriesTest, WindowsCountEachUserOnce) {
  // Days 0..9; ann on days −3, 0, 1, 8; bob on 2 (his first day); cy on −40 only.
  const std::vector<ActiveDays> users = {{-3, 0, 1, 8}, {2}, {-40}};
  const std::vector<ActiveDay> series = ActiveSeries(users, 10);
  ASSERT_EQ(series.size(), 10u);
  const int64_t dau[] = {1, 1, 1, 0, 0, 0, 0, 0, 1, 0};
  const int64_t wau[] = {1, 1, 2, 2, 2, 2, 2, 2, 2, 1};  // ann's −3 reaches day 3; her 1 reaches 7
  const int64_t mau[] = {1, 1, 2, 2, 2, 2, 2, 2, 2, 2};  // cy's −40 is too old
  for (size_t day = 0; day < 10; ++day) {
    EXPECT_EQ(series[day].dau, dau[day]) << day;
    EXPECT_EQ(series[day].wau, wau[day]) << day;
    EXPECT_EQ(series[day].mau, mau[day]) << day;
    EXPECT_EQ(series[day].new_users, day == 2 ? 1 : 0) << day;
    EXPECT_EQ(series[day].returning, series[day].dau - series[day].new_users) << day;
  }
  EXPECT_TRUE(ActiveSeries(users, 0).empty());
}

TEST(ActiveSeriesTest, RandomUsersMatchDirectCounts) {
  std::mt19937 rng(7);
  std::vector<ActiveDays> users(300);
  for (ActiveDays& days : users) {
    const int32_t count = static_cast<int32_t>(rng() % 25);
    for (int32_t idx = 0; idx < count; ++idx) days.push_back(static_cast<int32_t>(rng() % 120) - 60);
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }
  const int32_t day_count = 45;
  const std::vector<ActiveDay> series = ActiveSeries(users, day_count);
  for (int32_t day = 0; day < day_count; ++day) {
    int64_t dau = 0, wau = 0, mau = 0, fresh = 0;
    for (const ActiveDays& days : users) {
      auto any_in = [&](int32_t width) {
        return std::any_of(days.begin(), days.end(), [&](int32_t d) { return d > day - width && d <= day; });
      };
      dau += any_in(1);
      wau += any_in(7);
      mau += any_in(30);
      fresh += !days.empty() && days.front() == day;
    }
    EXPECT_EQ(series[static_cast<size_t>(day)].dau, dau) << day;
    EXPECT_EQ(series[static_cast<size_t>(day)].wau, wau) << day;
    EXPECT_EQ(series[static_cast<size_t>(day)].mau, mau) << day;
    EXPECT_EQ(series[static_cast<size_t>(day)].new_users, fresh) << day;
  }
}

TEST(WeeklyCohortsTest, FirstWeekAndLaterWeeks) {
  // Weeks of 7 days from day −7: week −1 = days −7..−1, week 0 = 0..6, week 1 = 7..13.
  WeekTable weeks;
  weeks.first_day = -7;
  for (int32_t day = -7; day <= 13; ++day) weeks.weeks.push_back(day < 0 ? -1 : day / 7);
  const std::vector<ActiveDays> users = {
      {0, 1, 8},  // week 0 cohort, active in weeks 0 and 1
      {3},        // week 0 cohort, week 0 only
      {9, 10},    // week 1 cohort
      {-2, 8},    // week −1: before the cohorts asked for
  };
  const std::vector<Cohort> cohorts = WeeklyCohorts(users, 0, 1, weeks);
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[0].week, 0);
  EXPECT_EQ(cohorts[0].users, 2);
  EXPECT_EQ(cohorts[0].active, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(cohorts[1].week, 1);
  EXPECT_EQ(cohorts[1].users, 1);
  EXPECT_EQ(cohorts[1].active, (std::vector<int64_t>{1}));
  // A week without new users is left out; activity after the last week is not counted.
  const std::vector<Cohort> first_only = WeeklyCohorts({{0, 9}, {9}}, 0, 0, weeks);
  ASSERT_EQ(first_only.size(), 1u);
  EXPECT_EQ(first_only[0].active, (std::vector<int64_t>{1}));
  EXPECT_TRUE(WeeklyCohorts(users, 1, 0, weeks).empty());
}

}  // namespace
}  // namespace mltrack::analytics
