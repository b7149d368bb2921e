// The JSON of GET /api/analytics/ab (docs/api.md), written from the typed comparison.
#include <cmath>

#include "analytics/ab_comparison.h"
#include "analytics/dashboard_support.h"
#include "analytics/stats/power.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

void WriteInterval(JsonWriter& json, std::string_view key, const std::optional<stats::Interval>& interval) {
  json.Key(key);
  if (!interval) {
    json.Null();
    return;
  }
  json.BeginArray();
  json.Double(interval->lo);
  json.Double(interval->hi);
  json.EndArray();
}

void WriteSide(JsonWriter& json, std::string_view key, const AbSide& side) {
  json.Key(key);
  json.BeginObject();
  json.Key("value");
  json.String(side.value);
  json.Key("calls");
  json.Int(side.calls);
  json.Key("cost_usd");
  if (side.priced_calls > 0) {
    json.Money(side.cost);
  } else {
    json.Null();
  }
  json.EndObject();
}

void WriteMeanSide(JsonWriter& json, std::string_view key, const stats::SampleSummary& sample) {
  json.Key(key);
  json.BeginObject();
  json.Key("n");
  json.Int(sample.n);
  json.Key("mean");
  WriteOptional(json, sample.n > 0 ? std::optional<double>(sample.mean) : std::nullopt);
  json.Key("sd");
  WriteOptional(json, sample.n >= 2 ? std::optional<double>(std::sqrt(sample.variance)) : std::nullopt);
  json.EndObject();
}

void WriteRateSide(JsonWriter& json, std::string_view key, const stats::ProportionSample& sample,
                   const std::optional<stats::Interval>& ci) {
  json.Key(key);
  json.BeginObject();
  json.Key("n");
  json.Int(sample.n);
  json.Key("successes");
  json.Int(sample.successes);
  json.Key("rate");
  WriteOptional(json, sample.n > 0 ? std::optional<double>(sample.rate()) : std::nullopt);
  WriteInterval(json, "ci95", ci);
  json.EndObject();
}

std::string_view PreferredName(Preferred preferred) {
  switch (preferred) {
    case Preferred::kLower:
      return "lower";
    case Preferred::kHigher:
      return "higher";
    case Preferred::kNeither:
      break;
  }
  return "neither";
}

void WriteMetric(JsonWriter& json, const AbMetric& metric) {
  json.BeginObject();
  json.Key("metric");
  json.String(metric.metric);
  json.Key("label");
  json.String(metric.label);
  json.Key("unit");
  json.String(metric.unit);
  json.Key("better");
  json.String(PreferredName(metric.preferred));
  json.Key("test");
  json.String(metric.test);
  if (metric.is_rate) {
    WriteRateSide(json, "a", metric.rate_a, metric.rate_ci_a);
    WriteRateSide(json, "b", metric.rate_b, metric.rate_ci_b);
  } else {
    WriteMeanSide(json, "a", metric.mean_a);
    WriteMeanSide(json, "b", metric.mean_b);
  }
  json.Key("diff");
  WriteOptional(json, metric.diff);
  WriteInterval(json, "ci95", metric.ci95);
  json.Key("rel_diff");
  WriteOptional(json, metric.rel_diff);
  WriteInterval(json, "rel_ci95", metric.rel_ci95);
  json.Key("p_value");
  WriteOptional(json, metric.p_value);
  json.Key("p_adjusted");
  WriteOptional(json, metric.p_adjusted);
  json.Key("significant");
  json.Bool(metric.significant);
  json.Key("mde");
  WriteOptional(json, metric.mde);
  json.Key("mde_rel");
  WriteOptional(json, metric.mde_rel);
  json.EndObject();
}

}  // namespace

std::string AbComparisonJson(const DashboardParams& params, const AbComparison& comparison) {
  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(params.from_ms));
  json.Key("to");
  json.String(FormatRfc3339(params.to_ms));
  json.EndObject();
  json.Key("dimension");
  json.String(comparison.dimension);
  WriteSide(json, "a", comparison.a);
  WriteSide(json, "b", comparison.b);
  json.Key("alpha");
  json.Double(stats::kAlpha);
  json.Key("power");
  json.Double(stats::kPower);
  json.Key("metrics");
  json.BeginArray();
  for (const AbMetric& metric : comparison.metrics) WriteMetric(json, metric);
  json.EndArray();
  json.Key("verdict");
  json.String(comparison.verdict);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
