// The JSON form of UserActivity (docs/api.md, GET /api/analytics/users), written in one place:
// the range, totals, active users and per-user spread here; the leaderboards and the journeys
// (funnel, cohorts, network, calendar) in user_activity_json_{rankings,journeys}.cc.
#include <optional>

#include "analytics/dashboard_support.h"
#include "analytics/user_activity.h"
#include "analytics/user_activity_json_parts.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {

using namespace user_activity_json;  // this file's own parts (user_activity_json_parts.h)

namespace {

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
