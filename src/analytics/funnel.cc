#include "analytics/funnel.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "analytics/dashboard_support.h"

namespace mltrack::analytics {
namespace {

using TimeByUser = std::unordered_map<std::string, int64_t>;

query::Filter Bound(query::FilterOp op, const TimeByUser& times, int64_t offset) {
  query::Filter filter;
  filter.field = FieldRef{FieldId::kTs, {}};
  filter.op = op;
  filter.by = FieldRef{FieldId::kUser, {}};
  filter.bounds.reserve(times.size());
  for (const auto& [user, ts] : times) filter.bounds.emplace_back(user, ts + offset);
  return filter;
}

// Each user's first event of `step` in [from_ms, to_ms) under `extra` filters.
Result<TimeByUser> FirstTimes(const DashboardParams& params, const FunnelStep& step, int64_t from_ms,
                              int64_t to_ms, std::vector<query::Filter> extra, const QueryRunner& run) {
  TimeByUser times;
  if (from_ms >= to_ms) return times;
  query::QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  spec.filters.push_back(step.filter);
  for (query::Filter& filter : extra) spec.filters.push_back(std::move(filter));
  spec.group_by = {FieldRef{FieldId::kUser, {}}};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"min:ts"}));
  spec.limit = query::kMaxQueryLimit;
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  if (result->truncated) {
    return Status::InvalidArgument("the funnel has more than 100,000 users; narrow the filters",
                                   {{-1, "steps", "more than 100,000 users reached a step"}});
  }
  times.reserve(result->rows.size());
  for (const auto& row : result->rows) {
    if (std::holds_alternative<std::monostate>(row[0])) continue;  // events without a user
    const std::optional<double> ts = CellNumber(row[1]);
    if (ts) times.emplace(std::string(CellString(row[0])), static_cast<int64_t>(*ts));
  }
  return times;
}

}  // namespace

std::optional<double> Median(std::vector<int64_t>& values) {
  if (values.empty()) return std::nullopt;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle), values.end());
  const double upper = static_cast<double>(values[middle]);
  if (values.size() % 2 == 1) return upper;
  const double lower = static_cast<double>(*std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle)));
  return (lower + upper) / 2.0;
}

Result<FunnelReport> ComputeFunnel(const DashboardParams& params, const std::vector<FunnelStep>& steps,
                                   int64_t window_ms, const QueryRunner& run) {
  FunnelReport report;
  report.window_ms = window_ms;
  Result<TimeByUser> first = FirstTimes(params, steps.front(), params.from_ms, params.to_ms, {}, run);
  if (!first.ok()) return first.status();
  report.steps.push_back({steps.front().label, static_cast<int64_t>(first->size()), std::nullopt});
  TimeByUser previous = *first;
  for (size_t step_idx = 1; step_idx < steps.size(); ++step_idx) {
    TimeByUser reached;
    if (!previous.empty()) {
      // Only [earliest previous step, latest window end] can hold a next step.
      int64_t low = std::numeric_limits<int64_t>::max(), high = std::numeric_limits<int64_t>::min();
      for (const auto& [user, ts] : previous) low = std::min(low, ts);
      for (const auto& [user, ts] : previous) high = std::max(high, first->at(user) + window_ms);
      std::vector<query::Filter> bounds = {Bound(query::FilterOp::kGt, previous, 0),
                                           Bound(query::FilterOp::kLte, *first, window_ms)};
      Result<TimeByUser> next = FirstTimes(params, steps[step_idx], std::max(low + 1, params.from_ms),
                                           std::min(high + 1, params.to_ms), std::move(bounds), run);
      if (!next.ok()) return next.status();
      reached = std::move(*next);
    }
    std::vector<int64_t> gaps;
    gaps.reserve(reached.size());
    for (const auto& [user, ts] : reached) gaps.push_back(ts - previous.at(user));
    report.steps.push_back({steps[step_idx].label, static_cast<int64_t>(reached.size()), Median(gaps)});
    previous = std::move(reached);
  }
  return report;
}

}  // namespace mltrack::analytics
