#include "analytics/ab_comparison.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "analytics/dashboard_support.h"
#include "analytics/stats/holm.h"
#include "analytics/stats/power.h"
#include "analytics/stats/proportions.h"
#include "analytics/stats/welch.h"
#include "analytics/stats/wilson.h"

namespace mltrack::analytics {
namespace {

using query::QueryResult;
using query::QuerySpec;

constexpr std::array<std::string_view, 8> kDimensions = {"model", "provider", "experiment", "prompt_name",
                                                         "prompt_version", "team", "user", "endpoint"};

Status Bad(std::string_view parameter, std::string reason) {
  return Status::InvalidArgument("invalid " + std::string(parameter), {{-1, std::string(parameter), std::move(reason)}});
}

// A mean compared with Welch's t-test.
struct MeanMetric {
  std::string_view field;
  std::string_view label;
  std::string_view unit;
  Preferred preferred;
};
constexpr std::array<MeanMetric, 4> kMeanMetrics = {{
    {"cost_usd", "cost per call", "usd", Preferred::kLower},
    {"latency_ms", "latency", "ms", Preferred::kLower},
    {"ttft_ms", "time to first token", "ms", Preferred::kLower},
    {"output_tokens", "output tokens", "tokens", Preferred::kNeither},
}};

struct RateMetric {
  std::string_view rate_of;
  std::string_view label;
  Preferred preferred;
};
constexpr std::array<RateMetric, 2> kRateMetrics = {{
    {"error", "error rate", Preferred::kLower},
    {"cache_hit", "cache hit rate", Preferred::kHigher},
}};

std::optional<double> Number(const QueryResult& result, const std::vector<query::Cell>& row, const std::string& column) {
  for (size_t idx = 0; idx < result.columns.size(); ++idx) {
    if (result.columns[idx] == column) return CellNumber(row[idx]);
  }
  return std::nullopt;
}

stats::SampleSummary MeanSummary(const QueryResult& result, const std::vector<query::Cell>& row,
                                 const std::string& field) {
  stats::SampleSummary summary;
  summary.n = static_cast<int64_t>(Number(result, row, "count:" + field).value_or(0));
  summary.mean = Number(result, row, "avg:" + field).value_or(0);
  summary.variance = Number(result, row, "var:" + field).value_or(0);
  return summary;
}

AbMetric TestMeans(std::string metric, std::string label, std::string unit, Preferred preferred,
                   const stats::SampleSummary& a, const stats::SampleSummary& b) {
  AbMetric out;
  out.metric = std::move(metric);
  out.label = std::move(label);
  out.unit = std::move(unit);
  out.preferred = preferred;
  out.mean_a = a;
  out.mean_b = b;
  std::optional<stats::WelchResult> welch = stats::WelchTest(a, b);
  if (!welch) {
    out.test = "insufficient_data";
    return out;
  }
  out.test = "welch_t";
  out.diff = welch->diff;
  out.ci95 = welch->ci;
  out.p_value = welch->p_value;
  if (std::optional<stats::RelativeDifference> rel = stats::RelativeMeanDifference(a, b)) {
    out.rel_diff = rel->value;
    out.rel_ci95 = rel->ci;
  }
  out.mde = stats::MinimumDetectableDifference(a, b);
  if (out.mde && a.mean != 0) out.mde_rel = *out.mde / std::fabs(a.mean);
  return out;
}

AbMetric TestRates(const RateMetric& rate, const stats::ProportionSample& a, const stats::ProportionSample& b) {
  AbMetric out;
  out.metric = "rate:" + std::string(rate.rate_of);
  out.label = std::string(rate.label);
  out.unit = "ratio";
  out.preferred = rate.preferred;
  out.is_rate = true;
  out.rate_a = a;
  out.rate_b = b;
  out.rate_ci_a = stats::WilsonInterval(a);
  out.rate_ci_b = stats::WilsonInterval(b);
  std::optional<stats::ProportionTest> test = stats::CompareProportions(a, b);
  if (!test) {
    out.test = "insufficient_data";
    return out;
  }
  out.test = std::string(test->test);
  out.p_value = test->p_value;
  out.diff = b.rate() - a.rate();
  out.ci95 = stats::NewcombeDifferenceInterval(a, b);
  if (a.rate() > 0) {
    out.rel_diff = b.rate() / a.rate() - 1.0;
    if (out.ci95) out.rel_ci95 = stats::Interval{out.ci95->lo / a.rate(), out.ci95->hi / a.rate()};
  }
  out.mde = stats::MinimumDetectableRateDifference(a, b);
  if (out.mde && a.rate() > 0) out.mde_rel = *out.mde / a.rate();
  return out;
}

}  // namespace

const std::vector<std::string>& AbParamNames() {
  static const std::vector<std::string> kNames = {"dimension", "a", "b"};
  return kNames;
}

Result<AbRequest> ParseAbRequest(const QueryParams& params) {
  std::optional<std::string> dimension, a, b;
  for (const auto& [key, value] : params) {
    std::optional<std::string>* slot = key == "dimension" ? &dimension : key == "a" ? &a : key == "b" ? &b : nullptr;
    if (slot == nullptr) continue;
    if (*slot) return Bad(key, "give it once");
    *slot = value;
  }
  if (!dimension) return Bad("dimension", "is required: model, experiment, prompt_version, tags.<key>, ...");
  AbRequest request;
  const bool known = std::find(kDimensions.begin(), kDimensions.end(), *dimension) != kDimensions.end();
  std::optional<FieldRef> field = ParseFieldRef(*dimension);
  if (!field || !(known || (field->id == FieldId::kTag && !field->key.empty()))) {
    return Bad("dimension",
               "must be one of model, provider, experiment, prompt_name, prompt_version, team, user, endpoint "
               "or tags.<key>, got \"" + *dimension + "\"");
  }
  request.dimension = *field;
  if (!a || a->empty()) return Bad("a", "is required: the value of " + *dimension + " for side A");
  if (!b || b->empty()) return Bad("b", "is required: the value of " + *dimension + " for side B");
  if (*a == *b) return Bad("b", "must differ from a (both are \"" + *a + "\")");
  request.a = std::move(*a);
  request.b = std::move(*b);
  return request;
}

Result<AbComparison> CompareAb(const DashboardParams& params, const AbRequest& request, const QueryRunner& run,
                               const std::vector<std::string>& score_names) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {request.dimension};
  query::Filter filter;
  filter.field = request.dimension;
  filter.op = query::FilterOp::kIn;
  filter.values = {request.a, request.b};
  spec.filters.push_back(std::move(filter));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "sum:cost_usd", "rate:error", "rate:cache_hit"}));
  for (const MeanMetric& mean : kMeanMetrics) {
    for (std::string_view aggregate : {"count:", "avg:", "var:"}) {
      MLTRACK_RETURN_IF_ERROR(AddMetric(spec, std::string(aggregate) + std::string(mean.field)));
    }
  }
  std::vector<std::string> scores;
  for (const std::string& name : score_names) {
    if (!AddMetric(spec, "count:scores." + name).ok()) continue;  // a name the query model cannot spell
    MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "avg:scores." + name));
    MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "var:scores." + name));
    scores.push_back(name);
  }
  Result<QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  const std::vector<query::Cell>* row_a = nullptr;
  const std::vector<query::Cell>* row_b = nullptr;
  for (const auto& row : result->rows) {
    if (CellString(row[0]) == request.a) row_a = &row;
    if (CellString(row[0]) == request.b) row_b = &row;
  }
  const std::string dimension = request.dimension.Name();
  for (auto [row, parameter, value] : {std::tuple{row_a, "a", &request.a}, std::tuple{row_b, "b", &request.b}}) {
    if (row == nullptr) {
      return Bad(parameter, "no events with " + dimension + " = \"" + *value + "\" match the time range and filters");
    }
  }

  AbComparison comparison;
  comparison.dimension = dimension;
  auto side = [&](const std::vector<query::Cell>& row, const std::string& value) {
    AbSide out;
    out.value = value;
    out.calls = static_cast<int64_t>(Number(*result, row, "count").value_or(0));
    out.priced_calls = static_cast<int64_t>(Number(*result, row, "count:cost_usd").value_or(0));
    for (size_t idx = 0; idx < result->columns.size(); ++idx) {
      if (result->columns[idx] == "sum:cost_usd") out.cost = CellNanoUsd(row[idx]).value_or(0);
    }
    return out;
  };
  comparison.a = side(*row_a, request.a);
  comparison.b = side(*row_b, request.b);

  for (const MeanMetric& mean : kMeanMetrics) {
    const std::string field(mean.field);
    comparison.metrics.push_back(TestMeans("avg:" + field, std::string(mean.label), std::string(mean.unit),
                                           mean.preferred, MeanSummary(*result, *row_a, field),
                                           MeanSummary(*result, *row_b, field)));
  }
  for (const std::string& name : scores) {
    const std::string field = "scores." + name;
    stats::SampleSummary a = MeanSummary(*result, *row_a, field);
    stats::SampleSummary b = MeanSummary(*result, *row_b, field);
    if (a.n == 0 && b.n == 0) continue;  // a score neither side records
    comparison.metrics.push_back(TestMeans("avg:" + field, name, "score", Preferred::kHigher, a, b));
  }
  for (const RateMetric& rate : kRateMetrics) {
    const std::string column = "rate:" + std::string(rate.rate_of);
    auto proportion = [&](const std::vector<query::Cell>& row, int64_t calls) {
      // The rate is successes / calls rounded once, so this recovers the exact count.
      return stats::ProportionSample{
          calls, std::llround(Number(*result, row, column).value_or(0) * static_cast<double>(calls))};
    };
    comparison.metrics.push_back(
        TestRates(rate, proportion(*row_a, comparison.a.calls), proportion(*row_b, comparison.b.calls)));
  }

  std::vector<std::optional<double>> p_values;
  for (const AbMetric& metric : comparison.metrics) p_values.push_back(metric.p_value);
  std::vector<std::optional<double>> adjusted = stats::HolmAdjust(p_values);
  for (size_t idx = 0; idx < comparison.metrics.size(); ++idx) {
    comparison.metrics[idx].p_adjusted = adjusted[idx];
    comparison.metrics[idx].significant = adjusted[idx] && *adjusted[idx] < stats::kAlpha;
  }
  comparison.verdict = AbVerdict(comparison);
  return comparison;
}

}  // namespace mltrack::analytics
