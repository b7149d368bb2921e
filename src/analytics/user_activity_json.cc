// The JSON form of UserActivity (docs/api.md, GET /api/analytics/users), written in one place.
#include <optional>

#include "analytics/dashboard_support.h"
#include "analytics/user_activity.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

std::optional<double> AsDouble(int64_t value) { return static_cast<double>(value); }

// Cost of a group: null when none of its events had a cost (unpriced), never 0.
std::optional<double> CostOf(const Usage& usage) {
  return usage.priced > 0 ? std::optional<double>(Usd(usage.cost)) : std::nullopt;
}

void WriteCost(JsonWriter& json, const Usage& usage) {
  if (usage.priced > 0) {
    json.Money(usage.cost);
  } else {
    json.Null();
  }
}

// "calls", "tokens", "cost_usd", "errors" inside an open object.
void WriteUsageFields(JsonWriter& json, const Usage& usage) {
  json.Key("calls");
  json.Int(usage.calls);
  json.Key("tokens");
  json.Int(usage.tokens);
  json.Key("cost_usd");
  WriteCost(json, usage);
  json.Key("errors");
  json.Int(usage.errors);
}

// The four figures, then "previous": {...} and "change_pct": {...}.
void WriteUsageWithPrevious(JsonWriter& json, const Usage& now, const Usage& previous) {
  WriteUsageFields(json, now);
  json.Key("previous");
  json.BeginObject();
  WriteUsageFields(json, previous);
  json.EndObject();
  json.Key("change_pct");
  json.BeginObject();
  json.Key("calls");
  WriteOptional(json, ChangePct(AsDouble(now.calls), AsDouble(previous.calls)));
  json.Key("tokens");
  WriteOptional(json, ChangePct(AsDouble(now.tokens), AsDouble(previous.tokens)));
  json.Key("cost_usd");
  WriteOptional(json, ChangePct(CostOf(now), CostOf(previous)));
  json.Key("errors");
  WriteOptional(json, ChangePct(AsDouble(now.errors), AsDouble(previous.errors)));
  json.EndObject();
}

void WriteSpread(JsonWriter& json, std::string_view name, const Spread& spread) {
  json.Key(name);
  json.BeginObject();
  json.Key("mean");
  json.Double(spread.mean);
  json.Key("p50");
  json.Double(spread.p50);
  json.Key("p90");
  json.Double(spread.p90);
  json.Key("max");
  json.Double(spread.max);
  json.EndObject();
}

void WriteActive(JsonWriter& json, const UserActivity& activity) {
  json.Key("active");
  json.BeginArray();
  for (size_t day = 0; day < activity.active.size(); ++day) {
    const ActiveDay& figures = activity.active[day];
    json.BeginObject();
    json.Key("t");
    json.Int(activity.day_starts[day]);
    json.Key("dau");
    json.Int(figures.dau);
    json.Key("wau");
    json.Int(figures.wau);
    json.Key("mau");
    json.Int(figures.mau);
    json.Key("new");
    json.Int(figures.new_users);
    json.Key("returning");
    json.Int(figures.returning);
    json.Key("stickiness");
    WriteOptional(json, figures.mau > 0 ? std::optional<double>(static_cast<double>(figures.dau) / figures.mau)
                                        : std::nullopt);
    json.EndObject();
  }
  json.EndArray();
}

