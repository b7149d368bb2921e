#include "analytics/anomalies.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "analytics/anomaly_explain.h"
#include "analytics/dashboard_support.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "query/query_parser.h"
#include "query/scan_pool.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxCells = query::kMaxQueryLimit;  // rows of the bucketed query
// Series judged on two threads from this many on (one series of ~700 hours takes ~0.1–0.2 ms).
constexpr size_t kParallelSeries = 8;

const std::vector<std::string> kDefaultMetrics = {"sum:cost_usd", "count", "rate:error", "p95:latency_ms"};

// Sums and counts: a bucket without events is 0, not a gap (once the series has begun).
bool Additive(const query::MetricSpec& metric) {
  return metric.kind == query::AggregateKind::kCount || metric.kind == query::AggregateKind::kSum ||
         metric.kind == query::AggregateKind::kCountPresent;
}

DetectorParams ParamsFor(const query::MetricSpec& metric, DetectorParams params) {
  params.counts = metric.kind == query::AggregateKind::kCount;
  params.non_negative = metric.field.id != FieldId::kScore;
  return params;
}

std::string Severity(double score) {
  if (score >= 0.9) return "critical";  // ≥ 3× the threshold
  if (score >= 0.8) return "high";      // ≥ 2×
  return "medium";
}

}  // namespace

Result<AnomalyRequest> ParseAnomalyRequest(const QueryParams& query, int64_t now_ms) {
  Result<DashboardParams> params =
      ParseDashboardParams(query, now_ms, {"metric", "group_by", "history", "series", "limit"});
  if (!params.ok()) return params.status();
  AnomalyRequest request;
  request.params = std::move(*params);
  std::vector<ErrorDetail> errors;
  for (const auto& [key, value] : query) {
    if (key == "metric") {
      Result<query::MetricSpec> metric = query::ParseMetric(value, "metric");
      if (!metric.ok()) errors.push_back({-1, "metric", metric.status().message()});
      else request.metrics.push_back(value);
    } else if (key == "group_by") {
      std::optional<FieldRef> field = ParseFieldRef(value);
      const bool dimension = field && (field->id == FieldId::kTag || GetFieldInfo(field->id).dimension);
      if (!value.empty() && !dimension) errors.push_back({-1, "group_by", "must be a dimension, got \"" + value + "\""});
      else request.group_by = value;
    } else if (key == "history") {
      Result<int64_t> history = value == "0" ? Result<int64_t>(int64_t{0}) : ParseDuration(value);
      if (!history.ok() || *history < 0 || *history > 366 * kDayMs) {
        errors.push_back({-1, "history", "must be 0 or a duration up to 366d, like 28d"});
      } else {
        request.history_ms = *history;
      }
    } else if (key == "series") {
      if (value == "none") request.series = SeriesOutput::kNone;
      else if (value == "anomalous") request.series = SeriesOutput::kAnomalous;
      else if (value == "all") request.series = SeriesOutput::kAll;
      else errors.push_back({-1, "series", "must be none, anomalous or all"});
    } else if (key == "limit") {
      char* end = nullptr;
      const long long limit = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || limit < 1 || limit > 1000) errors.push_back({-1, "limit", "must be 1..1000"});
      else request.max_series = limit;
    }
  }
  if (request.params.bucket != "auto") {
    Result<int64_t> bucket = request.params.bucket == "1M" ? Result<int64_t>(Status::InvalidArgument("month"))
                                                          : ParseDuration(request.params.bucket);
    if (!bucket.ok() || *bucket < kMinuteMs || *bucket > kDayMs || *bucket % kMinuteMs != 0) {
      errors.push_back({-1, "bucket", "must be auto (1h) or a whole number of minutes from 1m to 1d"});
    } else {
      request.bucket_ms = *bucket;
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid anomaly parameters", std::move(errors));
  if (request.metrics.empty()) request.metrics = kDefaultMetrics;
  return request;
}

namespace {

// The keys with the most events in the range (one query grouped by the dimension).
Result<std::vector<std::string>> TopKeys(const AnomalyRequest& request, const FieldRef& dimension,
                                         int64_t from_ms, int64_t& keys_total, const QueryRunner& run) {
  query::QuerySpec spec = BaseSpec(request.params, from_ms, request.params.to_ms);
  spec.group_by = {dimension};
  MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "count"));
  spec.order_by = {{"count", true}, {dimension.Name(), false}};
  spec.limit = request.max_series + 1;  // one more: a null key (events without the field) is skipped
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  std::vector<std::string> keys;
  keys_total = static_cast<int64_t>(result->total_groups);
  for (const auto& row : result->rows) {
    if (std::holds_alternative<std::monostate>(row[0])) {
      --keys_total;
      continue;
    }
    if (static_cast<int64_t>(keys.size()) < request.max_series) keys.push_back(std::string(CellString(row[0])));
  }
  return keys;
}

}  // namespace

