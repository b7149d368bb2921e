#pragma once
// /api/analytics/forecast (docs/analytics/forecast.md): a daily series of an additive metric from
// one bucketed query, the ETS forecast of forecast_model.h with 80 % and 95 % intervals, and a
// rolling-origin backtest of the same method on the same history. Reads only through the
// QueryRunner. Thread-safe when the runner is.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/forecast_model.h"
#include "analytics/query_runner.h"
#include "core/status.h"

namespace mltrack::analytics {

struct ForecastRequest {
  DashboardParams params;
  std::string metric = "sum:cost_usd";  // count or sum:<measure>
  int horizon_days = 30;
  int64_t history_start_ms = 0;  // `from` when given, else `to` − history (default 91 days)
};

// The dashboard parameters plus metric, horizon (1d..366d, whole days) and history (7d..732d).
Result<ForecastRequest> ParseForecastRequest(const QueryParams& query, int64_t now_ms);

struct DailyValue {
  int64_t t = 0;
  double value = 0;
};

struct ForecastReport {
  std::string metric;
  std::vector<DailyValue> history;   // complete days, from the first day with data
  std::optional<DailyValue> today;   // the day holding `to`, so far (not used for fitting)
  std::vector<int64_t> forecast_days;  // starts of the forecast days (today first)
  Forecast forecast;                 // empty points when the history is too short
  std::string note;                  // why there is no forecast, when there is none
  Backtest backtest;
  int backtest_horizon = 0;
};

Result<ForecastReport> ForecastMetric(const ForecastRequest& request, const QueryRunner& run);

// Days of a daily series: the forecast of `history` values over `days` days. Shared with budgets'
// projections (the same model everywhere a spend is projected).
Result<Forecast> ForecastDays(const std::vector<double>& history, int days);

std::string ForecastReportJson(const ForecastReport& report);

}  // namespace mltrack::analytics
