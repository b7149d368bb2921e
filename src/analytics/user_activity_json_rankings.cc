// The leaderboards of the JSON form of UserActivity: top users, top teams, experiment popularity.
#include "analytics/user_activity_json_parts.h"

namespace mltrack::analytics::user_activity_json {
namespace {

const char* SortName(UsageSort sort) {
  switch (sort) {
    case UsageSort::kCalls: return "calls";
    case UsageSort::kTokens: return "tokens";
    case UsageSort::kErrors: return "errors";
    case UsageSort::kCost: break;
  }
  return "cost";
}


}  // namespace

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

}  // namespace mltrack::analytics::user_activity_json
