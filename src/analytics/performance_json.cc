// The JSON of GET /api/analytics/performance (docs/api.md), written from a PerformanceReport.
#include "analytics/dashboard_support.h"
#include "analytics/performance.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

void Field(JsonWriter& json, std::string_view key, std::optional<double> value) {
  json.Key(key);
  WriteOptional(json, value);
}

void Field(JsonWriter& json, std::string_view key, double value) {
  json.Key(key);
  json.Double(value);
}

void Field(JsonWriter& json, std::string_view key, int64_t value) {
  json.Key(key);
  json.Int(value);
}

void Field(JsonWriter& json, std::string_view key, std::string_view value) {
  json.Key(key);
  json.String(value);
}

void PercentileFields(JsonWriter& json, const Percentiles& p) {
  Field(json, "p50", p.p50);
  Field(json, "p90", p.p90);
  Field(json, "p95", p.p95);
  Field(json, "p99", p.p99);
}

void ModelName(JsonWriter& json, const ModelPerformance& model) {
  Field(json, "model", model.model);
  Field(json, "provider", model.provider);
}

// "by_model": [{"model", "provider", "calls", ...fields}] over the top models.
template <typename Fields>
void WriteByModel(JsonWriter& json, const PerformanceReport& report, Fields fields) {
  json.Key("by_model");
  json.BeginArray();
  for (const ModelPerformance& model : report.models) {
    json.BeginObject();
    ModelName(json, model);
    Field(json, "calls", model.calls);
    fields(model);
    json.EndObject();
  }
  json.EndArray();
}

