#include "analytics/funnel.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
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

// The steps' one field and values when every step is `field = "value"` on the same string
// field (tags.step:search,tags.step:answer, …) with distinct values, so that one query grouped by
// (user, field) tells each event's step; nullopt otherwise.
std::optional<std::pair<FieldRef, std::vector<std::string>>> OneFieldSteps(const std::vector<FunnelStep>& steps) {
  const FieldRef& field = steps.front().filter.field;
  if (field.id != FieldId::kTag && field.kind() != FieldKind::kString) return std::nullopt;
  std::vector<std::string> values;
  for (const FunnelStep& step : steps) {
    const query::Filter& filter = step.filter;
    if (filter.field != field || filter.op != query::FilterOp::kEq || filter.values.size() != 1 ||
        IsKeyedBound(filter)) {
      return std::nullopt;
    }
    const auto* value = std::get_if<std::string>(&filter.values.front());
    if (value == nullptr || std::find(values.begin(), values.end(), *value) != values.end()) return std::nullopt;
    values.push_back(*value);
  }
  return std::make_pair(field, std::move(values));
}

// Each user's first event of every step in [from, to), per step (parallel to `values`), from one
// query grouped by (user, field) with min:ts; nullopt when it has more groups than a query may
// return (the caller then asks step by step).
Result<std::optional<std::vector<TimeByUser>>> FirstTimesPerStep(const DashboardParams& params, const FieldRef& field,
                                                                 const std::vector<std::string>& values,
                                                                 const QueryRunner& run) {
  std::vector<TimeByUser> times(values.size());
  if (params.from_ms >= params.to_ms) return std::optional(std::move(times));
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  query::Filter in;
  in.field = field;
  in.op = query::FilterOp::kIn;
  in.values.assign(values.begin(), values.end());
  spec.filters.push_back(std::move(in));
  spec.group_by = {FieldRef{FieldId::kUser, {}}, field};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"min:ts"}));
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  if (result->truncated) return std::optional<std::vector<TimeByUser>>();
  for (const auto& row : result->rows) {
    if (std::holds_alternative<std::monostate>(row[0])) continue;  // events without a user
    const std::string_view value = CellString(row[1]);
    const auto step = std::find(values.begin(), values.end(), value);
    const std::optional<double> ts = CellNumber(row[2]);
    if (step == values.end() || !ts) continue;
    times[static_cast<size_t>(step - values.begin())].emplace(std::string(CellString(row[0])), static_cast<int64_t>(*ts));
  }
  return std::optional(std::move(times));
}

// The users of `previous` who reach the next step, and when, from the query of one step: only
// [earliest previous step, latest window end] can hold a next step, and per-user bounds keep
// each user's events after their previous step and within their window.
Result<TimeByUser> NextTimes(const DashboardParams& params, const FunnelStep& step, const TimeByUser& previous,
                             const TimeByUser& first, int64_t window_ms, const QueryRunner& run) {
  if (previous.empty()) return TimeByUser();
  int64_t low = std::numeric_limits<int64_t>::max(), high = std::numeric_limits<int64_t>::min();
  TimeByUser window_starts;
  window_starts.reserve(previous.size());
  for (const auto& [user, ts] : previous) {
    low = std::min(low, ts);
    const int64_t start = first.at(user);
    high = std::max(high, start + window_ms);
    window_starts.emplace(user, start);
  }
  std::vector<query::Filter> bounds = {Bound(query::FilterOp::kGt, previous, 0),
                                       Bound(query::FilterOp::kLte, window_starts, window_ms)};
  return FirstTimes(params, step, std::max(low + 1, params.from_ms), std::min(high + 1, params.to_ms),
                    std::move(bounds), run);
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
  // Steps on one field: every user's first event of every step from one query. A user's first
  // step-k event after T(k−1) is their first step-k event at all when that one is after T(k−1);
  // only the users for whom it is not ("unsettled") need the bounded query of the step.
  std::optional<std::vector<TimeByUser>> per_step;
  if (const auto one_field = OneFieldSteps(steps)) {
    Result<std::optional<std::vector<TimeByUser>>> found = FirstTimesPerStep(params, one_field->first, one_field->second, run);
    if (!found.ok()) return found.status();
    per_step = std::move(*found);
  }
  TimeByUser first;
  if (per_step) {
    first = std::move(per_step->front());
  } else {
    Result<TimeByUser> found = FirstTimes(params, steps.front(), params.from_ms, params.to_ms, {}, run);
    if (!found.ok()) return found.status();
    first = std::move(*found);
  }
  report.steps.push_back({steps.front().label, static_cast<int64_t>(first.size()), std::nullopt});
  TimeByUser previous = first;
  for (size_t step_idx = 1; step_idx < steps.size(); ++step_idx) {
    TimeByUser reached;
    TimeByUser unsettled;  // users whose next step the bounded query finds
    if (per_step) {
      const TimeByUser& earliest = (*per_step)[step_idx];
      for (const auto& [user, ts] : previous) {
        const auto found = earliest.find(user);
        if (found == earliest.end()) continue;  // no event of the step at all
        if (found->second <= ts) {
          unsettled.emplace(user, ts);
        } else if (found->second <= first.at(user) + window_ms) {
          reached.emplace(user, found->second);
        }
      }
    }
    Result<TimeByUser> next = NextTimes(params, steps[step_idx], per_step ? unsettled : previous, first, window_ms, run);
    if (!next.ok()) return next.status();
    reached.merge(*next);
    std::vector<int64_t> gaps;
    gaps.reserve(reached.size());
    for (const auto& [user, ts] : reached) gaps.push_back(ts - previous.at(user));
    report.steps.push_back({steps[step_idx].label, static_cast<int64_t>(reached.size()), Median(gaps)});
    previous = std::move(reached);
  }
  return report;
}

}  // namespace mltrack::analytics
