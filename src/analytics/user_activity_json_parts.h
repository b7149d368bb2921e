#pragma once
// Internal to the JSON form of UserActivity (user_activity_json*.cc): the usage figures every
// section writes the same way, and the sections written in their own files.

#include <cstdint>
#include <optional>
#include <string>

#include "analytics/user_activity.h"
#include "core/json_writer.h"

namespace mltrack::analytics::user_activity_json {

std::optional<double> AsDouble(int64_t value);
// Cost of a group: null when none of its events had a cost (unpriced), never 0.
std::optional<double> CostOf(const Usage& usage);
void WriteCost(JsonWriter& json, const Usage& usage);
// "calls", "tokens", "cost_usd", "errors" inside an open object.
void WriteUsageFields(JsonWriter& json, const Usage& usage);
// The four figures, then "previous": {...} and "change_pct": {...}.
void WriteUsageWithPrevious(JsonWriter& json, const Usage& now, const Usage& previous);
void WriteOptionalString(JsonWriter& json, const std::optional<std::string>& value);

// "top_users", "top_teams", "experiments" (user_activity_json_rankings.cc).
void WriteLeaderboards(JsonWriter& json, const UserActivity& activity);
// "funnel", "cohorts", "network", "calendar" (user_activity_json_journeys.cc).
void WriteFunnel(JsonWriter& json, const std::optional<FunnelReport>& funnel);
void WriteCohorts(JsonWriter& json, const UserActivity& activity);
void WriteNetwork(JsonWriter& json, const UserActivity& activity);
void WriteCalendar(JsonWriter& json, const UserActivity& activity);

}  // namespace mltrack::analytics::user_activity_json
