#pragma once
// A/B experiments with real statistics (DESIGN.md §7; docs/api.md `/api/analytics/ab`): two
// values A and B of one dimension (two prompt versions, two models, two tag values) compared on
// cost per call, latency, TTFT, output tokens and every quality score with Welch's t-test, and
// on error and cache-hit rates with the two-proportion z-test (Fisher's exact test when an
// expected count is below 5); intervals, Holm-adjusted p-values, the minimum detectable effect
// at the current sample sizes, and a one-sentence verdict. One grouped scan through `run`; means
// and variances are exact (count:F, avg:F, var:F are sums over the selected events).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "analytics/stats/summary.h"
#include "core/event.h"
#include "core/field.h"
#include "core/status.h"

namespace mltrack::analytics {

struct AbRequest {
  FieldRef dimension;
  std::string a;
  std::string b;
};

// The names of the parameters AbRequest takes, for ParseDashboardParams' extra_allowed.
const std::vector<std::string>& AbParamNames();

// dimension: model, provider, experiment, prompt_name, prompt_version, team, user, endpoint or
// tags.<key>; a and b: two different non-empty values. InvalidArgument naming the parameter.
Result<AbRequest> ParseAbRequest(const QueryParams& params);

// How a metric's difference reads: which direction is the good one (output tokens: neither).
enum class Preferred { kLower, kHigher, kNeither };

struct AbMetric {
  std::string metric;  // the query metric: "avg:cost_usd", "avg:scores.helpfulness", "rate:error"
  std::string label;   // "cost per call", "helpfulness", "error rate"
  std::string unit;    // "usd", "ms", "tokens", "score", "ratio"
  Preferred preferred = Preferred::kNeither;
  bool is_rate = false;
  std::string test;  // "welch_t", "two_proportion_z", "fisher_exact", or "insufficient_data"
  stats::SampleSummary mean_a, mean_b;      // for means
  stats::ProportionSample rate_a, rate_b;   // for rates
  std::optional<stats::Interval> rate_ci_a, rate_ci_b;  // Wilson, for rates
  std::optional<double> diff;       // b − a (mean, or rate)
  std::optional<stats::Interval> ci95;  // of diff: Welch t interval; Newcombe for rates
  std::optional<double> rel_diff;   // b / a − 1
  std::optional<stats::Interval> rel_ci95;  // delta method for means; ci95 / rate_a for rates
  std::optional<double> p_value;
  std::optional<double> p_adjusted;  // Holm over every metric of the comparison
  std::optional<double> mde;         // minimum detectable |diff|, α 0.05, power 0.8
  std::optional<double> mde_rel;     // mde / |a|
  bool significant = false;          // p_adjusted < 0.05
};

struct AbSide {
  std::string value;
  int64_t calls = 0;
  int64_t priced_calls = 0;
  NanoUsd cost = 0;
};

struct AbComparison {
  std::string dimension;  // as written: "prompt_version", "tags.ab"
  AbSide a, b;
  std::vector<AbMetric> metrics;
  std::string verdict;
};

// InvalidArgument naming `a` or `b` when that side has no event in the range and filters.
Result<AbComparison> CompareAb(const DashboardParams& params, const AbRequest& request, const QueryRunner& run,
                               const std::vector<std::string>& score_names);

// The one-sentence verdict (ab_verdict.cc), from the metrics' significance and intervals.
std::string AbVerdict(const AbComparison& comparison);

std::string AbComparisonJson(const DashboardParams& params, const AbComparison& comparison);

}  // namespace mltrack::analytics
