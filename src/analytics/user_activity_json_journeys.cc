// How users move through the product in the JSON form of UserActivity: the funnel, retention
// cohorts, the collaboration network and the activity calendar.
#include "analytics/dashboard_support.h"
#include "analytics/user_activity_json_parts.h"
#include "core/time.h"

namespace mltrack::analytics::user_activity_json {

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

}  // namespace mltrack::analytics::user_activity_json
