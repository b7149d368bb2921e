#include "analytics/overview.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "analytics/dashboard_support.h"
#include "analytics/histogram.h"
#include "analytics/run_ahead.h"
#include "query/query_parser.h"
#include "core/event.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kTopModels = 10;

using query::MetricSpec;
using query::QueryResult;
using query::QuerySpec;

// The figures of the cards for one period.
struct PeriodFigures {
  int64_t events = 0;
  int64_t priced_events = 0;  // events with a cost (the rest are unpriced)
  int64_t experiments = 0;
  int64_t runs = 0;
  int64_t users = 0;
  NanoUsd cost = 0;
  std::optional<double> avg_latency_ms;
  std::optional<double> p50_latency_ms;
  std::optional<double> p90_latency_ms;
  std::optional<double> p95_latency_ms;
  std::optional<double> p99_latency_ms;
  std::optional<double> max_latency_ms;  // the histogram's reach (p100 shares the p50 state)
  std::optional<double> success_rate;
  int64_t errors = 0;  // events with status error
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

// The card figures for [from_ms, to_ms). Only the current period shows the latency percentiles
// and the unpriced count, so the previous period's query leaves them out (percentile sketches are
// the costliest states of the scan).
enum class FigureSet { kCurrent, kPrevious };

Result<QuerySpec> FiguresSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms, FigureSet set) {
  QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(
      spec, {"count", "uniq:experiment", "uniq:run_id", "uniq:user", "sum:cost_usd",
             "avg:latency_ms", "rate:error", "sum:input_tokens", "sum:output_tokens"}));
  if (set == FigureSet::kCurrent) {
    MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count:cost_usd", "p50:latency_ms", "p90:latency_ms",
                                              "p95:latency_ms", "p99:latency_ms", "p100:latency_ms"}));
  }
  return spec;
}

Result<PeriodFigures> Figures(const DashboardParams& params, int64_t from_ms, int64_t to_ms,
                              FigureSet set, const QueryRunner& run) {
  Result<QuerySpec> spec = FiguresSpec(params, from_ms, to_ms, set);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  PeriodFigures figures;
  figures.events = CellInt(SingleCell(*result, "count")).value_or(0);
  figures.priced_events = CellInt(SingleCell(*result, "count:cost_usd")).value_or(0);
  figures.experiments = CellInt(SingleCell(*result, "uniq:experiment")).value_or(0);
  figures.runs = CellInt(SingleCell(*result, "uniq:run_id")).value_or(0);
  figures.users = CellInt(SingleCell(*result, "uniq:user")).value_or(0);
  figures.cost = CellNanoUsd(SingleCell(*result, "sum:cost_usd")).value_or(0);
  figures.avg_latency_ms = CellNumber(SingleCell(*result, "avg:latency_ms"));
  figures.p50_latency_ms = CellNumber(SingleCell(*result, "p50:latency_ms"));
  figures.p90_latency_ms = CellNumber(SingleCell(*result, "p90:latency_ms"));
  figures.p95_latency_ms = CellNumber(SingleCell(*result, "p95:latency_ms"));
  figures.p99_latency_ms = CellNumber(SingleCell(*result, "p99:latency_ms"));
  figures.max_latency_ms = CellNumber(SingleCell(*result, "p100:latency_ms"));
  if (figures.events > 0) {
    const double error_rate = CellNumber(SingleCell(*result, "rate:error")).value_or(0.0);
    figures.success_rate = 1.0 - error_rate;
    // rate:error is errors / events rounded once, so this recovers the exact count.
    figures.errors = std::llround(error_rate * static_cast<double>(figures.events));
  }
  figures.input_tokens = CellInt(SingleCell(*result, "sum:input_tokens")).value_or(0);
  figures.output_tokens = CellInt(SingleCell(*result, "sum:output_tokens")).value_or(0);
  return figures;
}

Result<QuerySpec> SuccessRateSpec(const DashboardParams& params, int64_t from_ms, int64_t split_ms) {
  QuerySpec spec = BaseSpec(params, from_ms, split_ms);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "rate:error"}));
  return spec;
}

