#pragma once
// Ranking the models of a ModelComparison: the radar (every axis normalised to 0–1), the
// cost-vs-quality points with their Pareto frontier, and the weighted decision matrix. Pure
// functions of the typed comparison; docs/api.md documents each formula.
//
// Normalisation (radar and decision alike), per metric over the compared models that have a
// value: with lo and hi the smallest and largest value,
//   higher is better (quality, tokens/s, cache hit rate):  n = (v − lo) / (hi − lo)
//   lower is better (cost, latency, TTFT, error rate):     n = (hi − v) / (hi − lo)
// so 1 is the best of the compared models and 0 the worst; all equal (hi = lo) gives 1 to each.
// A model without a value has no normalised value (null).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analytics/model_compare.h"
#include "analytics/stats/summary.h"
#include "core/status.h"

namespace mltrack::analytics {

enum class Better { kHigher, kLower };

// A metric models are ranked by: "cost" (blended USD per 1K tokens), "cost_per_call",
// "quality" (the chosen score's mean), "scores.<name>", "latency" (p50 ms), "latency_p95",
// "ttft" (p50 ms), "tokens_per_s", "error_rate", "cache_hit_rate".
struct RankMetric {
  std::string name;
  std::string label;
  std::string unit;  // "usd", "ms", "ratio", "score", "tokens_per_s"
  Better better = Better::kHigher;
};

// The radar's axes, in order.
const std::vector<std::string>& RadarMetricNames();

// nullopt for a name that is neither a fixed metric nor a score the comparison has.
std::optional<RankMetric> FindRankMetric(std::string_view name, const ModelComparison& comparison,
                                         std::string_view quality);

// The metric's value for one model; nullopt when the model has no data for it.
std::optional<double> MetricValue(const ModelFigures& model, std::string_view metric, std::string_view quality);

// One metric over the compared models (vectors parallel to comparison.models).
struct NormalizedMetric {
  RankMetric metric;
  std::optional<double> lo, hi;
  std::vector<std::optional<double>> values;
  std::vector<std::optional<double>> normalized;
};
NormalizedMetric Normalize(const ModelComparison& comparison, const RankMetric& metric, std::string_view quality);

struct CostQualityPoint {
  std::string model;
  double cost_per_1k_usd = 0;
  double quality = 0;
  std::optional<stats::Interval> quality_ci95;
  int64_t quality_n = 0;
  bool pareto = false;  // no other model is at least as cheap and as good, and better in one
};

struct Decision {
  std::vector<std::pair<std::string, double>> weights;  // normalised to sum to 1
  struct Term {
    std::string metric;
    double weight = 0;
    std::optional<double> value;
    std::optional<double> normalized;
    double contribution = 0;  // weight × normalized; 0 without a value
  };
  struct Row {
    std::string model;
    int rank = 0;         // 1 = best; ties share no rank (ordered by model name)
    double score = 0;     // Σ contributions: a metric without data counts as the worst (0)
    double coverage = 0;  // Σ weights of the metrics the model has data for
    std::vector<Term> terms;
  };
  std::vector<Row> rows;  // by rank
};

struct Rankings {
  std::string quality;  // "scores.<name>", or empty when no compared model has a score
  std::vector<NormalizedMetric> radar;
  std::vector<CostQualityPoint> cost_quality;  // models with both a cost and a quality
  Decision decision;
};

// The chosen quality score: `requested` when given (InvalidArgument naming `quality` unless it is
// "scores.<name>" and a compared model has values of it), else the score that most compared models
// have, then the one with most values; empty when there is none.
Result<std::string> ChooseQuality(const ModelComparison& comparison, std::string_view requested);

// Pareto frontier of cost (lower better) against quality (higher better).
void MarkParetoFrontier(std::vector<CostQualityPoint>& points);

// Weighted decision: InvalidArgument naming `weights` for an unknown metric, a negative or
// non-finite weight, a repeated metric, or weights that add up to 0.
Result<Decision> DecideModels(const ModelComparison& comparison,
                              const std::vector<std::pair<std::string, double>>& weights,
                              std::string_view quality);

Result<Rankings> RankModels(const ModelComparison& comparison, const CompareRequest& request);

}  // namespace mltrack::analytics
