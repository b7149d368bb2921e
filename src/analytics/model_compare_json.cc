// The JSON of GET /api/analytics/models/compare (docs/api.md), written from the typed comparison
// and rankings in one place.
#include <cmath>

#include "analytics/dashboard_support.h"
#include "analytics/model_compare.h"
#include "analytics/model_ranking.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

void WriteInterval(JsonWriter& json, const std::optional<stats::Interval>& interval) {
  if (!interval) {
    json.Null();
    return;
  }
  json.BeginArray();
  json.Double(interval->lo);
  json.Double(interval->hi);
  json.EndArray();
}

void WritePercentiles(JsonWriter& json, const Percentiles& percentiles) {
  json.Key("p50");
  WriteOptional(json, percentiles.p50);
  json.Key("p90");
  WriteOptional(json, percentiles.p90);
  json.Key("p95");
  WriteOptional(json, percentiles.p95);
  json.Key("p99");
  WriteOptional(json, percentiles.p99);
}

void WriteFeatures(JsonWriter& json, const ModelFigures& model) {
  auto stated = [&](std::string_view key, bool yes) {
    json.Key(key);
    json.String(yes ? "yes" : "unknown");
  };
  json.Key("features");
  json.BeginObject();
  json.Key("in_catalogue");
  json.Bool(model.in_catalogue);
  json.Key("context_window");
  if (model.facts.context_window) {
    json.Int(*model.facts.context_window);
  } else {
    json.Null();
  }
  stated("vision", model.facts.vision);
  stated("tools", model.facts.tools);
  stated("reasoning", model.facts.reasoning || model.reasoning_calls > 0);  // stated, or observed
  json.Key("streaming");
  json.String(model.streaming_share.value_or(0) > 0 ? "yes" : "not_observed");
  json.Key("streaming_share");
  WriteOptional(json, model.streaming_share);
  json.EndObject();
}

void WriteModel(JsonWriter& json, const ModelFigures& model) {
  json.BeginObject();
  json.Key("model");
  json.String(model.model);
  json.Key("provider");
  json.String(model.provider);
  json.Key("calls");
  json.Int(model.calls);
  json.Key("priced_calls");
  json.Int(model.priced_calls);
  json.Key("cost_usd");
  if (model.priced_calls > 0) {
    json.Money(model.cost);
  } else {
    json.Null();  // unpriced, never zero
  }
  json.Key("cost_per_call_usd");
  WriteOptional(json, model.cost_per_call_usd);
  json.Key("cost_per_1k_usd");
  json.BeginObject();
  json.Key("input");
  WriteOptional(json, model.list_input_per_1k_usd);
  json.Key("output");
  WriteOptional(json, model.list_output_per_1k_usd);
  json.Key("blended");
  WriteOptional(json, model.cost_per_1k_usd);
  json.EndObject();
  json.Key("tokens");
  json.BeginObject();
  json.Key("input");
  json.Int(model.input_tokens);
  json.Key("output");
  json.Int(model.output_tokens);
  json.EndObject();
  json.Key("latency_ms");
  json.BeginObject();
  WritePercentiles(json, model.latency_ms);
  json.EndObject();
  json.Key("ttft_ms");
  json.BeginObject();
  WritePercentiles(json, model.ttft_ms);
  json.EndObject();
  json.Key("tokens_per_s");
  WriteOptional(json, model.tokens_per_s);
  json.Key("error_rate");
  json.BeginObject();
  json.Key("value");
  WriteOptional(json, model.error_rate);
  json.Key("errors");
  json.Int(model.errors);
  json.Key("ci95");
  WriteInterval(json, model.error_rate_ci95);
  json.EndObject();
  json.Key("cache_hit_rate");
  WriteOptional(json, model.cache_hit_rate);
  json.Key("scores");
  json.BeginArray();
  for (const ScoreSummary& score : model.scores) {
    json.BeginObject();
    json.Key("name");
    json.String(score.name);
    json.Key("n");
    json.Int(score.sample.n);
    json.Key("mean");
    json.Double(score.sample.mean);
    json.Key("sd");
    WriteOptional(json, score.sample.n >= 2 ? std::optional<double>(std::sqrt(score.sample.variance)) : std::nullopt);
    json.Key("ci95");
    WriteInterval(json, score.ci95);
    json.EndObject();
  }
  json.EndArray();
  WriteFeatures(json, model);
  json.EndObject();
}

