#pragma once
// A spend budget (docs/api.md, "Budgets"): an amount per day, week (from Monday) or month in a
// time zone, over every event or those of one scope (a dimension = a value), with thresholds
// whose crossing fires an alert once per period.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/field.h"
#include "core/json_writer.h"
#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

enum class BudgetPeriod : uint8_t { kDay, kWeek, kMonth };

std::string_view BudgetPeriodName(BudgetPeriod period);
std::optional<BudgetPeriod> ParseBudgetPeriod(std::string_view name);

struct BudgetScope {
  FieldRef field;  // a string dimension or tags.<key>
  std::string value;
};

// A threshold in percent of the amount, exact to 1/1000 of a percent.
struct Threshold {
  int64_t milli_pct = 0;  // 80 % = 80'000
  double pct() const { return static_cast<double>(milli_pct) / 1000.0; }
  // Whether `spend` reaches this share of `amount`: spend × 100,000 ≥ amount × milli_pct, in
  // integers (no rounding decides an alert).
  bool ReachedBy(NanoUsd spend, NanoUsd amount) const;
  // The smallest spend that reaches it.
  NanoUsd SpendToReach(NanoUsd amount) const;
};

// What a client sets (POST and PUT bodies).
struct BudgetInput {
  std::string name;
  std::optional<BudgetScope> scope;  // none = every event
  BudgetPeriod period = BudgetPeriod::kMonth;
  NanoUsd amount = 0;
  std::vector<Threshold> thresholds;  // strictly ascending; default 50, 80, 100
  std::string timezone = "UTC";
  bool forecast_alert = false;  // also fire once when the projection first reaches 100 %
  // The proxy refuses the calls in scope (429) while the current period's spend is ≥ the amount
  // (docs/integrations/proxy.md, "Budget enforcement").
  bool enforce = false;
};

struct Budget : BudgetInput {
  std::string id;  // "b-<n>"
  int64_t created_at_ms = 0;
};

// Parses and validates a request body: {"name", "scope": {"field", "value"}, "period",
// "amount_usd", "thresholds_pct", "timezone", "forecast_alert", "enforce"}. InvalidArgument with one detail
// per problem naming the field (`amount_usd`, `thresholds_pct[2]`, `scope.field`, an unknown
// field, ...).
Result<BudgetInput> ParseBudgetInput(std::string_view body);

// The filters that select a budget's events (none for an unscoped budget).
std::vector<query::Filter> ScopeFilters(const BudgetInput& budget);

// The member of Event that holds a string dimension; nullptr for a tag and for any other field.
std::string Event::*EventStringMember(FieldId id);

// The value of a string dimension or tag of `event` ("" when absent or not a string dimension).
std::string_view EventFieldValue(const Event& event, const FieldRef& field);

// Whether `event` is one of the budget's events: the same test as ScopeFilters, on one event.
bool InScope(const BudgetInput& budget, const Event& event);

// The budget's definition as JSON members (id, name, scope, period, amount_usd, thresholds_pct,
// timezone, forecast_alert, enforce, created_at), written into an open object.
void WriteBudgetDefinition(JsonWriter& json, const Budget& budget);

// Budget definitions as stored (docs/alerts_format.md) and read back. The store's own format;
// internal fields (created_at_ms) included.
std::string BudgetRecordJson(const Budget& budget);
Result<Budget> ParseBudgetRecord(std::string_view json);

}  // namespace mltrack::analytics
