// The money rules of /api/analytics/insights: exact cache, cheaper model, runaway spend
// (docs/analytics/insights.md states each condition and saving).

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include "analytics/dashboard_support.h"
#include "analytics/insight_rules.h"
#include "analytics/insight_support.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
// Exact cache: at least this many repeated calls, and this share of the group's calls.
constexpr double kMinRepeats = 20;
constexpr double kMinRepeatShare = 0.02;
// Cheaper model: both models with this many calls and quality scores; "short" outputs; how much
// cheaper and how close in quality and error rate the alternative must be.
constexpr double kMinModelCalls = 20;
constexpr double kMinScored = 10;
constexpr double kShortOutputTokens = 400;
constexpr double kMaxCostRatio = 0.6;
constexpr double kQualityTolerance = 0.05;  // relative to the expensive model's mean score
constexpr double kErrorRateTolerance = 0.01;
// Runaway spend: last 7 days against the 21 before, per day.
constexpr double kRunawayRatio = 2.0;
constexpr double kMinRunawayMonthlyUsd = 10;
constexpr size_t kMaxRunawayUsers = 5;
// A monthly saving from this much up is a warning, not information.
constexpr double kWarningSavingUsd = 100;

InsightSeverity SavingSeverity(double monthly) {
  return monthly >= kWarningSavingUsd ? InsightSeverity::kWarning : InsightSeverity::kInfo;
}

struct ModelStats {
  std::string model;
  double calls = 0;
  double priced = 0;
  double cost = 0;
  std::optional<double> output_tokens;
  double error_rate = 0;
  std::optional<double> quality;
  double scored = 0;
  double CostPerCall() const { return priced > 0 ? cost / priced : 0; }
};

}  // namespace

Result<query::QuerySpec> ExactCacheSpec(const RuleInput& input) {
  query::QuerySpec spec = BaseSpec(input.params, input.params.from_ms, input.params.to_ms);
  spec.filters.push_back(ExistsFilter(*ParseFieldRef(kInputHashField)));
  spec.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("ok")));
  query::Filter not_cached = EqFilter(FieldRef{FieldId::kCacheHit, ""}, true);
  not_cached.op = query::FilterOp::kNe;
  spec.filters.push_back(std::move(not_cached));
  spec.group_by = {FieldRef{FieldId::kExperiment, ""}, FieldRef{FieldId::kModel, ""}};
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  const std::string uniq = "uniq:" + std::string(kInputHashField);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", uniq, "sum:cost_usd"}));
  return spec;
}

Result<std::vector<query::QuerySpec>> CheaperModelSpecs(const RuleInput& input) {
  query::QuerySpec calls = BaseSpec(input.params, input.params.from_ms, input.params.to_ms);
  calls.group_by = {FieldRef{FieldId::kExperiment, ""}, FieldRef{FieldId::kModel, ""}};
  calls.limit = query::kMaxQueryLimit;
  calls.any_order = true;
  query::QuerySpec failures = calls;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(calls, {"count", "count:cost_usd", "sum:cost_usd", "avg:output_tokens"}));
  failures.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("error")));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(failures, {"count"}));
  return std::vector<query::QuerySpec>{std::move(calls), std::move(failures)};
}

Result<query::QuerySpec> RunawaySpendSpec(const RuleInput& input, int period, FieldId by) {
  const int64_t to = input.params.to_ms;
  const int64_t from = period == 0 ? to - 7 * kDayMs : to - 28 * kDayMs;
  query::QuerySpec spec = BaseSpec(input.params, from, period == 0 ? to : to - 7 * kDayMs);
  spec.group_by = {FieldRef{by, ""}};
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd"}));
  return spec;
}

