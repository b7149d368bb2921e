#include "analytics/local_calendar.h"

#include <gtest/gtest.h>

namespace mltrack::analytics {
namespace {

// Instants from Python's zoneinfo (Europe/Berlin: CET +1, CEST +2 from 2026-03-29 01:00Z to
// 2026-10-25 01:00Z; America/Sao_Paulo has no DST since 2019; Asia/Kolkata +5:30).
constexpr int64_t kBerlinMar29 = 1'774'738'800'000;   // 2026-03-28T23:00Z = Mar 29 00:00 CET
constexpr int64_t kBerlinMar30 = 1'774'821'600'000;   // 2026-03-29T22:00Z = Mar 30 00:00 CEST
constexpr int64_t kBerlinMar1 = 1'772'319'600'000;    // 2026-02-28T23:00Z
constexpr int64_t kBerlinApr1 = 1'774'994'400'000;    // 2026-03-31T22:00Z
constexpr int64_t kBerlinOct25 = 1'792'879'200'000;   // 2026-10-24T22:00Z = Oct 25 00:00 CEST
constexpr int64_t kBerlinOct26 = 1'792'969'200'000;   // 2026-10-25T23:00Z = Oct 26 00:00 CET

TEST(LocalCalendarTest, DaysAroundClockChangesAre23And25HoursLong) {
  const Period spring = DayAt("Europe/Berlin", kBerlinMar29 + 5 * 3'600'000);
  EXPECT_EQ(spring.start_ms, kBerlinMar29);
  EXPECT_EQ(spring.end_ms, kBerlinMar30);
  EXPECT_EQ(spring.end_ms - spring.start_ms, 23 * 3'600'000);
  const Period autumn = DayAt("Europe/Berlin", kBerlinOct25 + 12 * 3'600'000);
  EXPECT_EQ(autumn.start_ms, kBerlinOct25);
  EXPECT_EQ(autumn.end_ms, kBerlinOct26);
  EXPECT_EQ(autumn.end_ms - autumn.start_ms, 25 * 3'600'000);
  EXPECT_EQ(LocalDate("Europe/Berlin", kBerlinMar29), "2026-03-29");
  EXPECT_EQ(LocalDate("Europe/Berlin", kBerlinMar29 - 1), "2026-03-28");
  EXPECT_EQ(LocalWeekday("Europe/Berlin", kBerlinMar29), 6);  // a Sunday
}

TEST(LocalCalendarTest, WeeksStartOnLocalMondayAndMonthsOnTheFirst) {
  const Period march = PeriodAt(BudgetPeriod::kMonth, "Europe/Berlin", kBerlinMar29);
  EXPECT_EQ(march.start_ms, kBerlinMar1);
  EXPECT_EQ(march.end_ms, kBerlinApr1);
  // The week of Sunday Mar 29 began on Monday Mar 23 00:00 CET and ends Mar 30 00:00 CEST.
  const Period week = PeriodAt(BudgetPeriod::kWeek, "Europe/Berlin", kBerlinMar29);
  EXPECT_EQ(week.start_ms, kBerlinMar29 - 6 * 86'400'000LL);
  EXPECT_EQ(week.end_ms, kBerlinMar30);
  // Kolkata's days start at 18:30Z.
  const Period kolkata = PeriodAt(BudgetPeriod::kDay, "Asia/Kolkata", 1'767'571'200'000);  // 2026-01-05T00:00Z
  EXPECT_EQ(kolkata.start_ms, 1'767'551'400'000);
  EXPECT_EQ(kolkata.end_ms, 1'767'637'800'000);
  EXPECT_EQ(PeriodAt(BudgetPeriod::kMonth, "UTC", 1'767'571'200'000).start_ms, 1'767'225'600'000);
}

TEST(LocalCalendarTest, UnknownZonesAreRefused) {
  EXPECT_TRUE(ValidateTimeZone("Europe/Berlin").ok());
  EXPECT_TRUE(ValidateTimeZone("UTC").ok());
  EXPECT_FALSE(ValidateTimeZone("Mars/Olympus_Mons").ok());
  EXPECT_FALSE(ValidateTimeZone("../etc/passwd").ok());
}

}  // namespace
}  // namespace mltrack::analytics
