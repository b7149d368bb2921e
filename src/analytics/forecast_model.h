#pragma once
// Daily forecasts with prediction intervals (docs/analytics/forecast.md): additive Holt-Winters
// with a damped trend and a weekly season — ETS(A,Ad,A) — fitted by grid search on the one-step
// errors, with the analytic h-step variance of that model class. Pure computation; thread-safe.

#include <string>
#include <vector>

#include "core/status.h"

namespace mltrack::analytics {

struct ForecastPoint {
  double value = 0;
  double lower_80 = 0, upper_80 = 0;
  double lower_95 = 0, upper_95 = 0;
};

struct ForecastFit {
  double alpha = 0;  // level smoothing
  double beta = 0;   // trend smoothing
  double gamma = 0;  // season smoothing
  double phi = 1;    // trend damping
  int period = 0;    // 7 (weekly) or 0 (no season: too little history)
  double sigma = 0;  // standard deviation of the one-step errors
};

struct Forecast {
  ForecastFit fit;
  std::vector<ForecastPoint> points;  // horizon days after the history
};

// Forecasts `horizon` days after `history` (one value per day, oldest first, no gaps: a day
// without events is 0). Needs at least 3 days; a weekly season needs 14. `non_negative` clamps
// values and bounds at 0. InvalidArgument naming "history" when too short.
Result<Forecast> ForecastDaily(const std::vector<double>& history, int horizon, bool non_negative = true);

// The standard deviations of the running weighted totals of a forecast's days: entry k is the sd
// of Σ_{j≤k} weights[j] · y(n+1+j) under `fit` (errors of later days are correlated with earlier
// ones through the smoothed state: Var = σ² Σ_{i≤k} (w_i + Σ_{i<j≤k} w_j c_{j−i})², with c as in the
// h-step variance). For a budget's spend to the end of its period; not clamped at 0.
std::vector<double> RunningTotalSd(const ForecastFit& fit, const std::vector<double>& weights);

// Rolling-origin evaluation: for each origin (the last `origins` possible ones, `step` days apart,
// each with at least `min_train` days before it) forecast `horizon` days and compare with what
// happened. sMAPE in percent (mean over points of 200·|F − A| / (|F| + |A|), 0 when both are 0).
struct Backtest {
  int origins = 0;
  int points = 0;
  double smape_pct = 0;
  double coverage_80 = 0;  // share of actual values inside the 80 % interval
  double coverage_95 = 0;
};
Backtest RollingOriginBacktest(const std::vector<double>& series, int horizon, int origins, int step,
                               int min_train, bool non_negative = true);

}  // namespace mltrack::analytics
