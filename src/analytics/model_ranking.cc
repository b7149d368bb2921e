#include "analytics/model_ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace mltrack::analytics {
namespace {

constexpr std::string_view kScorePrefix = "scores.";

struct FixedMetric {
  std::string_view name;
  std::string_view label;
  std::string_view unit;
  Better better;
};

constexpr FixedMetric kFixedMetrics[] = {
    {"cost", "Cost / 1K tokens", "usd", Better::kLower},
    {"cost_per_call", "Cost / call", "usd", Better::kLower},
    {"latency", "Latency p50", "ms", Better::kLower},
    {"latency_p95", "Latency p95", "ms", Better::kLower},
    {"ttft", "TTFT p50", "ms", Better::kLower},
    {"tokens_per_s", "Tokens / s", "tokens_per_s", Better::kHigher},
    {"error_rate", "Error rate", "ratio", Better::kLower},
    {"cache_hit_rate", "Cache hit rate", "ratio", Better::kHigher},
};

const ScoreSummary* FindScore(const ModelFigures& model, std::string_view name) {
  for (const ScoreSummary& score : model.scores) {
    if (score.name == name) return &score;
  }
  return nullptr;
}

// "quality" stands for the chosen score.
std::string_view ResolveQuality(std::string_view metric, std::string_view quality) {
  return metric == "quality" ? quality : metric;
}

}  // namespace

const std::vector<std::string>& RadarMetricNames() {
  static const std::vector<std::string> kNames = {"cost", "quality", "latency", "ttft", "tokens_per_s", "error_rate"};
  return kNames;
}

std::optional<RankMetric> FindRankMetric(std::string_view name, const ModelComparison& comparison,
                                         std::string_view quality) {
  for (const FixedMetric& fixed : kFixedMetrics) {
    if (fixed.name == name) {
      return RankMetric{std::string(fixed.name), std::string(fixed.label), std::string(fixed.unit), fixed.better};
    }
  }
  std::string_view score = ResolveQuality(name, quality);
  if (!score.starts_with(kScorePrefix)) {
    // "quality" with no score to stand for is still an axis, without values.
    if (name == "quality") return RankMetric{"quality", "Quality", "score", Better::kHigher};
    return std::nullopt;
  }
  std::string_view score_name = score.substr(kScorePrefix.size());
  for (const ModelFigures& model : comparison.models) {
    if (FindScore(model, score_name) != nullptr) {
      std::string label = name != "quality"             ? std::string(score_name)
                          : score_name == "quality" ? std::string("Quality")
                                                    : "Quality (" + std::string(score_name) + ")";
      return RankMetric{std::string(name), std::move(label), "score", Better::kHigher};
    }
  }
  return std::nullopt;
}

std::optional<double> MetricValue(const ModelFigures& model, std::string_view metric, std::string_view quality) {
  if (metric == "cost") return model.cost_per_1k_usd;
  if (metric == "cost_per_call") return model.cost_per_call_usd;
  if (metric == "latency") return model.latency_ms.p50;
  if (metric == "latency_p95") return model.latency_ms.p95;
  if (metric == "ttft") return model.ttft_ms.p50;
  if (metric == "tokens_per_s") return model.tokens_per_s;
  if (metric == "error_rate") return model.error_rate;
  if (metric == "cache_hit_rate") return model.cache_hit_rate;
  std::string_view score = ResolveQuality(metric, quality);
  if (!score.starts_with(kScorePrefix)) return std::nullopt;
  const ScoreSummary* found = FindScore(model, score.substr(kScorePrefix.size()));
  if (found == nullptr || found->sample.n == 0) return std::nullopt;
  return found->sample.mean;
}

NormalizedMetric Normalize(const ModelComparison& comparison, const RankMetric& metric, std::string_view quality) {
  NormalizedMetric out;
  out.metric = metric;
  for (const ModelFigures& model : comparison.models) {
    std::optional<double> value = MetricValue(model, metric.name, quality);
    if (value && !std::isfinite(*value)) value.reset();
    out.values.push_back(value);
    if (!value) continue;
    out.lo = out.lo ? std::min(*out.lo, *value) : *value;
    out.hi = out.hi ? std::max(*out.hi, *value) : *value;
  }
  for (const std::optional<double>& value : out.values) {
    if (!value) {
      out.normalized.emplace_back();
      continue;
    }
    const double span = *out.hi - *out.lo;
    if (!(span > 0)) {
      out.normalized.emplace_back(1.0);
      continue;
    }
    out.normalized.emplace_back(metric.better == Better::kHigher ? (*value - *out.lo) / span
                                                                 : (*out.hi - *value) / span);
  }
  return out;
}

