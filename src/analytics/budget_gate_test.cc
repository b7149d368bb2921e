// Budget enforcement's pieces: which calls a budget's scope holds, the "enforce" field of the
// API and of the stored record, and the gate's spent state (set, cleared, expired, retained).
#include "analytics/budget_gate.h"

#include <gtest/gtest.h>

namespace mltrack::analytics {
namespace {

constexpr int64_t kJan12 = 1'768'219'200'000;  // 2026-01-12T12:00:00Z
constexpr int64_t kFeb1 = 1'769'904'000'000;   // 2026-02-01T00:00:00.000Z

Event Call(const std::string& model, const std::string& team, std::vector<std::pair<std::string, std::string>> tags = {}) {
  Event event;
  event.ts_ms = kJan12;
  event.experiment = "default";
  event.provider = "openai";
  event.model = model;
  event.team = team;
  event.tags = std::move(tags);
  return event;
}

Budget Enforced(const std::string& id, std::optional<BudgetScope> scope, double amount_usd) {
  Budget budget;
  budget.id = id;
  budget.name = "budget " + id;
  budget.scope = std::move(scope);
  budget.amount = static_cast<NanoUsd>(amount_usd * 1e9);
  budget.thresholds = {Threshold{100'000}};
  budget.enforce = true;
  return budget;
}

BudgetScope Scope(const std::string& field, const std::string& value) { return {*ParseFieldRef(field), value}; }

const Period kJanuary{1'767'225'600'000, kFeb1};  // 2026-01-01 .. 2026-02-01 UTC

TEST(BudgetScopeTest, MatchesTheCallsFieldOrTagExactly) {
  const Event call = Call("gpt-4o-mini", "ml", {{"env", "prod"}});
  EXPECT_TRUE(InScope(Enforced("b-1", std::nullopt, 1), call));  // unscoped: every call
  EXPECT_TRUE(InScope(Enforced("b-1", Scope("team", "ml"), 1), call));
  EXPECT_FALSE(InScope(Enforced("b-1", Scope("team", "web"), 1), call));
  EXPECT_TRUE(InScope(Enforced("b-1", Scope("model", "gpt-4o-mini"), 1), call));
  EXPECT_FALSE(InScope(Enforced("b-1", Scope("model", "gpt-4o"), 1), call));  // exact, not a prefix
  EXPECT_TRUE(InScope(Enforced("b-1", Scope("provider", "openai"), 1), call));
  EXPECT_TRUE(InScope(Enforced("b-1", Scope("experiment", "default"), 1), call));
  EXPECT_TRUE(InScope(Enforced("b-1", Scope("tags.env", "prod"), 1), call));
  EXPECT_FALSE(InScope(Enforced("b-1", Scope("tags.env", "dev"), 1), call));
  EXPECT_FALSE(InScope(Enforced("b-1", Scope("tags.region", "eu"), 1), call));  // the call has no such tag
  EXPECT_FALSE(InScope(Enforced("b-1", Scope("user", "ana"), 1), call));        // nor a user
}

TEST(BudgetEnforceFieldTest, DefaultsToFalseIsValidatedAndRoundTrips) {
  Result<BudgetInput> plain = ParseBudgetInput(R"({"name":"n","amount_usd":5})");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->enforce);
  Result<BudgetInput> enforced = ParseBudgetInput(R"({"name":"n","amount_usd":5,"enforce":true})");
  ASSERT_TRUE(enforced.ok()) << enforced.status().ToString();
  EXPECT_TRUE(enforced->enforce);

  Result<BudgetInput> bad = ParseBudgetInput(R"({"name":"n","amount_usd":5,"enforce":"yes"})");
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.status().details().size(), 1u);
  EXPECT_EQ(bad.status().details()[0].field, "enforce");
  EXPECT_EQ(bad.status().details()[0].reason, "must be true or false");

  Budget budget = Enforced("b-7", Scope("team", "ml"), 5);
  budget.created_at_ms = kJan12;
  const std::string record = BudgetRecordJson(budget);
  EXPECT_NE(record.find(R"("enforce":true)"), std::string::npos) << record;
  Result<Budget> back = ParseBudgetRecord(record);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->enforce);
  // A record written before the field existed reads as not enforced.
  std::string old_record = record;
  old_record.erase(old_record.find(R"(,"enforce":true)"), std::string_view(R"(,"enforce":true)").size());
  Result<Budget> old = ParseBudgetRecord(old_record);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->enforce);
}