void WriteTotals(JsonWriter& json, const UserActivity& activity) {
  json.Key("totals");
  json.BeginObject();
  BeginFigure(json, "users", AsDouble(activity.users), AsDouble(activity.previous_users));
  json.EndObject();
  json.Key("new_users");
  json.Int(activity.new_users);
  BeginFigure(json, "calls", AsDouble(activity.usage.calls), AsDouble(activity.previous_usage.calls));
  json.EndObject();
  BeginFigure(json, "tokens", AsDouble(activity.usage.tokens), AsDouble(activity.previous_usage.tokens));
  json.EndObject();
  BeginFigure(json, "cost_usd", CostOf(activity.usage), CostOf(activity.previous_usage));
  json.EndObject();
  BeginFigure(json, "errors", AsDouble(activity.usage.errors), AsDouble(activity.previous_usage.errors));
  json.EndObject();
  double dau_sum = 0, ratio_sum = 0;
  int64_t ratio_days = 0;
  for (const ActiveDay& day : activity.active) {
    dau_sum += static_cast<double>(day.dau);
    if (day.mau > 0) {
      ratio_sum += static_cast<double>(day.dau) / static_cast<double>(day.mau);
      ++ratio_days;
    }
  }
  json.Key("avg_dau");
  WriteOptional(json, activity.active.empty() ? std::nullopt
                                              : std::optional<double>(dau_sum / static_cast<double>(activity.active.size())));
  json.Key("stickiness");
  WriteOptional(json, ratio_days > 0 ? std::optional<double>(ratio_sum / static_cast<double>(ratio_days)) : std::nullopt);
  json.EndObject();
}

