#include "analytics/cost_report.h"

#include <charconv>

#include "analytics/cost_sections.h"
#include "analytics/run_ahead.h"

namespace mltrack::analytics {
namespace {

constexpr size_t kMaxTop = 50;

// Dimensions a chart may stack by or break down by: the ones with a handful to thousands of values.
bool IsStackDimension(const FieldRef& field) {
  switch (field.id) {
    case FieldId::kModel:
    case FieldId::kProvider:
    case FieldId::kExperiment:
    case FieldId::kTeam:
    case FieldId::kUser:
    case FieldId::kTag:
      return true;
    default:
      return false;
  }
}

}  // namespace

const std::vector<std::string>& CostParamNames() {
  static const std::vector<std::string> kNames = {"breakdown", "stack_by", "top"};
  return kNames;
}

Result<CostOptions> ParseCostOptions(const QueryParams& params) {
  CostOptions options;
  std::vector<ErrorDetail> errors;
  for (const auto& [key, value] : params) {
    if (key == "breakdown") {
      std::optional<FieldRef> field = ParseFieldRef(value);
      if (!field || field->id != FieldId::kTag) {
        errors.push_back({-1, "breakdown", "must be tags.<key> (provider, model, experiment, user and team are always "
                                           "broken down), got \"" + value + "\""});
        continue;
      }
      bool seen = false;
      for (const FieldRef& existing : options.tag_breakdowns) seen |= existing == *field;
      if (!seen) options.tag_breakdowns.push_back(std::move(*field));
    } else if (key == "stack_by") {
      std::optional<FieldRef> field = ParseFieldRef(value);
      if (!field || !IsStackDimension(*field)) {
        errors.push_back({-1, "stack_by", "must be model, provider, experiment, team, user or tags.<key>, got \"" +
                                              value + "\""});
        continue;
      }
      options.stack_by = std::move(*field);
    } else if (key == "top") {
      size_t top = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), top);
      if (ec != std::errc() || end != value.data() + value.size() || top < 1 || top > kMaxTop) {
        errors.push_back({-1, "top", "must be a whole number from 1 to 50"});
        continue;
      }
      options.top = top;
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid cost parameters", std::move(errors));
  return options;
}

namespace {

// The cost report's queries that do not depend on others' answers, for RunAhead.
std::vector<query::QuerySpec> CostSpecs(const DashboardParams& params, const CostOptions& options) {
  const int64_t length = params.to_ms - params.from_ms;
  std::vector<query::QuerySpec> specs;
  auto add = [&specs](Result<query::QuerySpec> spec) {
    if (spec.ok()) specs.push_back(std::move(spec).value());  // one that fails fails where asked for
  };
  for (query::QuerySpec& spec : cost::CurrentSpendSpecs(params)) specs.push_back(std::move(spec));
  for (query::QuerySpec& spec : cost::PreviousSpendSpecs(params, params.from_ms - length, params.from_ms)) {
    specs.push_back(std::move(spec));
  }
  std::vector<FieldRef> fields = {FieldRef{FieldId::kUser, {}}};
  fields.insert(fields.end(), options.tag_breakdowns.begin(), options.tag_breakdowns.end());
  for (const FieldRef& field : fields) {
    for (query::QuerySpec& spec : cost::BreakdownSpecs(params, field, options.top)) specs.push_back(std::move(spec));
  }
  // The hourly stack, which serves the chart and the heatmap when the chart's buckets are whole
  // hours (ComputeCostOverTime); finer buckets ask for their own.
  add(cost::HourlyStackSpec(params, options.stack_by));
  return specs;
}

}  // namespace

Result<CostReport> ComputeCostReport(const DashboardParams& params, const CostOptions& options,
                                     const QueryRunner& direct, const CostContext& context) {
  const QueryRunner run = RunAhead(direct, CostSpecs(params, options));
  CostReport report;
  report.from_ms = params.from_ms;
  report.to_ms = params.to_ms;
  report.demo = context.demo;
  const int64_t length = params.to_ms - params.from_ms;

  Result<cost::CurrentSpend> now = cost::QueryCurrentSpend(params, run);
  if (!now.ok()) return now.status();
  Result<cost::PreviousSpend> before = cost::QueryPreviousSpend(params, params.from_ms - length, params.from_ms, run);
  if (!before.ok()) return before.status();
  report.totals = cost::FoldTotals(now->by_model, *before);

  for (std::string_view dimension : {"provider", "model", "experiment"}) {
    report.breakdowns.push_back(cost::SpendBreakdown(dimension, now->by_dimension[std::string(dimension)], *before, options.top));
  }
  Result<Breakdown> users = cost::FieldBreakdown(params, FieldRef{FieldId::kUser, {}}, report.totals, options.top, run);
  if (!users.ok()) return users.status();
  report.breakdowns.push_back(std::move(*users));
  report.breakdowns.push_back(cost::SpendBreakdown("team", now->by_dimension["team"], *before, options.top));
  for (const FieldRef& tag : options.tag_breakdowns) {
    Result<Breakdown> by_tag = cost::FieldBreakdown(params, tag, report.totals, options.top, run);
    if (!by_tag.ok()) return by_tag.status();
    report.breakdowns.push_back(std::move(*by_tag));
  }

  MLTRACK_RETURN_IF_ERROR(cost::ComputeCostOverTime(params, options, run, report));
  report.team_flow = cost::TeamFlow(now->by_path, options.top);
  report.provider_flow = cost::ProviderFlow(now->by_model, options.top);
  report.efficiency = cost::Efficiency(now->by_model, context.prices, params.to_ms - 1);
  Result<UnpricedUsage> unpriced = cost::Unpriced(params, now->by_model, run);
  if (!unpriced.ok()) return unpriced.status();
  report.unpriced = std::move(*unpriced);
  return report;
}

}  // namespace mltrack::analytics
