#pragma once
// Where a budget's spend will be at the end of its period, with an 80 % interval: a plain
// function of the daily spend so far, so that a better forecaster can replace it behind the same
// signature. The method (docs/api.md, "Budgets"):
//
//   1. Expected spend per weekday: the median of that weekday's whole days among the 28 days
//      before today (up to 4 values each); a weekday without such a day takes the median of all
//      of them. Days before the first day with any spend are not history (a young store is not
//      diluted). Medians, so a one-off spike (a batch job) does not make every later day look
//      expensive.
//   2. Projected = spent so far + today's expected spend × the share of today still to come +
//      the expected spend of every later day of the period, by its weekday. Without any whole day
//      of history, today's spend so far is extrapolated to the period at today's rate.
//   3. The interval: each future day varies independently around its weekday's median with a
//      standard deviation of 1.4826 × the history's median relative deviation from its weekday
//      median × that median (a robust spread); projected ± 1.2816 σ (the 10th and 90th
//      percentiles of a normal), never below what is already spent.
//   4. exceeds_on: the day the cumulative spend first reaches the amount — a past day when it
//      already has, a projected one otherwise, none when the projection stays below it.

#include <cstdint>
#include <optional>
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

struct SpendProjection {
  NanoUsd spent = 0;        // from the period start to now
  NanoUsd projected = 0;    // at the period end
  NanoUsd low = 0;          // 80 % interval
  NanoUsd high = 0;
  std::optional<int64_t> exceeds_on_ms;  // start of the local day of reaching the amount
  int history_days = 0;     // whole days the rates were estimated from
};

SpendProjection ProjectSpend(const ProjectionInput& input);

}  // namespace mltrack::analytics
