#include "analytics/spend_projection.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mltrack::analytics {
namespace {

constexpr double kZ80 = 1.2815515655446004;  // the 90th percentile of the standard normal

struct WeekdayRate {
  double mean = 0;
  double sd = 0;
};

// Per weekday: mean and standard deviation of the history's costs (in USD-agnostic nano units).
std::array<WeekdayRate, 7> Rates(const std::vector<DaySpend>& history, int* days_used) {
  size_t first = 0;
  while (first < history.size() && history[first].cost == 0) ++first;  // before the first spend
  std::array<std::vector<double>, 7> values;
  std::vector<double> all;
  for (size_t idx = first; idx < history.size(); ++idx) {
    values[history[idx].weekday].push_back(static_cast<double>(history[idx].cost));
    all.push_back(static_cast<double>(history[idx].cost));
  }
  *days_used = static_cast<int>(all.size());
  double overall = 0;
  for (double value : all) overall += value;
  overall = all.empty() ? 0 : overall / static_cast<double>(all.size());
  std::array<WeekdayRate, 7> rates;
  double pooled_squares = 0;
  for (int weekday = 0; weekday < 7; ++weekday) {
    const std::vector<double>& list = values[weekday];
    if (list.empty()) {
      rates[weekday].mean = overall;
      continue;
    }
    double sum = 0;
    for (double value : list) sum += value;
    rates[weekday].mean = sum / static_cast<double>(list.size());
    double squares = 0;
    for (double value : list) squares += (value - rates[weekday].mean) * (value - rates[weekday].mean);
    pooled_squares += squares;
    if (list.size() >= 2) rates[weekday].sd = std::sqrt(squares / static_cast<double>(list.size() - 1));
  }
  const double pooled = all.size() > 7 ? std::sqrt(pooled_squares / static_cast<double>(all.size() - 7)) : 0;
  for (int weekday = 0; weekday < 7; ++weekday) {
    if (values[weekday].size() < 2) rates[weekday].sd = pooled;
  }
  return rates;
}

}  // namespace

SpendProjection ProjectSpend(const ProjectionInput& input) {
  SpendProjection out;
  const std::vector<DaySpend>& days = input.period_days;
  for (size_t idx = 0; idx <= input.today_index && idx < days.size(); ++idx) out.spent += days[idx].cost;
  std::array<WeekdayRate, 7> rates = Rates(input.history, &out.history_days);
  const double left_today = std::clamp(1.0 - input.today_elapsed, 0.0, 1.0);

  // Expected spend per day from today on (today: only the part still to come).
  std::vector<double> expected(days.size(), 0.0);
  double variance = 0;
  if (out.history_days > 0) {
    for (size_t idx = input.today_index; idx < days.size(); ++idx) {
      const double share = idx == input.today_index ? left_today : 1.0;
      const WeekdayRate& rate = rates[days[idx].weekday];
      expected[idx] = rate.mean * share;
      variance += rate.sd * rate.sd * share * share;
    }
  } else if (input.today_index < days.size() && input.today_elapsed > 0) {
    // No history: today's rate so far, for the rest of today and every later day.
    const double rate = static_cast<double>(days[input.today_index].cost) / input.today_elapsed;
    for (size_t idx = input.today_index; idx < days.size(); ++idx) {
      expected[idx] = rate * (idx == input.today_index ? left_today : 1.0);
    }
  }
  double remaining = 0;
  for (double value : expected) remaining += value;
  out.projected = out.spent + static_cast<NanoUsd>(std::llround(remaining));
  const double half_width = kZ80 * std::sqrt(variance);
  out.low = std::max(out.spent, static_cast<NanoUsd>(std::llround(static_cast<double>(out.projected) - half_width)));
  out.high = static_cast<NanoUsd>(std::llround(static_cast<double>(out.projected) + half_width));

  // The day the cumulative spend reaches the amount: actual days up to today, then expected ones.
  double cumulative = 0;
  for (size_t idx = 0; idx < days.size() && input.amount > 0; ++idx) {
    if (idx < input.today_index) {
      cumulative += static_cast<double>(days[idx].cost);
    } else if (idx == input.today_index) {
      cumulative += static_cast<double>(days[idx].cost) + expected[idx];
    } else {
      cumulative += expected[idx];
    }
    if (cumulative >= static_cast<double>(input.amount)) {
      out.exceeds_on_ms = days[idx].start_ms;
      break;
    }
  }
  return out;
}

}  // namespace mltrack::analytics