TEST(BudgetGateTest, RefusesCallsInTheScopeOfASpentEnforcedBudgetUntilThePeriodEnds) {
  BudgetGate gate;
  const Event ml = Call("gpt-4o-mini", "ml");
  const Event web = Call("gpt-4o-mini", "web");
  EXPECT_FALSE(gate.Check(ml, kJan12));

  const Budget budget = Enforced("b-2", Scope("team", "ml"), 10);
  gate.Update(budget, kJanuary, 9'999'999'999);  // one nano-dollar short
  EXPECT_FALSE(gate.Check(ml, kJan12));
  gate.Update(budget, kJanuary, 10'000'000'000);  // exactly the amount: spent
  std::optional<SpentBudget> spent = gate.Check(ml, kJan12);
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->budget.id, "b-2");
  EXPECT_EQ(spent->spend, 10'000'000'000);
  EXPECT_FALSE(gate.Check(web, kJan12));     // outside the scope
  EXPECT_FALSE(gate.Check(ml, kFeb1));       // the period ended: a new one begins unspent
  EXPECT_TRUE(gate.Check(ml, kFeb1 - 1));

  // 2026-01-12T12:00 to 2026-02-01T00:00 is 19.5 days.
  EXPECT_EQ(spent->SecondsToReset(kJan12), 1'684'800);
  EXPECT_EQ(spent->SecondsToReset(kFeb1 - 1), 1);  // rounded up, never 0
  EXPECT_EQ(spent->Describe(kJan12),
            "budget b-2 (\"budget b-2\") is spent: $10.00 of $10.00 in the month from 2026-01-01T00:00:00.000Z; "
            "it resets at 2026-02-01T00:00:00.000Z (in 1684800 s)");

  Budget not_enforced = budget;
  not_enforced.enforce = false;
  gate.Update(not_enforced, kJanuary, 50'000'000'000);  // a budget that only alerts never blocks
  EXPECT_FALSE(gate.Check(ml, kJan12));
}

TEST(BudgetGateTest, DescribesTinyAmountsExactly) {
  SpentBudget spent{Enforced("b-9", std::nullopt, 0.00002), kJanuary, 31'500};
  EXPECT_EQ(spent.Describe(kFeb1 - 500),
            "budget b-9 (\"budget b-9\") is spent: $0.0000315 of $0.00002 in the month from 2026-01-01T00:00:00.000Z; "
            "it resets at 2026-02-01T00:00:00.000Z (in 1 s)");
}

TEST(BudgetGateTest, AChangedBudgetStaysSpentOnlyWhileItsKnownSpendStillReachesIt) {
  BudgetGate gate;
  const Event call = Call("gpt-4o", "ml");
  const Budget budget = Enforced("b-3", Scope("team", "ml"), 10);
  gate.Update(budget, kJanuary, 12'000'000'000);
  ASSERT_TRUE(gate.Check(call, kJan12));

  Budget renamed = budget;
  renamed.name = "renamed";
  renamed.amount = 11'000'000'000;  // lowered... still below the spend of 12
  gate.Retain({renamed});
  ASSERT_TRUE(gate.Check(call, kJan12));
  EXPECT_EQ(gate.Check(call, kJan12)->budget.name, "renamed");

  Budget raised = renamed;
  raised.amount = 20'000'000'000;
  gate.Retain({raised});
  EXPECT_FALSE(gate.Check(call, kJan12));

  gate.Update(budget, kJanuary, 12'000'000'000);
  Budget off = budget;
  off.enforce = false;
  gate.Retain({off});
  EXPECT_FALSE(gate.Check(call, kJan12));

  gate.Update(budget, kJanuary, 12'000'000'000);
  Budget rescoped = budget;
  rescoped.scope = Scope("team", "web");  // its spend is unknown until the monitor evaluates it
  gate.Retain({rescoped});
  EXPECT_TRUE(gate.Spent().empty());

  gate.Update(budget, kJanuary, 12'000'000'000);
  gate.Retain({});  // deleted
  EXPECT_TRUE(gate.Spent().empty());
}

}  // namespace
}  // namespace mltrack::analytics
