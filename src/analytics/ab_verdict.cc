// The one-sentence verdict of an A/B comparison (docs/api.md): the significant differences
// (Holm-adjusted p < 0.05), most important first and one per kind (cost, a score, latency, TTFT,
// a rate, tokens), with their intervals; or, when there is none, what the current sample sizes
// could have detected.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "analytics/ab_comparison.h"

namespace mltrack::analytics {
namespace {

constexpr size_t kMaxClauses = 3;

std::string WithSeparators(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) digits.insert(pos, ",");
  return (value < 0 ? "-" : "") + digits;
}

// A magnitude in percent: one decimal below 10, none above ("4.2", "12").
std::string Percent(double ratio) {
  const double pct = ratio * 100.0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, std::fabs(pct) < 10.0 ? "%.1f" : "%.0f", pct);
  std::string text = buffer;
  if (text.starts_with("-")) text.replace(0, 1, "−");
  return text;
}

std::string PValue(double p) {
  if (p < 0.001) return "p < 0.001";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "p = %.3f", p);
  return buffer;
}

// Order of importance in the sentence: cost, then scores, then speed, then rates, then tokens.
int Priority(const AbMetric& metric) {
  if (metric.metric == "avg:cost_usd") return 0;
  if (metric.unit == "score") return 1;
  if (metric.metric == "avg:latency_ms") return 2;
  if (metric.metric == "avg:ttft_ms") return 3;
  if (metric.is_rate) return 4;
  return 5;
}

// "costs 12 % less per call", with the magnitude's interval in the stated direction.
struct Clause {
  std::string text;
  std::string interval;
};

std::optional<Clause> Describe(const AbMetric& metric) {
  // Rates read in percentage points, means in percent of A.
  const std::optional<double> change = metric.is_rate ? metric.diff : metric.rel_diff;
  const std::optional<stats::Interval> ci = metric.is_rate ? metric.ci95 : metric.rel_ci95;
  if (!change || !ci || *change == 0) return std::nullopt;
  const bool down = *change < 0;
  const double sign = down ? -1.0 : 1.0;
  const double lo = sign * (down ? ci->hi : ci->lo);
  const double hi = sign * (down ? ci->lo : ci->hi);
  const std::string unit = metric.is_rate ? " pp" : " %";
  Clause clause;
  const std::string size = Percent(std::fabs(*change)) + unit;
  clause.interval = "95 % CI " + Percent(lo) + (lo < 0 ? " to " : "–") + Percent(hi) + unit;
  if (metric.metric == "avg:cost_usd") {
    clause.text = "costs " + size + (down ? " less" : " more") + " per call";
  } else if (metric.metric == "avg:latency_ms") {
    clause.text = "is " + size + (down ? " faster" : " slower") + " end to end";
  } else if (metric.metric == "avg:ttft_ms") {
    clause.text = "reaches the first token " + size + (down ? " sooner" : " later");
  } else if (metric.metric == "avg:output_tokens") {
    clause.text = "writes " + size + (down ? " fewer" : " more") + " output tokens";
  } else if (metric.metric == "rate:error") {
    clause.text = "has a " + size + (down ? " lower" : " higher") + " error rate";
  } else if (metric.metric == "rate:cache_hit") {
    clause.text = "has a " + size + (down ? " lower" : " higher") + " cache hit rate";
  } else {
    clause.text = "scores " + size + (down ? " lower" : " higher") + " on " + metric.label;
  }
  return clause;
}

}  // namespace

std::string AbVerdict(const AbComparison& comparison) {
  const std::string sizes = "n = " + WithSeparators(comparison.a.calls) + " vs " + WithSeparators(comparison.b.calls);
  std::vector<const AbMetric*> findings;
  for (const AbMetric& metric : comparison.metrics) {
    if (metric.significant) findings.push_back(&metric);
  }
  // One clause per kind of metric (the score with most values stands for the scores).
  auto values = [](const AbMetric* metric) { return metric->mean_a.n + metric->mean_b.n; };
  std::stable_sort(findings.begin(), findings.end(), [&](const AbMetric* x, const AbMetric* y) {
    return Priority(*x) != Priority(*y) ? Priority(*x) < Priority(*y) : values(x) > values(y);
  });
  std::vector<std::string> clauses;
  int last_priority = -1;
  for (const AbMetric* metric : findings) {
    if (clauses.size() == kMaxClauses) break;
    if (Priority(*metric) == last_priority && Priority(*metric) != 4) continue;  // rates differ in kind
    last_priority = Priority(*metric);
    std::optional<Clause> clause = Describe(*metric);
    if (!clause) continue;
    std::string text = clause->text;
    if (clauses.empty()) text += " than " + comparison.a.value;
    clauses.push_back(text + " (" + clause->interval + ", " + PValue(metric->p_adjusted.value_or(1)) + ")");
  }
  const std::string b_name = comparison.dimension + " " + comparison.b.value;
  if (!clauses.empty()) {
    std::string sentence = b_name + " ";
    for (size_t idx = 0; idx < clauses.size(); ++idx) {
      if (idx > 0) sentence += idx + 1 == clauses.size() ? " and " : ", ";
      sentence += clauses[idx];
    }
    return sentence + "; " + sizes + ".";
  }
  std::string sentence = "No significant difference between " + comparison.a.value + " and " + comparison.b.value +
                         " on any metric (" + sizes + ")";
  for (const AbMetric& metric : comparison.metrics) {
    if (Priority(metric) > 3 || !metric.mde_rel) continue;  // the first of cost, scores, latency, TTFT
    return sentence + "; at these sizes a change in " + metric.label + " of " + Percent(*metric.mde_rel) +
           " % or more would be detected with 80 % power.";
  }
  return sentence + ".";
}

}  // namespace mltrack::analytics