Result<std::string> ExactCacheRule(const RuleInput& input, std::vector<Insight>& out) {
  Result<query::QuerySpec> spec = ExactCacheSpec(input);
  if (!spec.ok()) return spec.status();
  Result<query::QueryResult> result = input.run(*spec);
  if (!result.ok()) return result.status();
  if (result->rows.empty()) return std::string("no calls carry ") + std::string(kInputHashField);

  struct Totals {
    double calls = 0, repeats = 0, cost = 0, repeat_cost = 0;
  };
  std::map<std::string, Totals> by_experiment;
  for (const auto& row : result->rows) {
    const double calls = CellNumber(row[2]).value_or(0), distinct = CellNumber(row[3]).value_or(0);
    const double cost = CellNumber(row[4]).value_or(0);
    Totals& totals = by_experiment[std::string(CellString(row[0]))];
    totals.calls += calls;
    totals.cost += cost;
    if (calls <= 0) continue;
    totals.repeats += calls - distinct;
    totals.repeat_cost += cost * (calls - distinct) / calls;
  }
  for (const auto& [experiment, totals] : by_experiment) {
    if (totals.repeats < kMinRepeats || totals.repeats < kMinRepeatShare * totals.calls || totals.repeat_cost <= 0) continue;
    Insight insight;
    insight.kind = "exact_cache";
    insight.subject = "experiment " + experiment;
    insight.title = "Cache repeated prompts in " + experiment;
    insight.detail = FormatCount(totals.repeats) + " of the " + FormatCount(totals.calls) +
                     " calls that carry an input hash (" + FormatPct(totals.repeats / totals.calls) +
                     ") repeated an input the same model had already answered; an exact cache keyed on model "
                     "and input hash would have served them without a provider call.";
    insight.monthly_saving_usd = totals.repeat_cost * input.month_factor;
    insight.severity = SavingSeverity(*insight.monthly_saving_usd);
    insight.evidence = {{"calls with an input hash", totals.calls, FigureUnit::kCount},
                        {"repeated calls", totals.repeats, FigureUnit::kCount},
                        {"repeated share", totals.repeats / totals.calls, FigureUnit::kShare},
                        {"cost of repeated calls", totals.repeat_cost, FigureUnit::kUsd}};
    insight.link = DashboardLink("/cost", {{"experiment", experiment}});
    out.push_back(std::move(insight));
  }
  return std::string();
}