// The success rate over [from_ms, to_ms) given the figures of its last part [split_ms, to_ms):
// only [from_ms, split_ms) is queried. nullopt when there are no events.
Result<std::optional<double>> SuccessRate(const DashboardParams& params, int64_t from_ms,
                                          int64_t split_ms, const PeriodFigures& last,
                                          const QueryRunner& run) {
  Result<QuerySpec> spec = SuccessRateSpec(params, from_ms, split_ms);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  const int64_t events = CellInt(SingleCell(*result, "count")).value_or(0);
  const double error_rate = CellNumber(SingleCell(*result, "rate:error")).value_or(0.0);
  const int64_t total = events + last.events;
  if (total == 0) return std::optional<double>();
  const int64_t errors = std::llround(error_rate * static_cast<double>(events)) + last.errors;
  return std::optional<double>(1.0 - static_cast<double>(errors) / static_cast<double>(total));
}

Result<QuerySpec> CostSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms) {
  QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd"}));
  return spec;
}

Result<NanoUsd> CostBetween(const DashboardParams& params, int64_t from_ms, int64_t to_ms,
                            const QueryRunner& run) {
  Result<QuerySpec> spec = CostSpec(params, from_ms, to_ms);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  return CellNanoUsd(SingleCell(*result, "sum:cost_usd")).value_or(0);
}

Result<QuerySpec> TrendSpec(const DashboardParams& params, const query::BucketWidth& width) {
  QuerySpec trend = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(trend, width);
  trend.limit = query::kMaxQueryLimit;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(trend, {"sum:cost_usd", "count"}));
  return trend;
}

// Buckets of a fixed width dividing a day lie within one day (WriteCostTrend).
bool TrendInDays(const query::BucketWidth& width) { return width.months == 0 && width.ms > 0 && kDayMs % width.ms == 0; }

Result<QuerySpec> DailySpec(const DashboardParams& params, const query::BucketWidth& width) {
  QuerySpec daily = BaseSpec(params, params.from_ms - 30 * kDayMs, TrendInDays(width) ? params.from_ms : params.to_ms);
  daily.bucket_ms = kDayMs;
  daily.limit = query::kMaxQueryLimit;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(daily, {"sum:cost_usd"}));
  return daily;
}

Status WriteCostTrend(JsonWriter& json, const DashboardParams& params,
                      const query::BucketWidth& width, const QueryRunner& run) {
  Result<QuerySpec> trend = TrendSpec(params, width);
  if (!trend.ok()) return trend.status();
  Result<QueryResult> trend_result = run(*trend);
  if (!trend_result.ok()) return trend_result.status();
  std::map<int64_t, NanoUsd> cost_by_bucket;
  for (const auto& row : trend_result->rows) {
    cost_by_bucket[CellInt(row[0]).value_or(0)] = CellNanoUsd(row[1]).value_or(0);
  }

  // Daily costs from 30 days before `from`, for the rolling mean (a day is listed when it has
  // events). Days are local days of the dashboard's zone (UTC by default), counted with the
  // same bucketer as the queries' `t`. Buckets of a fixed width dividing a day lie within one
  // day (local midnight is one of their boundaries), so the trend's buckets add up to the days
  // of [from, to) exactly, and only [from − 30 d, from) is queried.
  const bool trend_in_days = TrendInDays(width);
  Result<QuerySpec> daily = DailySpec(params, width);
  if (!daily.ok()) return daily.status();
  Result<query::TimeBucketer> days =
      query::MakeTimeBucketer(query::BucketWidth{kDayMs, 0}, daily->from_ms, params.to_ms, params.tz);
  if (!days.ok()) return days.status();
  auto day_of = [&](int64_t ts) { return days->Start(days->Index(ts)); };
  Result<QueryResult> daily_result = run(*daily);
  if (!daily_result.ok()) return daily_result.status();
  std::map<int64_t, NanoUsd> cost_by_day;
  for (const auto& row : daily_result->rows) {
    cost_by_day[CellInt(row[0]).value_or(0)] = CellNanoUsd(row[1]).value_or(0);
  }
  if (trend_in_days) {
    for (const auto& [start, cost] : cost_by_bucket) cost_by_day[day_of(start)] += cost;
  }
  const int64_t first_day = cost_by_day.empty() ? 0 : cost_by_day.begin()->first;

  Result<std::vector<int64_t>> starts = BucketStarts(*trend);
  if (!starts.ok()) return starts.status();
  json.Key("cost_trend");
  json.BeginArray();
  for (size_t bucket_idx = 0; bucket_idx < starts->size(); ++bucket_idx) {
    const int64_t start = (*starts)[bucket_idx];
    // The bucket ends where the next begins (local weeks and months vary in length), the last
    // one at `to`.
    const int64_t end = bucket_idx + 1 < starts->size() ? std::min((*starts)[bucket_idx + 1], params.to_ms) : params.to_ms;
    json.BeginObject();
    json.Key("t");
    json.Int(start);
    json.Key("cost_usd");
    auto found = cost_by_bucket.find(start);
    if (found == cost_by_bucket.end()) {
      json.Null();  // a gap: no events in this bucket
    } else {
      json.Money(found->second);
    }
    // Mean daily cost over the whole days of the 30 days ending with this bucket, counting
    // only days since the first day with data (a young store is not diluted by empty history).
    const int64_t end_day = day_of(end - 1);
    const int64_t window_start = std::max(days->Start(days->Index(end_day) - 29), first_day);
    json.Key("rolling_30d");
    if (cost_by_day.empty() || end_day < first_day) {
      json.Null();
    } else {
      NanoUsd window_cost = 0;
      for (auto it = cost_by_day.lower_bound(window_start);
           it != cost_by_day.end() && it->first <= end_day; ++it) {
        window_cost += it->second;
      }
      const int64_t day_count = days->Index(end_day) - days->Index(window_start) + 1;
      json.Double(Usd(window_cost) / static_cast<double>(day_count));
    }
    json.EndObject();
  }
  json.EndArray();
  return Status::OK();
}

