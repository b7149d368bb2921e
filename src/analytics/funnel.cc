#include "analytics/funnel.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_map>

#include "analytics/dashboard_support.h"
#include "analytics/user_usage.h"

namespace mltrack::analytics {
namespace {

using TimeByUser = std::unordered_map<std::string, int64_t>;

// The query of each user's first event of `step` in [from_ms, to_ms) under `extra` filters.
Result<query::QuerySpec> FirstTimesSpec(const DashboardParams& params, const FunnelStep& step, int64_t from_ms,
                                        int64_t to_ms, std::vector<query::Filter> extra) {
  query::QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  spec.filters.push_back(step.filter);
  for (query::Filter& filter : extra) spec.filters.push_back(std::move(filter));
  spec.group_by = {FieldRef{FieldId::kUser, {}}};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"min:ts"}));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

// Adds the users and times of a FirstTimesSpec's result to `times`.
Status ReadFirstTimes(Result<query::QueryResult> result, TimeByUser& times) {
  if (!result.ok()) return result.status();
  if (result->truncated) {
    return Status::InvalidArgument("the funnel has more than 100,000 users; narrow the filters",
                                   {{-1, "steps", "more than 100,000 users reached a step"}});
  }
  times.reserve(times.size() + result->rows.size());
  for (const auto& row : result->rows) {
    if (std::holds_alternative<std::monostate>(row[0])) continue;  // events without a user
    const std::optional<double> ts = CellNumber(row[1]);
    if (ts) times.emplace(std::string(CellString(row[0])), static_cast<int64_t>(*ts));
  }
  return Status::OK();
}