Result<std::string> ChooseQuality(const ModelComparison& comparison, std::string_view requested) {
  std::map<std::string, std::pair<int, int64_t>, std::less<>> coverage;  // name → (models, values)
  for (const ModelFigures& model : comparison.models) {
    for (const ScoreSummary& score : model.scores) {
      if (score.sample.n == 0) continue;
      auto& [models, values] = coverage[score.name];
      ++models;
      values += score.sample.n;
    }
  }
  if (!requested.empty()) {
    if (!requested.starts_with(kScorePrefix) ||
        !coverage.contains(requested.substr(kScorePrefix.size()))) {
      std::string known;
      for (const auto& [name, unused] : coverage) known += (known.empty() ? "" : ", ") + std::string(kScorePrefix) + name;
      return Status::InvalidArgument(
          "invalid quality", {{-1, "quality",
                               "must be scores.<name> of a score the compared models have" +
                                   (known.empty() ? std::string(" (they have none)") : " (" + known + ")")}});
    }
    return std::string(requested);
  }
  const std::pair<int, int64_t>* best = nullptr;
  std::string best_name;
  for (const auto& [name, counts] : coverage) {
    if (best == nullptr || counts > *best) {
      best = &counts;
      best_name = name;
    }
  }
  return best == nullptr ? std::string() : std::string(kScorePrefix) + best_name;
}

void MarkParetoFrontier(std::vector<CostQualityPoint>& points) {
  for (CostQualityPoint& point : points) {
    point.pareto = std::none_of(points.begin(), points.end(), [&](const CostQualityPoint& other) {
      return other.cost_per_1k_usd <= point.cost_per_1k_usd && other.quality >= point.quality &&
             (other.cost_per_1k_usd < point.cost_per_1k_usd || other.quality > point.quality);
    });
  }
}

Result<Decision> DecideModels(const ModelComparison& comparison,
                              const std::vector<std::pair<std::string, double>>& weights,
                              std::string_view quality) {
  auto bad = [](std::string reason) {
    return Status::InvalidArgument("invalid weights", {{-1, "weights", std::move(reason)}});
  };
  std::set<std::string, std::less<>> seen;
  double total = 0;
  std::vector<NormalizedMetric> metrics;
  for (const auto& [name, weight] : weights) {
    if (!seen.insert(name).second) return bad("metric " + name + " is given twice");
    if (!std::isfinite(weight) || weight < 0) return bad("the weight of " + name + " must be a number ≥ 0");
    std::optional<RankMetric> metric = FindRankMetric(name, comparison, quality);
    if (!metric) {
      return bad("unknown metric " + name +
                 " (use cost, cost_per_call, quality, latency, latency_p95, ttft, tokens_per_s, "
                 "error_rate, cache_hit_rate or scores.<name> of a score the models have)");
    }
    metrics.push_back(Normalize(comparison, *metric, quality));
    total += weight;
  }
  if (!(total > 0)) return bad("at least one weight must be above 0");

  Decision decision;
  for (const auto& [name, weight] : weights) decision.weights.emplace_back(name, weight / total);
  for (size_t model_idx = 0; model_idx < comparison.models.size(); ++model_idx) {
    Decision::Row row;
    row.model = comparison.models[model_idx].model;
    for (size_t metric_idx = 0; metric_idx < metrics.size(); ++metric_idx) {
      Decision::Term term;
      term.metric = decision.weights[metric_idx].first;
      term.weight = decision.weights[metric_idx].second;
      term.value = metrics[metric_idx].values[model_idx];
      term.normalized = metrics[metric_idx].normalized[model_idx];
      if (term.normalized) {
        term.contribution = term.weight * *term.normalized;
        row.coverage += term.weight;
      }
      row.score += term.contribution;
      row.terms.push_back(std::move(term));
    }
    decision.rows.push_back(std::move(row));
  }
  std::sort(decision.rows.begin(), decision.rows.end(), [](const Decision::Row& a, const Decision::Row& b) {
    return a.score != b.score ? a.score > b.score : a.model < b.model;
  });
  for (size_t rank_idx = 0; rank_idx < decision.rows.size(); ++rank_idx) {
    decision.rows[rank_idx].rank = static_cast<int>(rank_idx) + 1;
  }
  return decision;
}

Result<Rankings> RankModels(const ModelComparison& comparison, const CompareRequest& request) {
  Rankings rankings;
  Result<std::string> quality = ChooseQuality(comparison, request.quality);
  if (!quality.ok()) return quality.status();
  rankings.quality = std::move(*quality);

  for (const std::string& name : RadarMetricNames()) {
    std::optional<RankMetric> metric = FindRankMetric(name, comparison, rankings.quality);
    if (metric) rankings.radar.push_back(Normalize(comparison, *metric, rankings.quality));
  }

  for (const ModelFigures& model : comparison.models) {
    std::optional<double> cost = MetricValue(model, "cost", rankings.quality);
    std::optional<double> value = MetricValue(model, "quality", rankings.quality);
    if (!cost || !value) continue;
    CostQualityPoint point;
    point.model = model.model;
    point.cost_per_1k_usd = *cost;
    point.quality = *value;
    const ScoreSummary* score = FindScore(model, std::string_view(rankings.quality).substr(kScorePrefix.size()));
    point.quality_ci95 = score->ci95;
    point.quality_n = score->sample.n;
    rankings.cost_quality.push_back(std::move(point));
  }
  MarkParetoFrontier(rankings.cost_quality);

  Result<Decision> decision = DecideModels(comparison, request.weights, rankings.quality);
  if (!decision.ok()) return decision.status();
  rankings.decision = std::move(*decision);
  return rankings;
}

}  // namespace mltrack::analytics