Result<std::string> CheaperModelRule(const RuleInput& input, std::vector<Insight>& out) {
  // Calls, cost and output by experiment and model, and failures (CheaperModelSpecs); then the
  // quality score's mean and count — one query for the models seen with one experiment, one for
  // the others. Asked apart, each is answered from summaries where it can be: calls and cost
  // from hour cells, failures from the rare status rows, a model of one experiment's scores from
  // its value slices' moments (a model slice of such a model is one group); only the scores of
  // models shared by experiments read rows.
  Result<std::vector<query::QuerySpec>> specs = CheaperModelSpecs(input);
  if (!specs.ok()) return specs.status();
  Result<query::QueryResult> calls = input.run((*specs)[0]);
  if (!calls.ok()) return calls.status();
  Result<query::QueryResult> failures = input.run((*specs)[1]);
  if (!failures.ok()) return failures.status();
  using Key = std::pair<std::string, std::string>;  // experiment, model
  std::map<std::string, std::vector<ModelStats>> by_experiment;
  std::map<Key, ModelStats*> stats_of;
  std::map<std::string, int> experiments_of_model;
  for (const auto& row : calls->rows) {
    if (IsNullCell(row[1])) continue;
    ModelStats stats;
    stats.model = std::string(CellString(row[1]));
    stats.calls = CellNumber(row[2]).value_or(0);
    stats.priced = CellNumber(row[3]).value_or(0);
    stats.cost = CellNumber(row[4]).value_or(0);
    stats.output_tokens = CellNumber(row[5]);
    ++experiments_of_model[stats.model];
    by_experiment[std::string(CellString(row[0]))].push_back(std::move(stats));
  }
  for (auto& [experiment, models] : by_experiment) {
    for (ModelStats& stats : models) stats_of[{experiment, stats.model}] = &stats;
  }
  for (const auto& row : failures->rows) {
    const auto found = stats_of.find({std::string(CellString(row[0])), std::string(CellString(row[1]))});
    if (IsNullCell(row[1]) || found == stats_of.end() || found->second->calls <= 0) continue;
    // As rate:error gives it: failures ÷ calls.
    found->second->error_rate = CellNumber(row[2]).value_or(0) / found->second->calls;
  }
  const std::string score = "scores." + input.quality_score;
  bool any_scored = false;
  for (const bool shared : {false, true}) {
    query::Filter models;
    models.field = FieldRef{FieldId::kModel, ""};
    models.op = query::FilterOp::kIn;
    for (const auto& [model, experiments] : experiments_of_model) {
      if ((experiments > 1) == shared) models.values.emplace_back(model);
    }
    if (models.values.empty()) continue;
    query::QuerySpec scores = BaseSpec(input.params, input.params.from_ms, input.params.to_ms);
    scores.filters.push_back(std::move(models));
    scores.group_by = {FieldRef{FieldId::kExperiment, ""}, FieldRef{FieldId::kModel, ""}};
    scores.limit = query::kMaxQueryLimit;
    scores.any_order = true;
    MLTRACK_RETURN_IF_ERROR(AddMetrics(scores, {"avg:" + score, "count:" + score}));
    Result<query::QueryResult> result = input.run(scores);
    if (!result.ok()) return result.status();
    for (const auto& row : result->rows) {
      const auto found = stats_of.find({std::string(CellString(row[0])), std::string(CellString(row[1]))});
      if (IsNullCell(row[1]) || found == stats_of.end()) continue;
      found->second->quality = CellNumber(row[2]);
      found->second->scored = CellNumber(row[3]).value_or(0);
      any_scored = any_scored || found->second->scored > 0;
    }
  }
  if (!any_scored) return "no calls carry the score " + input.quality_score;

  auto eligible = [](const ModelStats& stats) {
    return stats.calls >= kMinModelCalls && stats.scored >= kMinScored && stats.quality && stats.priced > 0 &&
           stats.cost > 0;
  };
  for (const auto& [experiment, models] : by_experiment) {
    for (const ModelStats& expensive : models) {
      if (!eligible(expensive) || !expensive.output_tokens || *expensive.output_tokens > kShortOutputTokens) continue;
      const ModelStats* best = nullptr;
      for (const ModelStats& cheaper : models) {
        if (&cheaper == &expensive || !eligible(cheaper)) continue;
        if (cheaper.CostPerCall() > kMaxCostRatio * expensive.CostPerCall()) continue;
        if (*cheaper.quality < *expensive.quality - kQualityTolerance * std::abs(*expensive.quality)) continue;
        if (cheaper.error_rate > expensive.error_rate + kErrorRateTolerance) continue;
        if (best == nullptr || cheaper.CostPerCall() < best->CostPerCall()) best = &cheaper;
      }
      if (best == nullptr) continue;
      const double ratio = best->CostPerCall() / expensive.CostPerCall();
      Insight insight;
      insight.kind = "cheaper_model";
      insight.subject = "experiment " + experiment + ", model " + expensive.model;
      insight.title = "Move " + experiment + " from " + expensive.model + " to " + best->model;
      insight.detail = expensive.model + " answers " + experiment + " with short outputs (" +
                       FormatCount(*expensive.output_tokens) + " tokens on average); " + best->model +
                       " costs " + FormatPct(ratio) + " as much per call with a " + input.quality_score +
                       " score of " + FormatScore(*best->quality) + " against " + FormatScore(*expensive.quality) +
                       " and an error rate of " + FormatPct(best->error_rate) + " against " +
                       FormatPct(expensive.error_rate) + ".";
      insight.monthly_saving_usd = expensive.cost * (1 - ratio) * input.month_factor;
      insight.severity = SavingSeverity(*insight.monthly_saving_usd);
      insight.evidence = {{expensive.model + " calls", expensive.calls, FigureUnit::kCount},
                          {expensive.model + " cost", expensive.cost, FigureUnit::kUsd},
                          {expensive.model + " cost per call", expensive.CostPerCall(), FigureUnit::kUsd},
                          {best->model + " cost per call", best->CostPerCall(), FigureUnit::kUsd},
                          {expensive.model + " " + input.quality_score, *expensive.quality, FigureUnit::kScore},
                          {best->model + " " + input.quality_score, *best->quality, FigureUnit::kScore},
                          {expensive.model + " error rate", expensive.error_rate, FigureUnit::kShare},
                          {best->model + " error rate", best->error_rate, FigureUnit::kShare},
                          {expensive.model + " mean output", *expensive.output_tokens, FigureUnit::kTokens}};
      insight.link = DashboardLink("/models", {{"experiment", experiment}});
      out.push_back(std::move(insight));
    }
  }
  return std::string();
}

