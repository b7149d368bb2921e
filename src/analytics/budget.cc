#include "analytics/budget.h"

#include <simdjson.h>

#include <cmath>

#include "analytics/local_calendar.h"

namespace mltrack::analytics {
namespace {

constexpr double kMaxAmountUsd = 1e9;
constexpr size_t kMaxThresholds = 10;
constexpr size_t kMaxName = 200;

bool IsScopeField(const FieldRef& field) {
  return field.id == FieldId::kTag || (field.kind() == FieldKind::kString && GetFieldInfo(field.id).dimension);
}

void ParseScope(simdjson::dom::element value, BudgetInput& input, std::vector<ErrorDetail>& errors) {
  if (value.is_null()) return;
  simdjson::dom::object scope;
  if (value.get(scope) != simdjson::SUCCESS) {
    errors.push_back({-1, "scope", "must be an object {\"field\", \"value\"} or null"});
    return;
  }
  std::string_view field_name, field_value;
  bool has_field = false, has_value = false;
  for (auto member : scope) {
    if (member.key == "field") {
      has_field = member.value.get(field_name) == simdjson::SUCCESS;
      if (!has_field) errors.push_back({-1, "scope.field", "must be a string"});
    } else if (member.key == "value") {
      has_value = member.value.get(field_value) == simdjson::SUCCESS;
      if (!has_value) errors.push_back({-1, "scope.value", "must be a string"});
    } else {
      errors.push_back({-1, "scope." + std::string(member.key), "unknown field (expected field, value)"});
    }
  }
  if (!has_field || !has_value) {
    if (!has_field && scope["field"].error()) errors.push_back({-1, "scope.field", "missing (required)"});
    if (!has_value && scope["value"].error()) errors.push_back({-1, "scope.value", "missing (required)"});
    return;
  }
  std::optional<FieldRef> field = ParseFieldRef(field_name);
  if (!field || !IsScopeField(*field)) {
    errors.push_back({-1, "scope.field",
                      "unknown scope field \"" + std::string(field_name) +
                          "\" (a string dimension such as team, experiment, model, provider, user, or tags.<key>)"});
    return;
  }
  if (field_value.empty() || field_value.size() > kMaxStringBytes) {
    errors.push_back({-1, "scope.value", "must be 1 to 1024 bytes"});
    return;
  }
  input.scope = BudgetScope{std::move(*field), std::string(field_value)};
}

void ParseThresholds(simdjson::dom::element value, BudgetInput& input, std::vector<ErrorDetail>& errors) {
  simdjson::dom::array list;
  if (value.get(list) != simdjson::SUCCESS || list.size() == 0 || list.size() > kMaxThresholds) {
    errors.push_back({-1, "thresholds_pct", "must be an array of 1 to 10 numbers"});
    return;
  }
  input.thresholds.clear();
  int64_t index = 0;
  for (simdjson::dom::element item : list) {
    const std::string path = "thresholds_pct[" + std::to_string(index++) + "]";
    double pct = 0;
    if (item.get(pct) != simdjson::SUCCESS || !std::isfinite(pct) || pct <= 0 || pct > 1000) {
      errors.push_back({-1, path, "must be a number above 0 and at most 1000"});
      return;
    }
    const int64_t milli = std::llround(pct * 1000.0);
    if (std::fabs(static_cast<double>(milli) / 1000.0 - pct) > 1e-9) {
      errors.push_back({-1, path, "at most 3 decimals"});
      return;
    }
    if (!input.thresholds.empty() && milli <= input.thresholds.back().milli_pct) {
      errors.push_back({-1, path, "thresholds must be in increasing order, without repeats"});
      return;
    }
    input.thresholds.push_back(Threshold{milli});
  }
}

}  // namespace

std::string_view BudgetPeriodName(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::kDay:
      return "day";
    case BudgetPeriod::kWeek:
      return "week";
    case BudgetPeriod::kMonth:
      return "month";
  }
  return "month";
}

