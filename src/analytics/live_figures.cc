#include "analytics/live_figures.h"

#include <algorithm>
#include <cmath>

#include "analytics/dashboard_support.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;

struct Period {
  LiveFigures figures;
  LiveSums sums;
};

Result<Period> Figures(const DashboardParams& params, int64_t from_ms, int64_t to_ms, const QueryRunner& run) {
  query::QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "uniq:experiment", "uniq:run_id", "uniq:user", "sum:cost_usd",
                                            "avg:latency_ms", "rate:error", "sum:input_tokens",
                                            "sum:output_tokens", "count:latency_ms", "sum:latency_ms"}));
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  Period period;
  LiveFigures& figures = period.figures;
  figures.events = CellInt(SingleCell(*result, "count")).value_or(0);
  figures.experiments = CellInt(SingleCell(*result, "uniq:experiment")).value_or(0);
  figures.runs = CellInt(SingleCell(*result, "uniq:run_id")).value_or(0);
  figures.active_users = CellInt(SingleCell(*result, "uniq:user")).value_or(0);
  figures.cost = CellNanoUsd(SingleCell(*result, "sum:cost_usd")).value_or(0);
  figures.avg_latency_ms = CellNumber(SingleCell(*result, "avg:latency_ms"));
  const double error_rate = CellNumber(SingleCell(*result, "rate:error")).value_or(0.0);
  if (figures.events > 0) figures.success_rate = 1.0 - error_rate;
  figures.tokens = CellInt(SingleCell(*result, "sum:input_tokens")).value_or(0) +
                   CellInt(SingleCell(*result, "sum:output_tokens")).value_or(0);
  LiveSums& sums = period.sums;
  sums.events = figures.events;
  sums.errors = std::llround(error_rate * static_cast<double>(figures.events));
  sums.latency_count = CellInt(SingleCell(*result, "count:latency_ms")).value_or(0);
  sums.latency_sum = CellNumber(SingleCell(*result, "sum:latency_ms")).value_or(0.0);
  sums.cost = figures.cost;
  sums.tokens = figures.tokens;
  return period;
}

// The overview's trend width (overview.cc): auto is 1 h up to 3 days, else 1 d.
Result<query::BucketWidth> TrendWidth(const DashboardParams& params) {
  if (params.bucket == "auto") {
    return query::BucketWidth{params.to_ms - params.from_ms <= 3 * kDayMs ? 3'600'000 : kDayMs, 0};
  }
  return query::ParseBucket(params.bucket, params.from_ms, params.to_ms);
}

}  // namespace

void LiveSums::Add(const Event& event) {
  ++events;
  if (event.status == EventStatus::kError) ++errors;
  if (event.latency_ms) {
    ++latency_count;
    latency_sum += *event.latency_ms;
  }
  cost += event.cost_nano_usd.value_or(0);
  tokens += event.input_tokens.value_or(0) + event.output_tokens.value_or(0);
}

void LiveSums::WriteTo(LiveFigures& figures) const {
  figures.events = events;
  figures.cost = cost;
  figures.tokens = tokens;
  figures.avg_latency_ms = latency_count > 0 ? std::optional<double>(latency_sum / static_cast<double>(latency_count))
                                             : std::nullopt;
  figures.success_rate = events > 0 ? std::optional<double>(1.0 - static_cast<double>(errors) / static_cast<double>(events))
                                    : std::nullopt;
}

void LiveBase::Fold(const Event& event) {
  totals.Add(event);
  totals.WriteTo(report.totals);
  if (event.ts_ms >= bucket_from && event.ts_ms < (open_top ? bucket_end : bucket_to)) {
    bucket.Add(event);
    bucket.WriteTo(report.bucket);
  }
}

Result<LiveBase> ComputeLiveBase(const DashboardParams& params, const QueryRunner& run, int64_t now_ms) {
  Result<query::BucketWidth> width = TrendWidth(params);
  if (!width.ok()) return width.status();
  Result<query::TimeBucketer> bucketer = query::MakeTimeBucketer(*width, params.from_ms, params.to_ms, params.tz);
  if (!bucketer.ok()) return bucketer.status();
  LiveBase base;
  LiveReport& report = base.report;
  Result<Period> totals = Figures(params, params.from_ms, params.to_ms, run);
  if (!totals.ok()) return totals.status();
  report.totals = totals->figures;
  base.totals = totals->sums;
  const int64_t at = std::clamp(now_ms, params.from_ms, params.to_ms - 1);
  const int64_t index = bucketer->Index(at);
  report.bucket_start = bucketer->Start(index);
  report.bucket_ms = width->months == 0 ? width->ms : bucketer->Start(index + 1) - report.bucket_start;
  base.bucket_from = std::max(report.bucket_start, params.from_ms);
  base.bucket_end = bucketer->Start(index + 1);
  base.bucket_to = std::min(base.bucket_end, params.to_ms);
  Result<Period> bucket = Figures(params, base.bucket_from, base.bucket_to, run);
  if (!bucket.ok()) return bucket.status();
  report.bucket = bucket->figures;
  base.bucket = bucket->sums;
  return base;
}

Result<LiveReport> ComputeLiveReport(const DashboardParams& params, const QueryRunner& run, int64_t now_ms) {
  Result<LiveBase> base = ComputeLiveBase(params, run, now_ms);
  if (!base.ok()) return base.status();
  return std::move(base->report);
}

namespace {

void WriteFigureFields(JsonWriter& json, const LiveFigures& figures) {
  json.Key("events");
  json.Int(figures.events);
  json.Key("experiments");
  json.Int(figures.experiments);
  json.Key("runs");
  json.Int(figures.runs);
  json.Key("active_users");
  json.Int(figures.active_users);
  json.Key("cost_usd");
  json.Money(figures.cost);
  json.Key("avg_latency_ms");
  WriteOptional(json, figures.avg_latency_ms);
  json.Key("success_rate");
  WriteOptional(json, figures.success_rate);
  json.Key("tokens");
  json.Int(figures.tokens);
}

}  // namespace

void WriteLiveFigures(JsonWriter& json, const LiveFigures& figures) {
  json.BeginObject();
  WriteFigureFields(json, figures);
  json.EndObject();
}

void WriteLiveBucket(JsonWriter& json, const LiveReport& report) {
  json.BeginObject();
  json.Key("t");
  json.Int(report.bucket_start);
  json.Key("bucket_ms");
  json.Int(report.bucket_ms);
  WriteFigureFields(json, report.bucket);
  json.EndObject();
}

}  // namespace mltrack::analytics