void WritePerUser(JsonWriter& json, const PerUserStats& stats) {
  json.Key("per_user");
  json.BeginObject();
  json.Key("users");
  json.Int(stats.users);
  WriteSpread(json, "calls", stats.calls);
  WriteSpread(json, "tokens", stats.tokens);
  WriteSpread(json, "cost_usd", stats.cost_usd);
  WriteSpread(json, "errors", stats.errors);
  json.Key("calls_histogram");
  json.BeginArray();
  for (const CallsBin& bin : stats.calls_histogram) {
    json.BeginObject();
    json.Key("lo");
    json.Int(bin.lo);
    json.Key("hi");
    json.Int(bin.hi);
    json.Key("users");
    json.Int(bin.users);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteOptionalString(JsonWriter& json, const std::optional<std::string>& value) {
  if (value) {
    json.String(*value);
  } else {
    json.Null();
  }
}

const char* SortName(UsageSort sort) {
  switch (sort) {
    case UsageSort::kCalls: return "calls";
    case UsageSort::kTokens: return "tokens";
    case UsageSort::kErrors: return "errors";
    case UsageSort::kCost: break;
  }
  return "cost";
}

void WriteLeaderboards(JsonWriter& json, const UserActivity& activity) {
  json.Key("top_users");
  json.BeginObject();
  json.Key("sort");
  json.String(SortName(activity.sort));
  json.Key("rows");
  json.BeginArray();
  for (const UserRow& row : activity.top_users) {
    json.BeginObject();
    json.Key("user");
    json.String(row.user);
    json.Key("team");
    WriteOptionalString(json, row.team);
    WriteUsageWithPrevious(json, row.now, row.previous);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  json.Key("teams");
  json.BeginArray();
  for (const TeamRow& row : activity.teams) {
    json.BeginObject();
    json.Key("team");
    WriteOptionalString(json, row.team);
    json.Key("users");
    json.Int(row.users);
    json.Key("previous_users");
    json.Int(row.previous_users);
    WriteUsageWithPrevious(json, row.now, row.previous);
    json.EndObject();
  }
  json.EndArray();
  json.Key("experiments");
  json.BeginArray();
  for (const ExperimentUsage& experiment : activity.experiments) {
    json.BeginObject();
    json.Key("experiment");
    json.String(experiment.experiment);
    json.Key("users");
    json.Int(experiment.users);
    WriteUsageFields(json, experiment.usage);
    json.EndObject();
  }
  json.EndArray();
}

void WriteFunnel(JsonWriter& json, const std::optional<FunnelReport>& funnel) {
  json.Key("funnel");
  if (!funnel) return json.Null();
  json.BeginObject();
  json.Key("window_ms");
  json.Int(funnel->window_ms);
  json.Key("steps");
  json.BeginArray();
  const int64_t started = funnel->steps.empty() ? 0 : funnel->steps.front().users;
  for (size_t step = 0; step < funnel->steps.size(); ++step) {
    const FunnelStepReport& report = funnel->steps[step];
    const int64_t before = step == 0 ? report.users : funnel->steps[step - 1].users;
    json.BeginObject();
    json.Key("step");
    json.String(report.label);
    json.Key("users");
    json.Int(report.users);
    json.Key("conversion");  // from the step before
    WriteOptional(json, before > 0 ? std::optional<double>(static_cast<double>(report.users) / before) : std::nullopt);
    json.Key("conversion_from_start");
    WriteOptional(json, started > 0 ? std::optional<double>(static_cast<double>(report.users) / started) : std::nullopt);
    json.Key("median_ms_from_previous");
    WriteOptional(json, report.median_ms_from_previous);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteCohorts(JsonWriter& json, const UserActivity& activity) {
  json.Key("cohorts");
  json.BeginArray();
  for (size_t cohort_idx = 0; cohort_idx < activity.cohorts.size(); ++cohort_idx) {
    const Cohort& cohort = activity.cohorts[cohort_idx];
    json.BeginObject();
    json.Key("week");
    json.Int(activity.cohort_starts[cohort_idx]);
    json.Key("users");
    json.Int(cohort.users);
    json.Key("active");
    json.BeginArray();
    for (int64_t active : cohort.active) json.Int(active);
    json.EndArray();
    json.Key("retention");
    json.BeginArray();
    for (int64_t active : cohort.active) json.Double(static_cast<double>(active) / static_cast<double>(cohort.users));
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
}

void WriteNetwork(JsonWriter& json, const UserActivity& activity) {
  json.Key("network");
  json.BeginObject();
  json.Key("nodes");
  json.BeginArray();
  for (const NetworkNode& node : activity.nodes) {
    json.BeginObject();
    json.Key("user");
    json.String(node.user);
    json.Key("team");
    WriteOptionalString(json, node.team);
    json.Key("calls");
    json.Int(node.usage.calls);
    json.Key("cost_usd");
    WriteCost(json, node.usage);
    json.EndObject();
  }
  json.EndArray();
  json.Key("links");
  json.BeginArray();
  for (const NetworkLink& link : activity.links) {
    json.BeginObject();
    json.Key("source");
    json.Int(static_cast<int64_t>(link.source));
    json.Key("target");
    json.Int(static_cast<int64_t>(link.target));
    json.Key("shared_experiments");
    json.Int(link.shared);
    json.Key("calls");
    json.Int(link.calls);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteCalendar(JsonWriter& json, const UserActivity& activity) {
  json.Key("calendar");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(activity.calendar_from_ms));
  json.Key("to");
  json.String(FormatRfc3339(activity.calendar_to_ms));
  json.Key("days");
  json.BeginArray();
  for (const CalendarDay& day : activity.calendar) {
    json.BeginObject();
    json.Key("t");
    json.Int(day.t);
    json.Key("calls");
    json.Int(day.usage.calls);
    json.Key("cost_usd");
    WriteCost(json, day.usage);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

std::string UserActivityJson(const UserActivity& activity) {
  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(activity.from_ms));
  json.Key("to");
  json.String(FormatRfc3339(activity.to_ms));
  json.Key("previous_from");
  json.String(FormatRfc3339(activity.previous_from_ms));
  json.Key("previous_to");
  json.String(FormatRfc3339(activity.from_ms));
  json.Key("tz");
  json.String(activity.tz);
  json.EndObject();
  json.Key("demo");
  json.Bool(activity.demo);
  WriteTotals(json, activity);
  WriteActive(json, activity);
  WritePerUser(json, activity.per_user);
  WriteLeaderboards(json, activity);
  WriteFunnel(json, activity.funnel);
  WriteCohorts(json, activity);
  WriteNetwork(json, activity);
  WriteCalendar(json, activity);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
