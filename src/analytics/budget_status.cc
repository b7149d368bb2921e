#include "analytics/budget_status.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "analytics/dashboard_support.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

constexpr int kHistoryDays = 28;

// The budgets that one query serves: same time zone (day buckets), same scope field.
struct QueryGroup {
  std::string zone;
  std::optional<FieldRef> field;
  std::vector<size_t> budgets;  // indexes
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

// The local days of [from_ms, to_ms).
std::vector<DaySpend> DaysBetween(std::string_view zone, int64_t from_ms, int64_t to_ms) {
  std::vector<DaySpend> days;
  for (int64_t start = from_ms; start < to_ms;) {
    Period day = DayAt(zone, start);
    days.push_back({day.start_ms, LocalWeekday(zone, day.start_ms), 0});
    start = day.end_ms;
  }
  return days;
}

}  // namespace

Result<NanoUsd> PeriodSpend(const Budget& budget, const Period& period, const QueryRunner& run) {
  query::QuerySpec spec;
  spec.from_ms = period.start_ms;
  spec.to_ms = period.end_ms;
  spec.filters = ScopeFilters(budget);
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd"}));
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  return CellNanoUsd(SingleCell(*result, "sum:cost_usd")).value_or(0);
}

Result<std::vector<NanoUsd>> PeriodSpends(const std::vector<PeriodRequest>& requests, const QueryRunner& run) {
  // Requests that one query answers: same period kind and zone (bucket), same scope field.
  std::map<std::tuple<int, std::string, std::string>, std::vector<size_t>> groups;
  for (size_t idx = 0; idx < requests.size(); ++idx) {
    const Budget& budget = *requests[idx].budget;
    groups[{static_cast<int>(budget.period), budget.timezone, budget.scope ? budget.scope->field.Name() : ""}].push_back(idx);
  }
  // Within a group, periods that touch or overlap share a query; a gap starts another, so a late
  // period and the current one do not make one query scan everything between them.
  std::vector<std::vector<size_t>> clusters;
  for (auto& [key, members] : groups) {
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return requests[a].period.start_ms < requests[b].period.start_ms;
    });
    int64_t cluster_end = 0;
    for (size_t member_idx = 0; member_idx < members.size(); ++member_idx) {
      const Period& period = requests[members[member_idx]].period;
      if (member_idx == 0 || period.start_ms > cluster_end) {
        clusters.emplace_back();
        cluster_end = period.end_ms;
      }
      clusters.back().push_back(members[member_idx]);
      cluster_end = std::max(cluster_end, period.end_ms);
    }
  }
  std::vector<NanoUsd> spends(requests.size(), 0);
  for (const std::vector<size_t>& members : clusters) {
    const Budget& first = *requests[members.front()].budget;
    query::QuerySpec spec;
    spec.tz = first.timezone;  // buckets are the zone's local days, weeks (from Monday), months
    spec.from_ms = requests[members.front()].period.start_ms;
    spec.to_ms = requests[members.front()].period.end_ms;
    for (size_t idx : members) {
      spec.from_ms = std::min(spec.from_ms, requests[idx].period.start_ms);
      spec.to_ms = std::max(spec.to_ms, requests[idx].period.end_ms);
    }
    // Buckets of the period kind: days, weeks from Monday, calendar months (as PeriodAt).
    if (first.period == BudgetPeriod::kMonth) {
      spec.bucket_months = 1;
    } else {
      spec.bucket_ms = first.period == BudgetPeriod::kDay ? 86'400'000LL : 7 * 86'400'000LL;
    }
    if (first.scope) {
      query::Filter filter;
      filter.field = first.scope->field;
      filter.op = query::FilterOp::kIn;
      for (size_t idx : members) filter.values.emplace_back(requests[idx].budget->scope->value);
      spec.filters.push_back(std::move(filter));
      spec.group_by = {first.scope->field};
    }
    MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd"}));
    spec.limit = query::kMaxQueryLimit;
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    if (result->truncated) return Status::Internal("too many budget periods in one query");
    std::map<std::pair<std::string, int64_t>, NanoUsd> cost;  // (scope value, period start) → cost
    for (const auto& cells : result->rows) {
      const std::string value = first.scope ? std::string(CellString(cells[1])) : "";
      cost[{value, CellInt(cells[0]).value_or(0)}] += CellNanoUsd(cells.back()).value_or(0);
    }
    for (size_t idx : members) {
      const PeriodRequest& request = requests[idx];
      auto found = cost.find({request.budget->scope ? request.budget->scope->value : "", request.period.start_ms});
      spends[idx] = found == cost.end() ? 0 : found->second;
    }
  }
  return spends;
}