struct ModelUsage {
  std::string model;
  std::string provider;  // the provider with most of the model's events
  int64_t provider_count = 0;
  int64_t count = 0;
  NanoUsd cost = 0;
  bool has_cost = false;
};

Result<QuerySpec> ModelUsageSpec(const DashboardParams& params) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {FieldRef{FieldId::kModel, {}}, FieldRef{FieldId::kProvider, {}}};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "sum:cost_usd", "count:cost_usd"}));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

// One query grouped by (model, provider), folded per model: a model sold by several providers
// is one slice, named after the provider with most of its events.
Status WriteModelUsage(JsonWriter& json, const DashboardParams& params,
                       const PeriodFigures& figures, const QueryRunner& run) {
  Result<QuerySpec> spec = ModelUsageSpec(params);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  std::map<std::string, ModelUsage, std::less<>> by_model;
  for (const auto& row : result->rows) {
    std::string model(CellString(row[0]));
    ModelUsage& usage = by_model[model];
    usage.model = model.empty() ? "(none)" : model;
    int64_t count = CellInt(row[2]).value_or(0);
    usage.count += count;
    if (count > usage.provider_count) {
      usage.provider_count = count;
      usage.provider = std::string(CellString(row[1]));
    }
    usage.cost += CellNanoUsd(row[3]).value_or(0);
    usage.has_cost |= CellInt(row[4]).value_or(0) > 0;
  }
  std::vector<ModelUsage> models;
  for (auto& [name, usage] : by_model) models.push_back(std::move(usage));
  std::sort(models.begin(), models.end(), [](const ModelUsage& a, const ModelUsage& b) {
    return a.count != b.count ? a.count > b.count : a.model < b.model;
  });

  const double total = static_cast<double>(std::max<int64_t>(figures.events, 1));
  json.Key("model_usage");
  json.BeginArray();
  int64_t other_count = 0;
  NanoUsd other_cost = 0;
  for (size_t model_idx = 0; model_idx < models.size(); ++model_idx) {
    const ModelUsage& usage = models[model_idx];
    if (model_idx >= kTopModels) {
      other_count += usage.count;
      other_cost += usage.cost;
      continue;
    }
    json.BeginObject();
    json.Key("model");
    json.String(usage.model);
    json.Key("provider");
    json.String(usage.provider);
    json.Key("count");
    json.Int(usage.count);
    json.Key("share");
    json.Double(usage.count / total);
    json.Key("cost_usd");
    if (usage.has_cost) {
      json.Money(usage.cost);
    } else {
      json.Null();  // unpriced, never zero
    }
    json.EndObject();
  }
  if (other_count > 0) {
    // Everything beyond the top models, so that the shares add up to one.
    json.BeginObject();
    json.Key("model");
    json.String("(other)");
    json.Key("provider");
    json.String("");
    json.Key("count");
    json.Int(other_count);
    json.Key("share");
    json.Double(other_count / total);
    json.Key("cost_usd");
    json.Money(other_cost);
    json.EndObject();
  }
  json.EndArray();
  return Status::OK();
}

