#include "analytics/forecast_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mltrack::analytics {
namespace {

constexpr int kWeek = 7;
constexpr double kZ80 = 1.2816;
constexpr double kZ95 = 1.9600;

// One run of the smoother over `history`; the sum of squared one-step errors and the final state.
struct State {
  double level = 0;
  double trend = 0;
  std::vector<double> season;  // indexed by day % period
  double sse = 0;
  int errors = 0;
};

State Smooth(const std::vector<double>& history, const ForecastFit& fit) {
  State state;
  const int period = fit.period;
  const size_t warmup = period > 0 ? static_cast<size_t>(period) : 1;
  double first_mean = 0;
  for (size_t day = 0; day < warmup; ++day) first_mean += history[day];
  first_mean /= static_cast<double>(warmup);
  state.level = first_mean;
  if (period > 0) {
    state.season.assign(static_cast<size_t>(period), 0.0);
    for (size_t day = 0; day < warmup; ++day) state.season[day] = history[day] - first_mean;
    if (history.size() >= 2 * warmup) {
      double second_mean = 0;
      for (size_t day = warmup; day < 2 * warmup; ++day) second_mean += history[day];
      state.trend = (second_mean / static_cast<double>(warmup) - first_mean) / static_cast<double>(warmup);
    }
  }
  for (size_t day = warmup; day < history.size(); ++day) {
    const double season = period > 0 ? state.season[day % static_cast<size_t>(period)] : 0.0;
    const double predicted = state.level + fit.phi * state.trend + season;
    const double error = history[day] - predicted;
    state.sse += error * error;
    ++state.errors;
    const double previous_level = state.level;
    state.level = previous_level + fit.phi * state.trend + fit.alpha * error;
    state.trend = fit.phi * state.trend + fit.beta * error;
    if (period > 0) state.season[day % static_cast<size_t>(period)] = season + fit.gamma * error;
  }
  return state;
}

// How much of a one-step error reaches the forecast error j steps later, for ETS(A,Ad,A)
// (Hyndman et al., Forecasting with Exponential Smoothing, 2008, Table 6.1):
// c_j = α + αβ·φ(1 − φ^j)/(1 − φ) + γ·[j mod m = 0] (β here is already αβ).
double StepCoefficient(const ForecastFit& fit, int j) {
  const double damped = fit.phi < 1.0 ? fit.phi * (1.0 - std::pow(fit.phi, j)) / (1.0 - fit.phi) : j;
  double c = fit.alpha + fit.beta * damped;
  if (fit.period > 0 && j % fit.period == 0) c += fit.gamma;
  return c;
}

// Var of the h-step error / σ²: 1 + Σ_{j<h} c_j².
double VarianceFactor(const ForecastFit& fit, int steps) {
  double factor = 1.0;
  for (int j = 1; j < steps; ++j) {
    const double c = StepCoefficient(fit, j);
    factor += c * c;
  }
  return factor;
}

}  // namespace

Result<Forecast> ForecastDaily(const std::vector<double>& history, int horizon, bool non_negative) {
  if (history.size() < 3) {
    return Status::InvalidArgument("too little history", {{-1, "history", "needs at least 3 days with data"}});
  }
  const int period = history.size() >= 2 * kWeek ? kWeek : 0;
  ForecastFit best;
  best.period = period;
  double best_sse = std::numeric_limits<double>::infinity();
  int best_errors = 0;
  State best_state;
  for (double alpha : {0.05, 0.1, 0.2, 0.3, 0.5, 0.8}) {
    for (double beta : {0.0, 0.02, 0.1}) {
      for (double gamma : period > 0 ? std::vector<double>{0.05, 0.15, 0.3} : std::vector<double>{0.0}) {
        for (double phi : {0.9, 0.98}) {
          ForecastFit fit{alpha, beta * alpha, gamma * (1.0 - alpha), phi, period, 0};
          State state = Smooth(history, fit);
          if (state.sse < best_sse) {
            best_sse = state.sse;
            best_errors = state.errors;
            best = fit;
            best_state = std::move(state);
          }
        }
      }
    }
  }
  best.sigma = best_errors > 0 ? std::sqrt(best_sse / best_errors) : 0.0;
  Forecast forecast;
  forecast.fit = best;
  double damped_trend = 0;
  for (int step = 1; step <= horizon; ++step) {
    damped_trend += std::pow(best.phi, step) * best_state.trend;
    const size_t day = history.size() + static_cast<size_t>(step) - 1;
    const double season = period > 0 ? best_state.season[day % static_cast<size_t>(period)] : 0.0;
    ForecastPoint point;
    point.value = best_state.level + damped_trend + season;
    const double sd = best.sigma * std::sqrt(VarianceFactor(best, step));
    point.lower_80 = point.value - kZ80 * sd;
    point.upper_80 = point.value + kZ80 * sd;
    point.lower_95 = point.value - kZ95 * sd;
    point.upper_95 = point.value + kZ95 * sd;
    if (non_negative) {
      for (double* bound : {&point.value, &point.lower_80, &point.upper_80, &point.lower_95, &point.upper_95}) {
        *bound = std::max(0.0, *bound);
      }
    }
    forecast.points.push_back(point);
  }
  return forecast;
}

std::vector<double> RunningTotalSd(const ForecastFit& fit, const std::vector<double>& weights) {
  const size_t days = weights.size();
  std::vector<double> coefficient(days, 0.0);
  for (size_t j = 1; j < days; ++j) coefficient[j] = StepCoefficient(fit, static_cast<int>(j));
  std::vector<double> out(days, 0.0);
  for (size_t k = 0; k < days; ++k) {
    double variance = 0;
    for (size_t i = 0; i <= k; ++i) {  // the error of day i, through every day j of the total after it
      double load = weights[i];
      for (size_t j = i + 1; j <= k; ++j) load += weights[j] * coefficient[j - i];
      variance += load * load;
    }
    out[k] = fit.sigma * std::sqrt(variance);
  }
  return out;
}

Backtest RollingOriginBacktest(const std::vector<double>& series, int horizon, int origins, int step,
                               int min_train, bool non_negative) {
  Backtest result;
  double smape_sum = 0;
  int inside_80 = 0, inside_95 = 0;
  const int last_origin = static_cast<int>(series.size()) - horizon;
  for (int origin = last_origin, count = 0; origin >= min_train && count < origins; origin -= step, ++count) {
    std::vector<double> train(series.begin(), series.begin() + origin);
    Result<Forecast> forecast = ForecastDaily(train, horizon, non_negative);
    if (!forecast.ok()) break;
    ++result.origins;
    for (int ahead = 0; ahead < horizon; ++ahead) {
      const double actual = series[static_cast<size_t>(origin + ahead)];
      const ForecastPoint& point = forecast->points[static_cast<size_t>(ahead)];
      const double denominator = std::abs(point.value) + std::abs(actual);
      smape_sum += denominator > 0 ? 200.0 * std::abs(point.value - actual) / denominator : 0.0;
      inside_80 += actual >= point.lower_80 && actual <= point.upper_80;
      inside_95 += actual >= point.lower_95 && actual <= point.upper_95;
      ++result.points;
    }
  }
  if (result.points > 0) {
    result.smape_pct = smape_sum / result.points;
    result.coverage_80 = static_cast<double>(inside_80) / result.points;
    result.coverage_95 = static_cast<double>(inside_95) / result.points;
  }
  return result;
}

}  // namespace mltrack::analytics