Result<AnomalyReport> DetectAnomalies(const AnomalyRequest& request, const QueryRunner& run) {
  const DashboardParams& params = request.params;
  AnomalyReport report;
  report.bucket_ms = request.bucket_ms;
  report.from_ms = params.from_ms;
  report.to_ms = params.to_ms;
  report.group_by = request.group_by;
  report.metrics = request.metrics;

  std::optional<FieldRef> dimension;
  if (!request.group_by.empty()) dimension = ParseFieldRef(request.group_by);
  std::vector<std::string> keys = {""};
  if (dimension) {
    Result<std::vector<std::string>> top = TopKeys(request, *dimension, params.from_ms, report.keys_total, run);
    if (!top.ok()) return top.status();
    keys = std::move(*top);
  } else {
    report.keys_total = 1;
  }
  if (keys.empty()) return report;

  // History, cut so that the bucketed query stays within one result (buckets × keys rows).
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.bucket_ms = request.bucket_ms;
  Result<std::vector<int64_t>> judged_starts = BucketStarts(spec);
  if (!judged_starts.ok()) return judged_starts.status();
  const int64_t judged = static_cast<int64_t>(judged_starts->size());
  const int64_t per_key = std::max<int64_t>(judged, kMaxCells / static_cast<int64_t>(keys.size()));
  const int64_t history_buckets = std::min(request.history_ms / request.bucket_ms, per_key - judged);
  spec.from_ms = params.from_ms - history_buckets * request.bucket_ms;
  report.history_from_ms = spec.from_ms;
  Result<std::vector<int64_t>> starts = BucketStarts(spec);
  if (!starts.ok()) return starts.status();
  const size_t first_judged = static_cast<size_t>(std::lower_bound(starts->begin(), starts->end(),
                                                                   judged_starts->front()) - starts->begin());
  report.starts.assign(starts->begin() + static_cast<std::ptrdiff_t>(first_judged), starts->end());

  for (const std::string& metric : request.metrics) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, metric));
  // A rate is judged with the calls behind each of its buckets (JudgeSeries): a count column,
  // added when the request has none.
  std::optional<size_t> count_column;
  bool any_rate = false;
  for (size_t metric_idx = 0; metric_idx < request.metrics.size(); ++metric_idx) {
    if (spec.metrics[metric_idx].kind == query::AggregateKind::kCount) count_column = metric_idx;
    any_rate |= spec.metrics[metric_idx].kind == query::AggregateKind::kRate;
  }
  if (any_rate && !count_column) {
    count_column = spec.metrics.size();
    MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "count"));
  }
  if (dimension) {
    spec.group_by = {*dimension};
    query::Filter only;
    only.field = *dimension;
    only.op = query::FilterOp::kIn;
    for (const std::string& key : keys) only.values.emplace_back(key);
    spec.filters.push_back(std::move(only));
  }
  spec.limit = kMaxCells;
  spec.any_order = true;  // folded by key and bucket below: ~70,000 rows need no sort by t and key
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  if (result->truncated) return Status::Internal("anomaly query truncated at " + std::to_string(kMaxCells) + " rows");

  // Fold rows into one value vector per (key, metric).
  const size_t metric_count = request.metrics.size();
  const size_t first_metric = dimension ? 2 : 1;
  std::map<std::string, size_t, std::less<>> key_index;
  for (size_t key_idx = 0; key_idx < keys.size(); ++key_idx) key_index[keys[key_idx]] = key_idx;
  std::vector<std::vector<std::optional<double>>> values(keys.size() * metric_count,
                                                         std::vector<std::optional<double>>(starts->size()));
  std::vector<std::vector<double>> calls(count_column ? keys.size() : 0, std::vector<double>(starts->size(), 0.0));
  for (const auto& row : result->rows) {
    const int64_t t = CellInt(row[0]).value_or(0);
    const auto at = std::lower_bound(starts->begin(), starts->end(), t);
    if (at == starts->end() || *at != t) continue;
    const size_t bucket_idx = static_cast<size_t>(at - starts->begin());
    auto key = key_index.find(dimension ? CellString(row[1]) : std::string_view());
    if (key == key_index.end()) continue;
    for (size_t metric_idx = 0; metric_idx < metric_count; ++metric_idx) {
      values[key->second * metric_count + metric_idx][bucket_idx] = CellNumber(row[first_metric + metric_idx]);
    }
    if (count_column) calls[key->second][bucket_idx] = CellNumber(row[first_metric + *count_column]).value_or(0.0);
  }

  // Each (key, metric) series is judged on its own (JudgeSeries is pure): on both cores when there
  // are many (the anomalies by user: 100 series of ~700 hours), then reported in order.
  std::vector<std::vector<JudgedBucket>> judged_series(values.size());
  auto judge = [&](size_t series_idx) {
    const size_t key_idx = series_idx / metric_count;
    const size_t metric_idx = series_idx % metric_count;
    std::vector<std::optional<double>>& series = values[series_idx];
    const query::MetricSpec& metric = spec.metrics[metric_idx];
    if (Additive(metric)) {
      // Zero from the series' first event on; an unfinished last bucket is not judged.
      auto first = std::find_if(series.begin(), series.end(), [](const auto& value) { return value.has_value(); });
      for (auto it = first; it != series.end(); ++it) *it = it->value_or(0.0);
      if (!series.empty() && starts->back() + request.bucket_ms > params.to_ms) series.back().reset();
    }
    const bool rate = metric.kind == query::AggregateKind::kRate;
    judged_series[series_idx] = JudgeSeries(series, request.bucket_ms, first_judged, ParamsFor(metric, request.detector),
                                            rate ? calls[key_idx] : std::vector<double>{});
  };
  if (values.size() >= kParallelSeries) {
    std::atomic<size_t> next{0};
    query::ScanPool::Shared().Run(2, [&](size_t) {
      for (size_t series_idx = next++; series_idx < values.size(); series_idx = next++) judge(series_idx);
    });
  } else {
    for (size_t series_idx = 0; series_idx < values.size(); ++series_idx) judge(series_idx);
  }

  for (size_t key_idx = 0; key_idx < keys.size(); ++key_idx) {
    for (size_t metric_idx = 0; metric_idx < metric_count; ++metric_idx) {
      const std::vector<JudgedBucket>& buckets = judged_series[key_idx * metric_count + metric_idx];
      AnomalySeries out;
      out.dimension = request.group_by;
      out.key = keys[key_idx];
      out.metric = request.metrics[metric_idx];
      for (size_t bucket_idx = first_judged; bucket_idx < buckets.size(); ++bucket_idx) {
        const JudgedBucket& bucket = buckets[bucket_idx];
        if (!bucket.reported) continue;
        out.has_anomaly = true;
        Anomaly anomaly;
        anomaly.t = (*starts)[bucket_idx];
        anomaly.dimension = out.dimension;
        anomaly.key = out.key;
        anomaly.metric = out.metric;
        anomaly.actual = *bucket.actual;
        anomaly.expected = *bucket.expected;
        anomaly.lower = *bucket.lower;
        anomaly.upper = *bucket.upper;
        anomaly.score = *bucket.score;
        anomaly.severity = Severity(anomaly.score);
        anomaly.explanation = ExplainAnomaly({out.metric, out.dimension, out.key, anomaly.t, request.bucket_ms,
                                              anomaly.actual, anomaly.expected, bucket.seasonality});
        report.anomalies.push_back(std::move(anomaly));
      }
      if (request.series == SeriesOutput::kAll || (request.series == SeriesOutput::kAnomalous && out.has_anomaly)) {
        out.buckets.assign(buckets.begin() + static_cast<std::ptrdiff_t>(first_judged), buckets.end());
        report.series.push_back(std::move(out));
      }
    }
  }
  std::stable_sort(report.anomalies.begin(), report.anomalies.end(),
                   [](const Anomaly& a, const Anomaly& b) { return a.t > b.t; });
  return report;
}