Status WriteLatency(JsonWriter& json, const DashboardParams& params, const PeriodFigures& figures,
                    const QueryRunner& run) {
  json.Key("latency");
  json.BeginObject();
  json.Key("p50");
  WriteOptional(json, figures.p50_latency_ms);
  json.Key("p90");
  WriteOptional(json, figures.p90_latency_ms);
  json.Key("p99");
  WriteOptional(json, figures.p99_latency_ms);
  json.Key("histogram");
  json.BeginArray();
  if (figures.p99_latency_ms) {
    Result<std::vector<HistogramBin>> bins =
        NumericHistogram(BaseSpec(params, params.from_ms, params.to_ms),
                         FieldRef{FieldId::kLatencyMs, {}}, *figures.p99_latency_ms,
                         figures.max_latency_ms.value_or(*figures.p99_latency_ms), run);
    if (!bins.ok()) return bins.status();
    for (const HistogramBin& bin : *bins) {
      json.BeginObject();
      json.Key("lo");
      json.Double(bin.lo);
      json.Key("hi");
      WriteOptional(json, bin.hi);
      json.Key("count");
      json.Int(bin.count);
      json.EndObject();
    }
  }
  json.EndArray();
  json.EndObject();
  return Status::OK();
}

Result<QuerySpec> StatusSpec(const DashboardParams& params, const query::BucketWidth& width) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(spec, width);
  spec.group_by = {FieldRef{FieldId::kStatus, {}}};
  spec.limit = query::kMaxQueryLimit;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count"}));
  return spec;
}

Status WriteStatusOverTime(JsonWriter& json, const DashboardParams& params,
                           const query::BucketWidth& width, const QueryRunner& run) {
  Result<QuerySpec> status_spec = StatusSpec(params, width);
  if (!status_spec.ok()) return status_spec.status();
  const QuerySpec& spec = *status_spec;
  Result<QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  std::map<int64_t, std::pair<int64_t, int64_t>> by_bucket;  // t → (ok, error)
  for (const auto& row : result->rows) {
    auto& counts = by_bucket[CellInt(row[0]).value_or(0)];
    (CellString(row[1]) == "error" ? counts.second : counts.first) += CellInt(row[2]).value_or(0);
  }
  Result<std::vector<int64_t>> starts = BucketStarts(spec);
  if (!starts.ok()) return starts.status();
  json.Key("status_over_time");
  json.BeginArray();
  for (int64_t start : *starts) {
    json.BeginObject();
    json.Key("t");
    json.Int(start);
    auto found = by_bucket.find(start);
    if (found == by_bucket.end()) {
      // A gap: no events, so neither counts nor a rate.
      json.Key("ok");
      json.Null();
      json.Key("error");
      json.Null();
      json.Key("error_rate");
      json.Null();
    } else {
      auto [ok, error] = found->second;
      json.Key("ok");
      json.Int(ok);
      json.Key("error");
      json.Int(error);
      json.Key("error_rate");
      json.Double(static_cast<double>(error) / static_cast<double>(ok + error));
    }
    json.EndObject();
  }
  json.EndArray();
  return Status::OK();
}

}  // namespace

// Every query of the overview but the latency histogram (which needs the p99), for RunAhead.
std::vector<QuerySpec> OverviewSpecs(const DashboardParams& params, const query::BucketWidth& width) {
  const int64_t length = params.to_ms - params.from_ms;
  std::vector<Result<QuerySpec>> specs;
  specs.push_back(FiguresSpec(params, params.from_ms, params.to_ms, FigureSet::kCurrent));
  specs.push_back(FiguresSpec(params, params.from_ms - length, params.from_ms, FigureSet::kPrevious));
  specs.push_back(SuccessRateSpec(params, params.from_ms - 4 * length, params.from_ms - length));
  for (const int64_t days : {1, 7, 30}) {
    if (params.to_ms - days * kDayMs != params.from_ms) specs.push_back(CostSpec(params, params.to_ms - days * kDayMs, params.to_ms));
  }
  specs.push_back(TrendSpec(params, width));
  specs.push_back(DailySpec(params, width));
  specs.push_back(ModelUsageSpec(params));
  specs.push_back(StatusSpec(params, width));
  std::vector<QuerySpec> ready;  // a spec that cannot be built fails where it is asked for
  for (Result<QuerySpec>& spec : specs) {
    if (spec.ok()) ready.push_back(std::move(spec).value());
  }
  return ready;
}