void WriteRadar(JsonWriter& json, const ModelComparison& comparison, const Rankings& rankings) {
  json.Key("radar");
  json.BeginObject();
  json.Key("axes");
  json.BeginArray();
  for (const NormalizedMetric& axis : rankings.radar) {
    json.BeginObject();
    json.Key("metric");
    json.String(axis.metric.name);
    json.Key("label");
    json.String(axis.metric.label);
    json.Key("unit");
    json.String(axis.metric.unit);
    json.Key("better");
    json.String(axis.metric.better == Better::kHigher ? "higher" : "lower");
    json.Key("min");
    WriteOptional(json, axis.lo);
    json.Key("max");
    WriteOptional(json, axis.hi);
    json.EndObject();
  }
  json.EndArray();
  json.Key("series");
  json.BeginArray();
  for (size_t model_idx = 0; model_idx < comparison.models.size(); ++model_idx) {
    json.BeginObject();
    json.Key("model");
    json.String(comparison.models[model_idx].model);
    json.Key("values");
    json.BeginArray();
    for (const NormalizedMetric& axis : rankings.radar) WriteOptional(json, axis.normalized[model_idx]);
    json.EndArray();
    json.Key("raw");
    json.BeginArray();
    for (const NormalizedMetric& axis : rankings.radar) WriteOptional(json, axis.values[model_idx]);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteCostQuality(JsonWriter& json, const Rankings& rankings) {
  json.Key("cost_quality");
  json.BeginObject();
  json.Key("quality");
  if (rankings.quality.empty()) {
    json.Null();
  } else {
    json.String(rankings.quality);
  }
  json.Key("points");
  json.BeginArray();
  for (const CostQualityPoint& point : rankings.cost_quality) {
    json.BeginObject();
    json.Key("model");
    json.String(point.model);
    json.Key("cost_per_1k_usd");
    json.Double(point.cost_per_1k_usd);
    json.Key("quality");
    json.Double(point.quality);
    json.Key("ci95");
    WriteInterval(json, point.quality_ci95);
    json.Key("n");
    json.Int(point.quality_n);
    json.Key("pareto");
    json.Bool(point.pareto);
    json.EndObject();
  }
  json.EndArray();
  json.Key("frontier");  // the frontier's models from cheapest to dearest
  std::vector<const CostQualityPoint*> frontier;
  for (const CostQualityPoint& point : rankings.cost_quality) {
    if (point.pareto) frontier.push_back(&point);
  }
  std::sort(frontier.begin(), frontier.end(), [](const CostQualityPoint* a, const CostQualityPoint* b) {
    return a->cost_per_1k_usd != b->cost_per_1k_usd ? a->cost_per_1k_usd < b->cost_per_1k_usd : a->model < b->model;
  });
  json.BeginArray();
  for (const CostQualityPoint* point : frontier) json.String(point->model);
  json.EndArray();
  json.EndObject();
}

void WriteDecision(JsonWriter& json, const Decision& decision) {
  json.Key("decision");
  json.BeginObject();
  json.Key("weights");
  json.BeginArray();
  for (const auto& [metric, weight] : decision.weights) {
    json.BeginObject();
    json.Key("metric");
    json.String(metric);
    json.Key("weight");
    json.Double(weight);
    json.EndObject();
  }
  json.EndArray();
  json.Key("rows");
  json.BeginArray();
  for (const Decision::Row& row : decision.rows) {
    json.BeginObject();
    json.Key("model");
    json.String(row.model);
    json.Key("rank");
    json.Int(row.rank);
    json.Key("score");
    json.Double(row.score);
    json.Key("coverage");
    json.Double(row.coverage);
    json.Key("terms");
    json.BeginArray();
    for (const Decision::Term& term : row.terms) {
      json.BeginObject();
      json.Key("metric");
      json.String(term.metric);
      json.Key("weight");
      json.Double(term.weight);
      json.Key("value");
      WriteOptional(json, term.value);
      json.Key("normalized");
      WriteOptional(json, term.normalized);
      json.Key("contribution");
      json.Double(term.contribution);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

Result<std::string> ModelCompareJson(const DashboardParams& params, const CompareRequest& request,
                                     const QueryRunner& run, const CompareContext& context) {
  Result<ModelComparison> comparison = CompareModels(params, request, run, context);
  if (!comparison.ok()) return comparison.status();
  Result<Rankings> rankings = RankModels(*comparison, request);
  if (!rankings.ok()) return rankings.status();

  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(params.from_ms));
  json.Key("to");
  json.String(FormatRfc3339(params.to_ms));
  json.EndObject();
  json.Key("default_models");
  json.Bool(comparison->default_models);
  json.Key("quality");
  if (rankings->quality.empty()) {
    json.Null();
  } else {
    json.String(rankings->quality);
  }
  json.Key("models");
  json.BeginArray();
  for (const ModelFigures& model : comparison->models) WriteModel(json, model);
  json.EndArray();
  WriteRadar(json, *comparison, *rankings);
  WriteCostQuality(json, *rankings);
  WriteDecision(json, rankings->decision);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
