#include "analytics/spend_projection.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "analytics/forecast.h"
#include "analytics/forecast_model.h"

namespace mltrack::analytics {
namespace {

constexpr double kZ80 = 1.2815515655446004;  // the 90th percentile of the standard normal
constexpr size_t kMinEtsDays = 3;             // ForecastDaily's minimum

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// The history from its first day with any spend, each day clipped to its weekday's median ±
// max(3 robust σ, half the median) (spend_projection.h, step 1).
std::vector<double> CleanHistory(const std::vector<DaySpend>& history) {
  size_t first = 0;
  while (first < history.size() && history[first].cost == 0) ++first;
  std::array<std::vector<double>, 7> by_weekday;
  std::vector<double> all;
  for (size_t idx = first; idx < history.size(); ++idx) {
    by_weekday[history[idx].weekday].push_back(static_cast<double>(history[idx].cost));
    all.push_back(static_cast<double>(history[idx].cost));
  }
  std::array<double, 7> median{};
  for (int weekday = 0; weekday < 7; ++weekday) {
    median[weekday] = by_weekday[weekday].empty() ? Median(all) : Median(by_weekday[weekday]);
  }
  std::vector<double> relative;
  for (int weekday = 0; weekday < 7; ++weekday) {
    if (median[weekday] <= 0) continue;
    for (double value : by_weekday[weekday]) relative.push_back(std::fabs(value - median[weekday]) / median[weekday]);
  }
  const double spread = 1.4826 * Median(relative);
  std::vector<double> out;
  for (size_t idx = first; idx < history.size(); ++idx) {
    const double center = median[history[idx].weekday];
    const double reach = std::max(3.0 * spread * center, 0.5 * center);
    out.push_back(std::clamp(static_cast<double>(history[idx].cost), center - reach, center + reach));
  }
  return out;
}

// The whole local days strictly between the day starting at `from_ms` and the one at `to_ms`
// (0 when consecutive); rounded, so 23- and 25-hour days count as days.
size_t GapDays(int64_t from_ms, int64_t to_ms) {
  const long long days = std::llround(static_cast<double>(to_ms - from_ms) / 86'400'000.0);
  return days > 1 ? static_cast<size_t>(days - 1) : 0;
}

// The first day whose cumulative spend reaches the amount (within half a nano-dollar: the
// forecast's sums are doubles).
std::optional<int64_t> FirstDayReaching(const ProjectionInput& input, const std::vector<double>& cumulative) {
  if (input.amount <= 0) return std::nullopt;
  for (size_t idx = 0; idx < cumulative.size(); ++idx) {
    if (cumulative[idx] >= static_cast<double>(input.amount) - 0.5) return input.period_days[idx].start_ms;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ProjectionMethodName(ProjectionMethod method) {
  switch (method) {
    case ProjectionMethod::kEts: return "ets";
    case ProjectionMethod::kRunRate: return "run_rate";
    case ProjectionMethod::kTodayRate: return "today_rate";
  }
  return "today_rate";
}

SpendProjection ProjectSpend(const ProjectionInput& input) {
  SpendProjection out;
  const std::vector<DaySpend>& days = input.period_days;
  for (size_t idx = 0; idx <= input.today_index && idx < days.size(); ++idx) out.spent += days[idx].cost;
  const std::vector<double> history = CleanHistory(input.history);
  out.history_days = static_cast<int>(history.size());
  const double left_today = std::clamp(1.0 - input.today_elapsed, 0.0, 1.0);
  const size_t ahead = input.today_index < days.size() ? days.size() - input.today_index : 0;

  // Expected spend of each day from today on (today: only the part still to come), its weight in
  // the total, and the sd of the running total.
  std::vector<double> expected(ahead, 0.0), weights(ahead, 1.0), running_sd(ahead, 0.0);
  if (ahead > 0) weights[0] = left_today;
  // Days between the last history day and today (none when the history ends yesterday, as
  // budget_status gives it): forecast too, weight 0, so the weekly season stays in phase.
  const size_t gap = history.empty() || ahead == 0 ? 0 : GapDays(input.history.back().start_ms, days[input.today_index].start_ms);
  Result<Forecast> forecast = history.size() >= kMinEtsDays
                                  ? ForecastDays(history, static_cast<int>(gap + ahead))
                                  : Result<Forecast>(Status::InvalidArgument("too little history"));
  if (forecast.ok()) {
    out.method = ProjectionMethod::kEts;
    std::vector<double> all_weights(gap, 0.0);
    all_weights.insert(all_weights.end(), weights.begin(), weights.end());
    const std::vector<double> all_sd = RunningTotalSd(forecast->fit, all_weights);
    for (size_t idx = 0; idx < ahead; ++idx) {
      expected[idx] = forecast->points[gap + idx].value * weights[idx];
      running_sd[idx] = all_sd[gap + idx];
    }
  } else if (!history.empty()) {
    out.method = ProjectionMethod::kRunRate;
    double mean = 0;
    for (double value : history) mean += value / static_cast<double>(history.size());
    for (size_t idx = 0; idx < ahead; ++idx) expected[idx] = mean * weights[idx];
  } else if (ahead > 0 && input.today_elapsed > 0) {
    out.method = ProjectionMethod::kTodayRate;
    const double rate = static_cast<double>(days[input.today_index].cost) / input.today_elapsed;
    for (size_t idx = 0; idx < ahead; ++idx) expected[idx] = rate * weights[idx];
  }
  double remaining = 0;
  for (double value : expected) remaining += value;
  out.projected = out.spent + static_cast<NanoUsd>(std::llround(remaining));
  const double half_width = ahead > 0 ? kZ80 * running_sd.back() : 0.0;
  out.low = std::max(out.spent, static_cast<NanoUsd>(std::llround(static_cast<double>(out.projected) - half_width)));
  out.high = static_cast<NanoUsd>(std::llround(static_cast<double>(out.projected) + half_width));

  // Cumulative spend per day of the period: actual days before today, then today's actual spend
  // plus the expected rest, then expected days; the bounds widen with the running total's sd.
  std::vector<double> central(days.size()), upper(days.size()), lower(days.size());
  double cumulative = 0;
  for (size_t idx = 0; idx < days.size(); ++idx) {
    cumulative += idx <= input.today_index ? static_cast<double>(days[idx].cost) : 0.0;
    double bound = 0;
    if (idx >= input.today_index) {
      cumulative += expected[idx - input.today_index];
      bound = kZ80 * running_sd[idx - input.today_index];
    }
    central[idx] = cumulative;
    upper[idx] = cumulative + bound;
    lower[idx] = std::max(cumulative - bound, static_cast<double>(out.spent));
    if (idx < input.today_index) lower[idx] = upper[idx] = cumulative;
  }
  out.exceeds_on_ms = FirstDayReaching(input, central);
  out.exceeds_earliest_ms = FirstDayReaching(input, upper);
  out.exceeds_latest_ms = FirstDayReaching(input, lower);
  return out;
}

}  // namespace mltrack::analytics