// Each user's first event of `step` in [from_ms, to_ms).
Result<TimeByUser> FirstTimes(const DashboardParams& params, const FunnelStep& step, int64_t from_ms,
                              int64_t to_ms, const QueryRunner& run) {
  TimeByUser times;
  if (from_ms >= to_ms) return times;
  Result<query::QuerySpec> spec = FirstTimesSpec(params, step, from_ms, to_ms, {});
  if (!spec.ok()) return spec.status();
  MLTRACK_RETURN_IF_ERROR(ReadFirstTimes(run(*spec), times));
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

// Each user's first event of every step in [from, to), by user id (kNoTime: none), from one
// query grouped by (user, field) with min:ts. The names view into the kept result.
constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
struct StepTimes {
  StepTimes() = default;
  StepTimes(StepTimes&&) = default;  // never copied: the names would view the original's strings
  StepTimes(const StepTimes&) = delete;
  query::QueryResult result;
  NameIds users;
  std::vector<std::vector<int64_t>> times;  // per step (parallel to the values), by user id
};

// StepTimes of `values`; nullopt when the query has more groups than it may return (the caller
// then asks step by step).
Result<std::optional<StepTimes>> FirstTimesPerStep(const DashboardParams& params, const FieldRef& field,
                                                   const std::vector<std::string>& values, const QueryRunner& run) {
  std::optional<StepTimes> out(std::in_place);
  out->times.resize(values.size());
  if (params.from_ms >= params.to_ms) return out;
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
  if (result->truncated) return std::optional<StepTimes>();
  out->result = std::move(result).value();
  const std::string* previous_user = nullptr;  // a user's rows often follow each other
  uint32_t user = NameIds::kNone;
  for (const auto& row : out->result.rows) {
    const auto* name = std::get_if<std::string>(&row[0]);
    if (name == nullptr) continue;  // events without a user
    const std::string_view value = CellString(row[1]);
    const auto step = std::find(values.begin(), values.end(), value);
    const std::optional<double> ts = CellNumber(row[2]);
    if (step == values.end() || !ts) continue;
    if (previous_user == nullptr || *previous_user != *name) {
      user = out->users.Intern(*name);
      previous_user = name;
    }
    std::vector<int64_t>& times = out->times[static_cast<size_t>(step - values.begin())];
    if (times.size() <= user) times.resize(user + 1, kNoTime);
    times[user] = static_cast<int64_t>(*ts);
  }
  for (std::vector<int64_t>& times : out->times) times.resize(out->users.size(), kNoTime);
  return out;
}

// At most this many bounded queries per step (NextTimes).
constexpr size_t kMaxBoundedQueries = 16;

// A user's span for the next step: (previous step, window end] within [from, to), as [low, high).
struct UserSpan {
  int64_t low = 0;
  int64_t high = 0;
  const std::string* user = nullptr;
  int64_t previous = 0;  // their previous step's time
  int64_t start = 0;     // their first step's time
};

// The users of `previous` who reach the next step, and when: per-user bounds keep each user's
// events after their previous step and within their window. The users' spans are cut into runs
// that overlap (at most kMaxBoundedQueries, cut where the gaps between them are widest), one
// query each over its run's span, asked as one batch: users whose windows lie days apart do not
// make every query read the days between them.
Result<TimeByUser> NextTimes(const DashboardParams& params, const FunnelStep& step, const TimeByUser& previous,
                             const TimeByUser& first, int64_t window_ms, const QueryRunner& run) {
  std::vector<UserSpan> spans;
  spans.reserve(previous.size());
  for (const auto& [user, ts] : previous) {
    const int64_t start = first.at(user);
    const int64_t low = std::max(ts + 1, params.from_ms), high = std::min(start + window_ms + 1, params.to_ms);
    if (low < high) spans.push_back({low, high, &user, ts, start});  // else no event can be the next step
  }
  if (spans.empty()) return TimeByUser();
  std::sort(spans.begin(), spans.end(), [](const UserSpan& a, const UserSpan& b) {
    return a.low != b.low ? a.low < b.low : *a.user < *b.user;
  });
  // Runs of overlapping spans: a run ends before a span that starts after every earlier one ends.
  std::vector<std::pair<int64_t, size_t>> gaps;  // (gap before span i, i)
  int64_t reach = spans.front().high;
  for (size_t idx = 1; idx < spans.size(); ++idx) {
    if (spans[idx].low >= reach) gaps.emplace_back(spans[idx].low - reach, idx);
    reach = std::max(reach, spans[idx].high);
  }
  if (gaps.size() >= kMaxBoundedQueries) {  // keep the widest gaps (ties: the earliest)
    std::stable_sort(gaps.begin(), gaps.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    gaps.resize(kMaxBoundedQueries - 1);
  }
  std::vector<size_t> cuts;
  for (const auto& gap : gaps) cuts.push_back(gap.second);
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(spans.size());
  std::vector<query::QuerySpec> specs;
  size_t begin = 0;
  for (size_t end : cuts) {
    query::Filter after, within;  // ts > previous step, ts ≤ first step + window
    after.field = within.field = FieldRef{FieldId::kTs, {}};
    after.op = query::FilterOp::kGt;
    within.op = query::FilterOp::kLte;
    after.by = within.by = FieldRef{FieldId::kUser, {}};
    int64_t low = std::numeric_limits<int64_t>::max(), high = std::numeric_limits<int64_t>::min();
    for (size_t idx = begin; idx < end; ++idx) {
      const UserSpan& span = spans[idx];
      after.bounds.emplace_back(*span.user, span.previous);
      within.bounds.emplace_back(*span.user, span.start + window_ms);
      low = std::min(low, span.low);
      high = std::max(high, span.high);
    }
    Result<query::QuerySpec> spec = FirstTimesSpec(params, step, low, high, {std::move(after), std::move(within)});
    if (!spec.ok()) return spec.status();
    specs.push_back(std::move(spec).value());
    begin = end;
  }
  TimeByUser times;
  for (Result<query::QueryResult>& result : run.RunBatch(specs)) {
    MLTRACK_RETURN_IF_ERROR(ReadFirstTimes(std::move(result), times));
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

namespace {

// The funnel from every user's first event of every step (StepTimes): step k of a user is their
// first step-k event when it lies after their step k − 1 and within the window; only the users
// for whom it does not ("unsettled") go to the step's bounded query.
Result<FunnelReport> FunnelFromStepTimes(const DashboardParams& params, const std::vector<FunnelStep>& steps,
                                         int64_t window_ms, const StepTimes& all, const QueryRunner& run) {
  FunnelReport report;
  report.window_ms = window_ms;
  const std::vector<int64_t>& first = all.times.front();
  const size_t users = all.users.size();
  int64_t count = 0;
  for (int64_t ts : first) count += ts != kNoTime;
  report.steps.push_back({steps.front().label, count, std::nullopt});
  std::vector<int64_t> previous = first;
  for (size_t step_idx = 1; step_idx < steps.size(); ++step_idx) {
    const std::vector<int64_t>& earliest = all.times[step_idx];
    std::vector<int64_t> reached(users, kNoTime);
    TimeByUser unsettled, unsettled_first;  // the users whose next step the bounded query finds
    for (uint32_t user = 0; user < users; ++user) {
      if (previous[user] == kNoTime || earliest[user] == kNoTime) continue;  // no event of the step at all
      if (earliest[user] <= previous[user]) {
        unsettled.emplace(all.users[user], previous[user]);
        unsettled_first.emplace(all.users[user], first[user]);
      } else if (earliest[user] <= first[user] + window_ms) {
        reached[user] = earliest[user];
      }
    }
    Result<TimeByUser> next = NextTimes(params, steps[step_idx], unsettled, unsettled_first, window_ms, run);
    if (!next.ok()) return next.status();
    for (const auto& [name, ts] : *next) {  // unsettled users (the bounds keep no other)
      if (const uint32_t user = all.users.Find(name); user != NameIds::kNone) reached[user] = ts;
    }
    std::vector<int64_t> gaps;
    for (uint32_t user = 0; user < users; ++user) {
      if (reached[user] != kNoTime) gaps.push_back(reached[user] - previous[user]);
    }
    report.steps.push_back({steps[step_idx].label, static_cast<int64_t>(gaps.size()), Median(gaps)});
    previous = std::move(reached);
  }
  return report;
}

}  // namespace

Result<FunnelReport> ComputeFunnel(const DashboardParams& params, const std::vector<FunnelStep>& steps,
                                   int64_t window_ms, const QueryRunner& run) {
  // Steps on one field: every user's first event of every step from one query (FunnelFromStepTimes).
  if (const auto one_field = OneFieldSteps(steps)) {
    Result<std::optional<StepTimes>> found = FirstTimesPerStep(params, one_field->first, one_field->second, run);
    if (!found.ok()) return found.status();
    if (*found) return FunnelFromStepTimes(params, steps, window_ms, **found, run);
  }
  // Step by step: step k's bounded query over the users who reached step k − 1.
  FunnelReport report;
  report.window_ms = window_ms;
  Result<TimeByUser> found = FirstTimes(params, steps.front(), params.from_ms, params.to_ms, run);
  if (!found.ok()) return found.status();
  const TimeByUser first = std::move(*found);
  report.steps.push_back({steps.front().label, static_cast<int64_t>(first.size()), std::nullopt});
  TimeByUser previous = first;
  for (size_t step_idx = 1; step_idx < steps.size(); ++step_idx) {
    Result<TimeByUser> next = NextTimes(params, steps[step_idx], previous, first, window_ms, run);
    if (!next.ok()) return next.status();
    TimeByUser& reached = *next;
    std::vector<int64_t> gaps;
    gaps.reserve(reached.size());
    for (const auto& [user, ts] : reached) gaps.push_back(ts - previous.at(user));
    report.steps.push_back({steps[step_idx].label, static_cast<int64_t>(reached.size()), Median(gaps)});
    previous = std::move(reached);
  }
  return report;
}

}  // namespace mltrack::analytics