std::optional<BudgetPeriod> ParseBudgetPeriod(std::string_view name) {
  if (name == "day") return BudgetPeriod::kDay;
  if (name == "week") return BudgetPeriod::kWeek;
  if (name == "month") return BudgetPeriod::kMonth;
  return std::nullopt;
}

bool Threshold::ReachedBy(NanoUsd spend, NanoUsd amount) const {
  return static_cast<__int128>(spend) * 100'000 >= static_cast<__int128>(amount) * milli_pct;
}

NanoUsd Threshold::SpendToReach(NanoUsd amount) const {
  const __int128 product = static_cast<__int128>(amount) * milli_pct;
  return static_cast<NanoUsd>((product + 99'999) / 100'000);  // ceiling: amounts are positive
}

Result<BudgetInput> ParseBudgetInput(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS || root.get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the body must be a JSON object", {{-1, "body", "not a JSON object"}});
  }
  BudgetInput input;
  input.thresholds = {Threshold{50'000}, Threshold{80'000}, Threshold{100'000}};
  std::vector<ErrorDetail> errors;
  bool has_name = false, has_amount = false;
  for (auto member : object) {
    const std::string key(member.key);
    if (key == "name") {
      std::string_view name;
      if (member.value.get(name) != simdjson::SUCCESS || name.empty() || name.size() > kMaxName) {
        errors.push_back({-1, "name", "must be a string of 1 to 200 bytes"});
        continue;
      }
      input.name = std::string(name);
      has_name = true;
    } else if (key == "scope") {
      ParseScope(member.value, input, errors);
    } else if (key == "period") {
      std::string_view name;
      std::optional<BudgetPeriod> period;
      if (member.value.get(name) == simdjson::SUCCESS) period = ParseBudgetPeriod(name);
      if (!period) {
        errors.push_back({-1, "period", "must be \"day\", \"week\" or \"month\""});
        continue;
      }
      input.period = *period;
    } else if (key == "amount_usd") {
      double amount = 0;
      if (member.value.get(amount) != simdjson::SUCCESS || !std::isfinite(amount) || amount <= 0 ||
          amount > kMaxAmountUsd) {
        errors.push_back({-1, "amount_usd", "must be a number above 0 and at most 1e9 (USD)"});
        continue;
      }
      input.amount = std::llround(amount * static_cast<double>(kNanoPerUsd));
      has_amount = true;
    } else if (key == "thresholds_pct") {
      ParseThresholds(member.value, input, errors);
    } else if (key == "timezone") {
      std::string_view zone;
      if (member.value.get(zone) != simdjson::SUCCESS) {
        errors.push_back({-1, "timezone", "must be a string (an IANA time zone such as UTC or Europe/Paris)"});
        continue;
      }
      Status valid = ValidateTimeZone(zone);
      if (!valid.ok()) {
        errors.push_back({-1, "timezone", valid.message()});
        continue;
      }
      input.timezone = std::string(zone);
    } else if (key == "forecast_alert") {
      if (member.value.get(input.forecast_alert) != simdjson::SUCCESS) {
        errors.push_back({-1, "forecast_alert", "must be true or false"});
      }
    } else if (key == "enforce") {
      if (member.value.get(input.enforce) != simdjson::SUCCESS) {
        errors.push_back({-1, "enforce", "must be true or false"});
      }
    } else {
      errors.push_back({-1, key,
                        "unknown field (expected name, scope, period, amount_usd, thresholds_pct, timezone, "
                        "forecast_alert, enforce)"});
    }
  }
  if (!has_name && object["name"].error()) errors.push_back({-1, "name", "missing (required)"});
  if (!has_amount && object["amount_usd"].error()) errors.push_back({-1, "amount_usd", "missing (required)"});
  if (!errors.empty()) return Status::InvalidArgument("invalid budget", std::move(errors));
  return input;
}

std::vector<query::Filter> ScopeFilters(const BudgetInput& budget) {
  if (!budget.scope) return {};
  query::Filter filter;
  filter.field = budget.scope->field;
  filter.op = query::FilterOp::kEq;
  filter.values.emplace_back(budget.scope->value);
  return {std::move(filter)};
}

std::string Event::*EventStringMember(FieldId id) {
  switch (id) {
    case FieldId::kExperiment: return &Event::experiment;
    case FieldId::kRunId: return &Event::run_id;
    case FieldId::kSessionId: return &Event::session_id;
    case FieldId::kTraceId: return &Event::trace_id;
    case FieldId::kUser: return &Event::user;
    case FieldId::kTeam: return &Event::team;
    case FieldId::kProvider: return &Event::provider;
    case FieldId::kModel: return &Event::model;
    case FieldId::kEndpoint: return &Event::endpoint;
    case FieldId::kErrorType: return &Event::error_type;
    case FieldId::kPromptName: return &Event::prompt_name;
    case FieldId::kPromptVersion: return &Event::prompt_version;
    case FieldId::kInputHash: return &Event::input_hash;
    default: return nullptr;
  }
}

std::string_view EventFieldValue(const Event& event, const FieldRef& field) {
  if (field.id == FieldId::kTag) {
    for (const auto& [key, value] : event.tags) {
      if (key == field.key) return value;
    }
    return {};
  }
  std::string Event::*member = EventStringMember(field.id);
  return member != nullptr ? std::string_view(event.*member) : std::string_view();
}

bool InScope(const BudgetInput& budget, const Event& event) {
  return !budget.scope || EventFieldValue(event, budget.scope->field) == budget.scope->value;
}

void WriteBudgetDefinition(JsonWriter& json, const Budget& budget) {
  json.Key("id");
  json.String(budget.id);
  json.Key("name");
  json.String(budget.name);
  json.Key("scope");
  if (budget.scope) {
    json.BeginObject();
    json.Key("field");
    json.String(budget.scope->field.Name());
    json.Key("value");
    json.String(budget.scope->value);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("period");
  json.String(BudgetPeriodName(budget.period));
  json.Key("amount_usd");
  json.Money(budget.amount);
  json.Key("thresholds_pct");
  json.BeginArray();
  for (const Threshold& threshold : budget.thresholds) json.Double(threshold.pct());
  json.EndArray();
  json.Key("timezone");
  json.String(budget.timezone);
  json.Key("forecast_alert");
  json.Bool(budget.forecast_alert);
  json.Key("enforce");
  json.Bool(budget.enforce);
}

std::string BudgetRecordJson(const Budget& budget) {
  JsonWriter json;
  json.BeginObject();
  WriteBudgetDefinition(json, budget);
  json.Key("amount_nano_usd");  // exact; amount_usd above is for people reading the file
  json.Int(budget.amount);
  json.Key("created_at_ms");
  json.Int(budget.created_at_ms);
  json.EndObject();
  return std::move(json).Take();
}

Result<Budget> ParseBudgetRecord(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(root) || root.get(object)) return Status::Corruption("not an object");
  std::string_view id;
  int64_t amount = 0;
  Budget budget;
  if (object["id"].get(id) || object["amount_nano_usd"].get(amount) ||
      object["created_at_ms"].get(budget.created_at_ms)) {
    return Status::Corruption("a budget lacks id, amount_nano_usd or created_at_ms");
  }
  // The client-visible members parse as a client's input would (ids and internals left out).
  std::string input_json = "{";
  for (auto member : object) {
    if (member.key == "id" || member.key == "amount_nano_usd" || member.key == "created_at_ms") continue;
    if (input_json.size() > 1) input_json += ",";
    std::string key;
    AppendJsonString(key, member.key);
    input_json += key + ":" + simdjson::minify(member.value);
  }
  input_json += "}";
  Result<BudgetInput> input = ParseBudgetInput(input_json);
  if (!input.ok()) return Status::Corruption("budget " + std::string(id) + ": " + input.status().ToString());
  static_cast<BudgetInput&>(budget) = std::move(*input);
  budget.amount = amount;
  budget.id = std::string(id);
  return budget;
}

}  // namespace mltrack::analytics