namespace {

void WriteKey(JsonWriter& json, const std::string& dimension, const std::string& key) {
  json.Key("key");
  json.BeginObject();
  if (!dimension.empty()) {
    json.Key(dimension);
    json.String(key);
  }
  json.EndObject();
}

template <typename Get>
void WriteColumn(JsonWriter& json, std::string_view name, const std::vector<JudgedBucket>& buckets, Get get) {
  json.Key(name);
  json.BeginArray();
  for (const JudgedBucket& bucket : buckets) WriteOptional(json, get(bucket));
  json.EndArray();
}

}  // namespace

std::string AnomalyReportJson(const AnomalyReport& report, SeriesOutput series) {
  JsonWriter json;
  json.BeginObject();
  json.Key("bucket_ms");
  json.Int(report.bucket_ms);
  json.Key("from");
  json.Int(report.from_ms);
  json.Key("to");
  json.Int(report.to_ms);
  json.Key("history_from");
  json.Int(report.history_from_ms);
  json.Key("group_by");
  if (report.group_by.empty()) json.Null();
  else json.String(report.group_by);
  json.Key("metrics");
  json.BeginArray();
  for (const std::string& metric : report.metrics) json.String(metric);
  json.EndArray();
  json.Key("keys_total");
  json.Int(report.keys_total);
  json.Key("t");
  json.BeginArray();
  if (series != SeriesOutput::kNone) {
    for (int64_t start : report.starts) json.Int(start);
  }
  json.EndArray();
  json.Key("series");
  json.BeginArray();
  for (const AnomalySeries& one : report.series) {
    json.BeginObject();
    WriteKey(json, one.dimension, one.key);
    json.Key("metric");
    json.String(one.metric);
    WriteColumn(json, "actual", one.buckets, [](const JudgedBucket& b) { return b.actual; });
    WriteColumn(json, "expected", one.buckets, [](const JudgedBucket& b) { return b.expected; });
    WriteColumn(json, "lower", one.buckets, [](const JudgedBucket& b) { return b.lower; });
    WriteColumn(json, "upper", one.buckets, [](const JudgedBucket& b) { return b.upper; });
    WriteColumn(json, "score", one.buckets, [](const JudgedBucket& b) { return b.score; });
    json.EndObject();
  }
  json.EndArray();
  json.Key("anomalies");
  json.BeginArray();
  for (const Anomaly& anomaly : report.anomalies) {
    json.BeginObject();
    json.Key("t");
    json.Int(anomaly.t);
    WriteKey(json, anomaly.dimension, anomaly.key);
    json.Key("metric");
    json.String(anomaly.metric);
    for (auto [name, value] : {std::pair{"actual", anomaly.actual}, {"expected", anomaly.expected},
                               {"lower", anomaly.lower}, {"upper", anomaly.upper}, {"score", anomaly.score}}) {
      json.Key(name);
      json.Double(value);
    }
    json.Key("severity");
    json.String(anomaly.severity);
    json.Key("explanation");
    json.String(anomaly.explanation);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