// "latency" and "ttft": overall, per bucket (null figures in a gap) and per model.
void WritePercentileSection(JsonWriter& json, std::string_view name, const PerformanceReport& report,
                            const Percentiles OverallFigures::*overall, const Percentiles BucketFigures::*bucket,
                            const Percentiles ModelPerformance::*model, const int64_t ModelPerformance::*calls) {
  json.Key(name);
  json.BeginObject();
  json.Key("overall");
  json.BeginObject();
  PercentileFields(json, report.now.*overall);
  json.EndObject();
  json.Key("previous");
  json.BeginObject();
  PercentileFields(json, report.previous.*overall);
  json.EndObject();
  json.Key("over_time");
  json.BeginArray();
  for (const BucketFigures& point : report.buckets) {
    json.BeginObject();
    Field(json, "t", point.t);
    PercentileFields(json, point.*bucket);
    json.EndObject();
  }
  json.EndArray();
  json.Key("by_model");
  json.BeginArray();
  for (const ModelPerformance& figures : report.models) {
    json.BeginObject();
    ModelName(json, figures);
    Field(json, "calls", figures.*calls);
    PercentileFields(json, figures.*model);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteThroughput(JsonWriter& json, const PerformanceReport& report) {
  json.Key("throughput");
  json.BeginObject();
  WriteByModel(json, report, [&](const ModelPerformance& model) {
    Field(json, "tokens_per_s_p50", model.tokens_per_s_p50);
    Field(json, "tokens_per_s_p90", model.tokens_per_s_p90);
  });
  json.EndObject();
}

void WriteDistribution(JsonWriter& json, const PerformanceReport& report) {
  json.Key("distribution");
  json.BeginObject();
  json.Key("by_model");
  json.BeginArray();
  for (const ModelPerformance& model : report.models) {
    if (!model.distribution) continue;  // no latencies
    const BoxViolin& box = *model.distribution;
    json.BeginObject();
    ModelName(json, model);
    Field(json, "calls", model.calls);
    for (auto [key, value] : {std::pair{"min", box.min}, {"q1", box.q1}, {"median", box.median}, {"q3", box.q3},
                              {"max", box.max}, {"whisker_low", box.whisker_low}, {"whisker_high", box.whisker_high}}) {
      json.Key(key);
      json.Double(value);
    }
    json.Key("outliers");
    json.BeginArray();
    for (double value : box.outliers) json.Double(value);
    json.EndArray();
    json.Key("density");
    json.BeginArray();
    for (const DensityBin& bin : box.density) {
      json.BeginObject();
      json.Key("lo");
      json.Double(bin.lo);
      json.Key("hi");
      json.Double(bin.hi);
      json.Key("share");
      json.Double(bin.share);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteSlices(JsonWriter& json, std::string_view name, std::string_view key, const std::vector<ErrorSlice>& slices) {
  json.Key(name);
  json.BeginArray();
  for (const ErrorSlice& slice : slices) {
    json.BeginObject();
    Field(json, key, slice.key);
    Field(json, "calls", slice.calls);
    Field(json, "errors", slice.errors);
    Field(json, "rate", slice.rate);
    json.EndObject();
  }
  json.EndArray();
}

void WriteErrors(JsonWriter& json, const PerformanceReport& report) {
  json.Key("errors");
  json.BeginObject();
  Field(json, "errors", report.now.errors);
  Field(json, "rate", report.now.error_rate);
  Field(json, "previous_errors", report.previous.errors);
  Field(json, "previous_rate", report.previous.error_rate);
  json.Key("types");
  json.BeginArray();
  for (const std::string& type : report.error_type_order) json.String(type);
  json.EndArray();
  json.Key("over_time");
  json.BeginArray();
  for (const BucketFigures& point : report.buckets) {
    json.BeginObject();
    Field(json, "t", point.t);
    if (point.calls == 0) {
      json.Key("calls");
      json.Null();
      json.Key("errors");
      json.Null();
    } else {
      Field(json, "calls", point.calls);
      Field(json, "errors", point.errors);
    }
    Field(json, "rate", point.error_rate);
    json.Key("by_type");
    json.BeginObject();
    for (const auto& [type, count] : point.errors_by_type) Field(json, type, count);
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
  WriteSlices(json, "by_model", "model", report.errors_by_model);
  WriteSlices(json, "by_provider", "provider", report.errors_by_provider);
  WriteSlices(json, "by_endpoint", "endpoint", report.errors_by_endpoint);
  json.Key("by_error_type");
  json.BeginArray();
  for (const ErrorTypeFigures& type : report.error_types) {
    json.BeginObject();
    Field(json, "error_type", type.error_type);
    Field(json, "errors", type.errors);
    Field(json, "previous", type.previous);
    Field(json, "change_pct", type.change_pct);
    Field(json, "share", type.share);
    json.EndObject();
  }
  json.EndArray();
  json.Key("by_http_status");
  json.BeginArray();
  for (const HttpStatusErrors& status : report.errors_by_http_status) {
    json.BeginObject();
    Field(json, "http_status", status.http_status);
    Field(json, "errors", status.errors);
    Field(json, "share", status.share);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteCache(JsonWriter& json, const PerformanceReport& report) {
  json.Key("cache");
  json.BeginObject();
  Field(json, "rate", report.now.cache_hit_rate);
  Field(json, "previous_rate", report.previous.cache_hit_rate);
  json.Key("over_time");
  json.BeginArray();
  for (const BucketFigures& point : report.buckets) {
    json.BeginObject();
    Field(json, "t", point.t);
    Field(json, "rate", point.cache_hit_rate);
    json.EndObject();
  }
  json.EndArray();
  WriteByModel(json, report, [&](const ModelPerformance& model) { Field(json, "rate", model.cache_hit_rate); });
  json.EndObject();
}

void WriteMatrix(JsonWriter& json, const Matrix& matrix) {
  json.Key("matrix");
  json.BeginObject();
  json.Key("columns");
  json.BeginArray();
  for (const MatrixColumn& column : matrix.columns) {
    json.BeginObject();
    Field(json, "key", column.key);
    Field(json, "label", column.label);
    Field(json, "unit", column.unit);
    Field(json, "better", column.lower_is_better ? "lower" : "higher");
    json.EndObject();
  }
  json.EndArray();
  json.Key("rows");
  json.BeginArray();
  for (const MatrixRow& row : matrix.rows) {
    json.BeginObject();
    Field(json, "model", row.model);
    Field(json, "provider", row.provider);
    Field(json, "calls", row.calls);
    json.Key("cells");
    json.BeginArray();
    for (size_t column = 0; column < row.values.size(); ++column) {
      json.BeginObject();
      Field(json, "value", row.values[column]);
      Field(json, "score", row.scores[column]);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteSlo(JsonWriter& json, const PerformanceReport& report) {
  json.Key("slo");
  if (!report.slo) {
    json.Null();
    return;
  }
  const SloFigures& slo = *report.slo;
  const double allowed = 1.0 - slo.target / 100.0;
  json.BeginObject();
  json.Key("threshold_ms");
  json.Double(slo.threshold_ms);
  json.Key("target");
  json.Double(slo.target);
  Field(json, "calls", slo.calls);
  Field(json, "good", slo.good);
  Field(json, "compliance", slo.compliance);
  Field(json, "budget_consumed", slo.budget_consumed);
  json.Key("over_time");
  json.BeginArray();
  for (const BucketFigures& point : report.buckets) {
    json.BeginObject();
    Field(json, "t", point.t);
    const bool measured = point.slo_calls > 0;
    json.Key("calls");
    measured ? json.Int(point.slo_calls) : json.Null();
    json.Key("good");
    measured ? json.Int(point.slo_good) : json.Null();
    const double bad_share = measured ? static_cast<double>(point.slo_calls - point.slo_good) / point.slo_calls : 0;
    Field(json, "compliance", measured ? std::optional<double>(1.0 - bad_share) : std::nullopt);
    Field(json, "burn_rate", measured ? std::optional<double>(bad_share / allowed) : std::nullopt);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteScatter(JsonWriter& json, const PerformanceReport& report) {
  json.Key("scatter");
  json.BeginObject();
  json.Key("output_tokens_width");
  json.Double(report.scatter_output_width);
  json.Key("ttft_ms_width");
  json.Double(report.scatter_ttft_width);
  json.Key("sampled");
  json.Bool(report.scatter_sampled);
  Field(json, "sampled_calls", report.scatter_sampled_calls);
  json.Key("cells");
  json.BeginArray();
  for (const ScatterCell& cell : report.scatter) {
    json.BeginObject();
    Field(json, "model", cell.model);
    json.Key("output_tokens");
    json.Double(cell.output_tokens_lo);
    json.Key("ttft_ms");
    json.Double(cell.ttft_ms_lo);
    Field(json, "calls", cell.calls);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

std::string PerformanceJson(const PerformanceReport& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  Field(json, "from", FormatRfc3339(report.from_ms));
  Field(json, "to", FormatRfc3339(report.to_ms));
  Field(json, "previous_from", FormatRfc3339(report.previous_from_ms));
  Field(json, "previous_to", FormatRfc3339(report.from_ms));
  Field(json, "bucket", report.bucket_label);
  Field(json, "bucket_ms", report.bucket.ms);
  json.EndObject();
  json.Key("demo");
  json.Bool(report.demo);
  Field(json, "total_events", report.now.calls);
  Field(json, "models_total", static_cast<int64_t>(report.models_total));

  json.Key("summary");
  json.BeginObject();
  auto as_double = [](int64_t value) { return std::optional<double>(static_cast<double>(value)); };
  BeginFigure(json, "calls", as_double(report.now.calls), as_double(report.previous.calls));
  json.EndObject();
  BeginFigure(json, "latency_p50_ms", report.now.latency.p50, report.previous.latency.p50);
  json.EndObject();
  BeginFigure(json, "latency_p95_ms", report.now.latency.p95, report.previous.latency.p95);
  json.EndObject();
  BeginFigure(json, "latency_p99_ms", report.now.latency.p99, report.previous.latency.p99);
  json.EndObject();
  BeginFigure(json, "ttft_p50_ms", report.now.ttft.p50, report.previous.ttft.p50);
  json.EndObject();
  BeginFigure(json, "error_rate", report.now.error_rate, report.previous.error_rate);
  json.EndObject();
  BeginFigure(json, "cache_hit_rate", report.now.cache_hit_rate, report.previous.cache_hit_rate);
  json.EndObject();
  json.EndObject();

  WritePercentileSection(json, "latency", report, &OverallFigures::latency, &BucketFigures::latency,
                         &ModelPerformance::latency, &ModelPerformance::calls);
  WritePercentileSection(json, "ttft", report, &OverallFigures::ttft, &BucketFigures::ttft, &ModelPerformance::ttft,
                         &ModelPerformance::ttft_calls);
  WriteThroughput(json, report);
  WriteDistribution(json, report);
  WriteErrors(json, report);
  WriteCache(json, report);
  WriteMatrix(json, report.matrix);
  WriteSlo(json, report);
  WriteScatter(json, report);
  json.Key("annotations");
  json.BeginArray();
  for (const Annotation& annotation : report.annotations) WriteAnnotationJson(json, annotation);
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
