// The usage figures of the JSON form of UserActivity, written the same way by every section.
#include "analytics/dashboard_support.h"
#include "analytics/user_activity_json_parts.h"

namespace mltrack::analytics::user_activity_json {

std::optional<double> AsDouble(int64_t value) { return static_cast<double>(value); }

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

void WriteOptionalString(JsonWriter& json, const std::optional<std::string>& value) {
  if (value) {
    json.String(*value);
  } else {
    json.Null();
  }
}

}  // namespace mltrack::analytics::user_activity_json
