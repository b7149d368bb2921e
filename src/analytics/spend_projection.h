#pragma once
// Where a budget's spend will be at the end of its period, with an 80 % interval: a plain
// function of the daily spend so far. The method (docs/api.md, "Budgets"):
//
//   1. History: the whole days among the 28 before today, from the first day with any spend (a
//      young store is not diluted). Each history day is first clipped to its weekday's median ±
//      max(3 robust σ, half that median) (robust σ = 1.4826 × the median relative deviation from
//      the weekday medians × the median), so a one-off spike (a batch job) does not make every
//      later day look expensive, while a sustained change still moves the level.
//   2. With ≥ 3 history days: the forecast module's ETS(A,Ad,A) (forecast_model.h; a weekly
//      season from 14 days) forecasts today and every later day of the period. Projected = spent
//      so far + today's forecast × the share of today still to come + the later days' forecasts.
//      The 80 % interval is that of the weighted total of the forecast days (RunningTotalSd:
//      the days' errors are correlated through the smoothed level), never below what is spent.
//   3. With 1–2 history days: their mean per day, no interval; without any: today's spend so far
//      extrapolated at today's rate.
//   4. exceeds_on: the day the cumulative spend first reaches the amount — a past day when it
//      already has, a projected one otherwise, none when the projection stays below it;
//      exceeds_earliest / exceeds_latest: the same for the upper and lower 80 % bounds of the
//      running total (the band of dates; latest none when the lower bound stays below).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/event.h"

namespace mltrack::analytics {

struct DaySpend {
  int64_t start_ms = 0;  // local day start
  int weekday = 0;       // 0 = Monday
  NanoUsd cost = 0;
};

struct ProjectionInput {
  NanoUsd amount = 0;
  // The period's days from its start to its end (today included), in order, and the 28 days
  // before today (some may be in the period too: they appear once, in `history`).
  std::vector<DaySpend> period_days;  // every day of the period; later days have cost 0
  size_t today_index = 0;             // index of today in period_days
  double today_elapsed = 0;           // share of today that has passed, in [0, 1]
  std::vector<DaySpend> history;      // whole days before today, oldest first (≤ 28)
};

enum class ProjectionMethod : uint8_t { kEts, kRunRate, kTodayRate };
std::string_view ProjectionMethodName(ProjectionMethod method);  // "ets", "run_rate", "today_rate"

struct SpendProjection {
  NanoUsd spent = 0;        // from the period start to now
  NanoUsd projected = 0;    // at the period end
  NanoUsd low = 0;          // 80 % interval
  NanoUsd high = 0;
  std::optional<int64_t> exceeds_on_ms;  // start of the local day of reaching the amount
  std::optional<int64_t> exceeds_earliest_ms;  // ... by the upper 80 % bound of the running total
  std::optional<int64_t> exceeds_latest_ms;    // ... by its lower bound
  ProjectionMethod method = ProjectionMethod::kTodayRate;
  int history_days = 0;     // whole days the rates were estimated from
};

SpendProjection ProjectSpend(const ProjectionInput& input);

}  // namespace mltrack::analytics