Result<std::vector<BudgetStatus>> ComputeBudgetStatuses(const std::vector<Budget>& budgets,
                                                        const QueryRunner& run, int64_t now_ms) {
  std::vector<BudgetStatus> statuses;
  std::map<std::pair<std::string, std::string>, QueryGroup> groups;
  for (size_t idx = 0; idx < budgets.size(); ++idx) {
    const Budget& budget = budgets[idx];
    BudgetStatus status{budget, PeriodAt(budget.period, budget.timezone, now_ms), {}};
    const int64_t history_from = DayAt(budget.timezone, now_ms).start_ms - kHistoryDays * 86'400'000LL;
    QueryGroup& group = groups[{budget.timezone, budget.scope ? budget.scope->field.Name() : ""}];
    if (group.budgets.empty()) {
      group.zone = budget.timezone;
      if (budget.scope) group.field = budget.scope->field;
      group.from_ms = std::min(status.period.start_ms, history_from);
      group.to_ms = status.period.end_ms;
    }
    group.from_ms = std::min({group.from_ms, status.period.start_ms, history_from});
    group.to_ms = std::max(group.to_ms, status.period.end_ms);
    group.budgets.push_back(idx);
    statuses.push_back(std::move(status));
  }

  for (const auto& [key, group] : groups) {
    // Daily cost of each budget's events (by scope value when scoped).
    query::QuerySpec spec;
    spec.tz = group.zone;  // local days
    spec.from_ms = group.from_ms;
    spec.to_ms = group.to_ms;
    spec.bucket_ms = 86'400'000;
    if (group.field) {
      query::Filter filter;
      filter.field = *group.field;
      filter.op = query::FilterOp::kIn;
      for (size_t idx : group.budgets) filter.values.emplace_back(budgets[idx].scope->value);
      spec.filters.push_back(std::move(filter));
      spec.group_by = {*group.field};
    }
    MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd"}));
    spec.limit = query::kMaxQueryLimit;
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    std::map<std::pair<std::string, int64_t>, NanoUsd> cost;  // (scope value, day start) → cost
    for (const auto& cells : result->rows) {
      const std::string value = group.field ? std::string(CellString(cells[1])) : "";
      cost[{value, CellInt(cells[0]).value_or(0)}] += CellNanoUsd(cells.back()).value_or(0);
    }

    for (size_t idx : group.budgets) {
      BudgetStatus& status = statuses[idx];
      const std::string value = group.field ? status.budget.scope->value : "";
      auto day_cost = [&](int64_t start) {
        auto found = cost.find({value, start});
        return found == cost.end() ? 0 : found->second;
      };
      const Period today = DayAt(group.zone, now_ms);
      ProjectionInput input;
      input.amount = status.budget.amount;
      input.period_days = DaysBetween(group.zone, status.period.start_ms, status.period.end_ms);
      for (size_t day_idx = 0; day_idx < input.period_days.size(); ++day_idx) {
        DaySpend& day = input.period_days[day_idx];
        day.cost = day_cost(day.start_ms);
        if (day.start_ms == today.start_ms) input.today_index = day_idx;
      }
      input.today_elapsed =
          static_cast<double>(now_ms - today.start_ms) / static_cast<double>(today.end_ms - today.start_ms);
      input.history = DaysBetween(group.zone, today.start_ms - kHistoryDays * 86'400'000LL, today.start_ms);
      for (DaySpend& day : input.history) day.cost = day_cost(day.start_ms);
      // Events stamped after today but within the period (clock skew) count to its spend, not to
      // the projection's history of actual days.
      NanoUsd ahead = 0;
      for (size_t day_idx = input.today_index + 1; day_idx < input.period_days.size(); ++day_idx) {
        ahead += std::exchange(input.period_days[day_idx].cost, 0);
      }
      status.projection = ProjectSpend(input);
      status.projection.spent += ahead;
      status.projection.projected += ahead;
      status.projection.low += ahead;
      status.projection.high += ahead;
    }
  }
  return statuses;
}

void WriteBudgetStatus(JsonWriter& json, const BudgetStatus& status) {
  const Budget& budget = status.budget;
  const SpendProjection& projection = status.projection;
  json.BeginObject();
  WriteBudgetDefinition(json, budget);
  json.Key("created_at");
  json.String(FormatRfc3339(budget.created_at_ms));
  json.Key("period_start");
  json.String(FormatRfc3339(status.period.start_ms));
  json.Key("period_end");
  json.String(FormatRfc3339(status.period.end_ms));
  json.Key("spend_usd");
  json.Money(projection.spent);
  json.Key("share_pct");
  json.Double(static_cast<double>(projection.spent) / static_cast<double>(budget.amount) * 100.0);
  json.Key("projected_usd");
  json.Money(projection.projected);
  json.Key("projected_low_usd");
  json.Money(projection.low);
  json.Key("projected_high_usd");
  json.Money(projection.high);
  json.Key("projection_history_days");
  json.Int(projection.history_days);
  json.Key("projection_method");
  json.String(ProjectionMethodName(projection.method));
  const std::pair<const char*, const std::optional<int64_t>*> dates[] = {
      {"exceeds_on", &projection.exceeds_on_ms},
      {"exceeds_earliest", &projection.exceeds_earliest_ms},
      {"exceeds_latest", &projection.exceeds_latest_ms}};
  for (const auto& [key, day] : dates) {
    json.Key(key);
    if (*day) {
      json.String(LocalDate(budget.timezone, **day));
    } else {
      json.Null();
    }
  }
  json.EndObject();
}

}  // namespace mltrack::analytics
