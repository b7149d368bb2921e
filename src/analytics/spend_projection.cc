#include "analytics/spend_projection.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mltrack::analytics {
namespace {

constexpr double kZ80 = 1.2815515655446004;  // the 90th percentile of the standard normal

struct WeekdayRate {
  double mean = 0;  // the expected spend of a day (a median)
  double sd = 0;
};

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Per weekday: the typical day (median) and its spread. Medians, so that one-off spikes (a batch
// job) neither inflate the expectation nor the interval: the spread is the history's median
// relative deviation from its weekday's median, × 1.4826 (which makes it a standard deviation for
// normal data), scaled to each weekday's level.
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
  const double overall = Median(all);
  std::array<WeekdayRate, 7> rates;
  for (int weekday = 0; weekday < 7; ++weekday) {
    rates[weekday].mean = values[weekday].empty() ? overall : Median(values[weekday]);
  }
  std::vector<double> relative;
  for (int weekday = 0; weekday < 7; ++weekday) {
    if (rates[weekday].mean <= 0) continue;
    for (double value : values[weekday]) relative.push_back(std::fabs(value - rates[weekday].mean) / rates[weekday].mean);
  }
  const double spread = 1.4826 * Median(relative);
  for (WeekdayRate& rate : rates) rate.sd = spread * rate.mean;
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