Result<std::string> OverviewJson(const DashboardParams& params, const QueryRunner& direct,
                                 const OverviewContext& context) {
  Result<query::BucketWidth> width =
      params.bucket == "auto"
          ? Result<query::BucketWidth>(query::BucketWidth{
                params.to_ms - params.from_ms <= 3 * kDayMs ? 3'600'000 : kDayMs, 0})
          : query::ParseBucket(params.bucket, params.from_ms, params.to_ms);
  if (!width.ok()) return width.status();
  // Every chart lists every bucket of the range: more than the limit is refused, never cut.
  MLTRACK_RETURN_IF_ERROR(query::CheckBucketCount(*width, params.from_ms, params.to_ms, params.bucket));
  const QueryRunner run = RunAhead(direct, OverviewSpecs(params, *width));

  const int64_t length = params.to_ms - params.from_ms;
  Result<PeriodFigures> now = Figures(params, params.from_ms, params.to_ms, FigureSet::kCurrent, run);
  if (!now.ok()) return now.status();
  Result<PeriodFigures> before = Figures(params, params.from_ms - length, params.from_ms, FigureSet::kPrevious, run);
  if (!before.ok()) return before.status();
  // The baseline covers the previous period too: only the three periods before it are queried.
  Result<std::optional<double>> baseline =
      SuccessRate(params, params.from_ms - 4 * length, params.from_ms - length, *before, run);
  if (!baseline.ok()) return baseline.status();
  NanoUsd cost_window[3] = {0, 0, 0};
  const int64_t window_days[3] = {1, 7, 30};
  for (int window_idx = 0; window_idx < 3; ++window_idx) {
    const int64_t window_from = params.to_ms - window_days[window_idx] * kDayMs;
    if (window_from == params.from_ms) {  // the range itself (30 days by default): known
      cost_window[window_idx] = now->cost;
      continue;
    }
    Result<NanoUsd> cost = CostBetween(params, window_from, params.to_ms, run);
    if (!cost.ok()) return cost.status();
    cost_window[window_idx] = *cost;
  }

  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(params.from_ms));
  json.Key("to");
  json.String(FormatRfc3339(params.to_ms));
  json.Key("previous_from");
  json.String(FormatRfc3339(params.from_ms - length));
  json.Key("previous_to");
  json.String(FormatRfc3339(params.from_ms));
  json.Key("bucket");
  json.String(params.bucket == "auto" ? (width->ms == kDayMs ? "1d" : "1h") : params.bucket);
  json.Key("bucket_ms");
  json.Int(width->ms);
  json.EndObject();
  json.Key("demo");
  json.Bool(context.demo);
  json.Key("total_events");
  json.Int(now->events);
  json.Key("unpriced_events");
  json.Int(now->events - now->priced_events);

  auto as_double = [](int64_t value) { return std::optional<double>(static_cast<double>(value)); };
  json.Key("cards");
  json.BeginObject();
  BeginFigure(json, "experiments", as_double(now->experiments), as_double(before->experiments));
  json.EndObject();
  BeginFigure(json, "runs", as_double(now->runs), as_double(before->runs));
  json.EndObject();
  BeginFigure(json, "cost_usd", Usd(now->cost), Usd(before->cost));
  json.Key("daily");
  json.Money(cost_window[0]);
  json.Key("weekly");
  json.Money(cost_window[1]);
  json.Key("monthly");
  json.Money(cost_window[2]);
  json.EndObject();
  BeginFigure(json, "avg_latency_ms", now->avg_latency_ms, before->avg_latency_ms);
  json.Key("p95");
  WriteOptional(json, now->p95_latency_ms);
  json.EndObject();
  BeginFigure(json, "success_rate", now->success_rate, before->success_rate);
  json.Key("baseline");
  WriteOptional(json, *baseline);
  json.EndObject();
  BeginFigure(json, "active_users", as_double(now->users), as_double(before->users));
  json.EndObject();
  int64_t tokens = now->input_tokens + now->output_tokens;
  BeginFigure(json, "tokens", as_double(tokens),
            as_double(before->input_tokens + before->output_tokens));
  json.Key("input");
  json.Int(now->input_tokens);
  json.Key("output");
  json.Int(now->output_tokens);
  json.Key("cost_per_1k_tokens");
  WriteOptional(json, tokens > 0 ? std::optional<double>(Usd(now->cost) / tokens * 1000.0)
                                 : std::nullopt);
  json.EndObject();
  json.EndObject();  // cards

  MLTRACK_RETURN_IF_ERROR(WriteCostTrend(json, params, *width, run));
  MLTRACK_RETURN_IF_ERROR(WriteModelUsage(json, params, *now, run));
  MLTRACK_RETURN_IF_ERROR(WriteLatency(json, params, *now, run));
  MLTRACK_RETURN_IF_ERROR(WriteStatusOverTime(json, params, *width, run));
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