Result<std::string> RunawaySpendRule(const RuleInput& input, std::vector<Insight>& out) {
  // (dim, value) → (recent, base), dim 0 experiment, 1 user: each period's cost by experiment and
  // by user, four queries (grouped by experiment × user, a period was tens of thousands of rows at
  // 10M, ~3× the cost of the two groupings apart); folded by views into the results, and only the
  // runaways sorted by key.
  struct KeyHash {
    size_t operator()(const std::pair<int, std::string_view>& key) const {
      return std::hash<std::string_view>()(key.second) * 2 + static_cast<size_t>(key.first);
    }
  };
  std::vector<query::QueryResult> results;
  results.reserve(4);
  std::unordered_map<std::pair<int, std::string_view>, std::pair<double, double>, KeyHash> cost;
  for (int period = 0; period < 2; ++period) {
    for (int dim = 0; dim < 2; ++dim) {
      Result<query::QuerySpec> spec = RunawaySpendSpec(input, period, dim == 0 ? FieldId::kExperiment : FieldId::kUser);
      if (!spec.ok()) return spec.status();
      Result<query::QueryResult> result = input.run(*spec);
      if (!result.ok()) return result.status();
      results.push_back(std::move(*result));
      for (const auto& row : results.back().rows) {
        if (IsNullCell(row[0])) continue;
        auto& pair = cost[{dim, CellString(row[0])}];
        (period == 0 ? pair.first : pair.second) += CellNumber(row[1]).value_or(0);
      }
    }
  }
  std::vector<std::pair<std::pair<std::string, std::string>, std::pair<double, double>>> runaways;
  for (const auto& [key, pair] : cost) {
    const double recent_daily = pair.first / 7, base_daily = pair.second / 21;
    if (base_daily <= 0 || recent_daily < kRunawayRatio * base_daily) continue;
    if ((recent_daily - base_daily) * 30 < kMinRunawayMonthlyUsd) continue;
    runaways.push_back({{key.first == 0 ? "experiment" : "user", std::string(key.second)}, pair});
  }
  std::sort(runaways.begin(), runaways.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Insight> users;
  for (const auto& [key, pair] : runaways) {
    const double recent_daily = pair.first / 7, base_daily = pair.second / 21;
    const double monthly = (recent_daily - base_daily) * 30;
    const double ratio = recent_daily / base_daily;
    Insight insight;
    insight.kind = "runaway_spend";
    insight.subject = key.first + " " + key.second;
    insight.title = "Spend of " + key.first + " " + key.second + " is " + FormatRatio(ratio) + " its baseline";
    insight.detail = "The last 7 days cost " + FormatUsd(recent_daily) + " a day against " + FormatUsd(base_daily) +
                     " a day over the 21 days before; check what changed, or cap it with a budget.";
    insight.monthly_saving_usd = monthly;
    insight.severity = ratio >= 5 ? InsightSeverity::kCritical : InsightSeverity::kWarning;
    insight.evidence = {{"cost per day, last 7 days", recent_daily, FigureUnit::kUsd},
                        {"cost per day, 21 days before", base_daily, FigureUnit::kUsd},
                        {"ratio", ratio, FigureUnit::kCount}};
    insight.link = DashboardLink("/cost", {{key.first, key.second}});
    (key.first == "user" ? users : out).push_back(std::move(insight));
  }
  std::sort(users.begin(), users.end(),
            [](const Insight& a, const Insight& b) { return *a.monthly_saving_usd > *b.monthly_saving_usd; });
  if (users.size() > kMaxRunawayUsers) users.resize(kMaxRunawayUsers);
  for (Insight& insight : users) out.push_back(std::move(insight));
  return std::string();
}

}  // namespace mltrack::analytics
