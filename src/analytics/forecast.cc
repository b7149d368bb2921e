#include "analytics/forecast.h"

#include <algorithm>
#include <map>

#include "analytics/dashboard_support.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int kBacktestOrigins = 8;
constexpr int kBacktestStep = 7;
constexpr int kBacktestMinTrain = 28;

}  // namespace

Result<ForecastRequest> ParseForecastRequest(const QueryParams& query, int64_t now_ms) {
  Result<DashboardParams> params = ParseDashboardParams(query, now_ms, {"metric", "horizon", "history"});
  if (!params.ok()) return params.status();
  ForecastRequest request;
  request.params = std::move(*params);
  int64_t history_ms = 91 * kDayMs;
  bool from_given = false;
  std::vector<ErrorDetail> errors;
  for (const auto& [key, value] : query) {
    if (key == "from") from_given = true;
    if (key == "metric") {
      Result<query::MetricSpec> metric = query::ParseMetric(value, "metric");
      const bool additive = metric.ok() && (metric->kind == query::AggregateKind::kCount ||
                                            metric->kind == query::AggregateKind::kSum);
      if (!additive) errors.push_back({-1, "metric", "must be count or sum:<measure>, got \"" + value + "\""});
      else request.metric = value;
    } else if (key == "horizon" || key == "history") {
      Result<int64_t> duration = ParseDuration(value);
      const int64_t low = key == "horizon" ? kDayMs : 7 * kDayMs;
      const int64_t high = key == "horizon" ? 366 * kDayMs : 732 * kDayMs;
      if (!duration.ok() || *duration % kDayMs != 0 || *duration < low || *duration > high) {
        errors.push_back({-1, key, key == "horizon" ? "must be whole days from 1d to 366d" : "must be whole days from 7d to 732d"});
      } else if (key == "horizon") {
        request.horizon_days = static_cast<int>(*duration / kDayMs);
      } else {
        history_ms = *duration;
      }
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid forecast parameters", std::move(errors));
  request.history_start_ms = from_given ? request.params.from_ms : request.params.to_ms - history_ms;
  return request;
}

Result<Forecast> ForecastDays(const std::vector<double>& history, int days) {
  return ForecastDaily(history, days, true);
}

Result<ForecastReport> ForecastMetric(const ForecastRequest& request, const QueryRunner& run) {
  ForecastReport report;
  report.metric = request.metric;
  query::QuerySpec spec = BaseSpec(request.params, request.history_start_ms, request.params.to_ms);
  spec.bucket_ms = kDayMs;
  spec.limit = query::kMaxQueryLimit;
  MLTRACK_RETURN_IF_ERROR(AddMetric(spec, request.metric));
  Result<std::vector<int64_t>> days = BucketStarts(spec);
  if (!days.ok()) return days.status();
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  std::map<int64_t, double> by_day;
  for (const auto& row : result->rows) by_day[CellInt(row[0]).value_or(0)] = CellNumber(row[1]).value_or(0.0);

  // Complete days from the first with data; the last day is today, shown so far, when it holds
  // `to` (`to` is not itself the start of a day in the spec's zone).
  query::QuerySpec probe = spec;
  probe.to_ms = spec.to_ms + 1;
  Result<std::vector<int64_t>> through_to = BucketStarts(probe);
  if (!through_to.ok()) return through_to.status();
  const bool last_is_today = through_to->back() != spec.to_ms;
  std::vector<double> values;
  for (size_t day_idx = 0; day_idx < days->size(); ++day_idx) {
    const int64_t start = (*days)[day_idx];
    auto found = by_day.find(start);
    if (last_is_today && day_idx + 1 == days->size()) {
      report.today = DailyValue{start, found == by_day.end() ? 0.0 : found->second};
      break;
    }
    if (report.history.empty() && found == by_day.end()) continue;
    report.history.push_back({start, found == by_day.end() ? 0.0 : found->second});
    values.push_back(report.history.back().value);
  }
  const int64_t first_forecast = report.today ? report.today->t : request.params.to_ms;
  // Local days of the zone (23 or 25 hours across a DST change), not 24-hour steps that drift an
  // hour off local midnight after the change.
  query::QuerySpec future = spec;
  future.from_ms = first_forecast;
  future.to_ms = first_forecast + (request.horizon_days + 2) * kDayMs;
  Result<std::vector<int64_t>> future_days = BucketStarts(future);
  if (!future_days.ok()) return future_days.status();
  for (int day = 0; day < request.horizon_days && day < static_cast<int>(future_days->size()); ++day) {
    report.forecast_days.push_back((*future_days)[static_cast<size_t>(day)]);
  }

  Result<Forecast> forecast = ForecastDays(values, request.horizon_days);
  if (!forecast.ok()) {
    report.note = "needs at least 3 complete days with data";
    report.forecast_days.clear();
    return report;
  }
  report.forecast = std::move(*forecast);
  report.backtest_horizon = std::min(request.horizon_days, 14);
  report.backtest = RollingOriginBacktest(values, report.backtest_horizon, kBacktestOrigins, kBacktestStep,
                                          kBacktestMinTrain);
  return report;
}

std::string ForecastReportJson(const ForecastReport& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("metric");
  json.String(report.metric);
  json.Key("history");
  json.BeginArray();
  for (const DailyValue& day : report.history) {
    json.BeginObject();
    json.Key("t");
    json.Int(day.t);
    json.Key("value");
    json.Double(day.value);
    json.EndObject();
  }
  json.EndArray();
  json.Key("today");
  if (report.today) {
    json.BeginObject();
    json.Key("t");
    json.Int(report.today->t);
    json.Key("so_far");
    json.Double(report.today->value);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("forecast");
  json.BeginArray();
  double total = 0;
  for (size_t idx = 0; idx < report.forecast.points.size() && idx < report.forecast_days.size(); ++idx) {
    const ForecastPoint& point = report.forecast.points[idx];
    total += point.value;
    json.BeginObject();
    json.Key("t");
    json.Int(report.forecast_days[idx]);
    for (auto [name, value] : {std::pair{"value", point.value}, {"lower_80", point.lower_80}, {"upper_80", point.upper_80},
                               {"lower_95", point.lower_95}, {"upper_95", point.upper_95}}) {
      json.Key(name);
      json.Double(value);
    }
    json.EndObject();
  }
  json.EndArray();
  json.Key("total");
  if (report.forecast.points.empty()) json.Null();
  else json.Double(total);
  json.Key("note");
  if (report.note.empty()) json.Null();
  else json.String(report.note);
  const ForecastFit& fit = report.forecast.fit;
  json.Key("method");
  json.BeginObject();
  json.Key("name");
  json.String("ets_additive_damped_trend");
  json.Key("season_days");
  json.Int(fit.period);
  for (auto [name, value] : {std::pair{"alpha", fit.alpha}, {"beta", fit.beta}, {"gamma", fit.gamma},
                             {"phi", fit.phi}, {"sigma", fit.sigma}}) {
    json.Key(name);
    json.Double(value);
  }
  json.EndObject();
  json.Key("backtest");
  json.BeginObject();
  json.Key("horizon_days");
  json.Int(report.backtest_horizon);
  json.Key("origins");
  json.Int(report.backtest.origins);
  json.Key("points");
  json.Int(report.backtest.points);
  json.Key("smape_pct");
  WriteOptional(json, report.backtest.points > 0 ? std::optional<double>(report.backtest.smape_pct) : std::nullopt);
  json.Key("coverage_80");
  WriteOptional(json, report.backtest.points > 0 ? std::optional<double>(report.backtest.coverage_80) : std::nullopt);
  json.Key("coverage_95");
  WriteOptional(json, report.backtest.points > 0 ? std::optional<double>(report.backtest.coverage_95) : std::nullopt);
  json.EndObject();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
