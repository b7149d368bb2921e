// The budget monitor against a real memtable and a real alert log: thresholds fire once per
// budget, threshold and period whatever the order and repetition of appends; late events count
// to their own period; a restarted monitor fires what a crash kept back, and nothing twice.
#include "analytics/budget_monitor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kNow = 1'768'219'200'000;  // 2026-01-12T12:00:00Z; January's budget period
constexpr int64_t kDecember = 1'765'800'000'000;  // 2025-12-15

Event Spend(int64_t ts_ms, const std::string& team, double usd) {
  Event event;
  event.ts_ms = ts_ms;
  event.model = "gpt-4o";
  event.team = team;
  event.cost_nano_usd = static_cast<NanoUsd>(usd * 1e9);
  return event;
}

class BudgetMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mltrack-budget-monitor-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    budgets_ = std::move(BudgetStore::Open(dir_)).value();
    StartMonitor();
    BudgetInput input;
    input.name = "ml";
    input.scope = BudgetScope{FieldRef{FieldId::kTeam, {}}, "ml"};
    input.amount = 100 * kNanoPerUsd;
    input.thresholds = {Threshold{50'000}, Threshold{80'000}, Threshold{100'000}};
    ASSERT_TRUE(budgets_->Create(input, kNow).ok());
    monitor_->Reload();
    monitor_->Settle();
  }
  void TearDown() override {
    monitor_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartMonitor() {
    monitor_.reset();
    std::vector<std::string> problems;
    alerts_ = std::move(alerts::AlertLog::Open(dir_, &problems)).value();
    BudgetMonitorOptions options;
    options.now_ms = [] { return kNow; };
    options.coalesce = std::chrono::milliseconds(1);
    monitor_ = std::make_unique<BudgetMonitor>(
        *budgets_, *alerts_,
        [this] {
          std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
          return QueryRunner([snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); });
        },
        options);
    monitor_->Start();
  }

  void Append(const EventBatch& batch) {
    memtable_.Append(batch);
    monitor_->OnAppend(batch);
    monitor_->Settle();
  }

  // "<threshold>@<period start date>" of every alert, in firing order.
  std::vector<std::string> Fired() {
    std::vector<std::string> out;
    for (const alerts::Alert& alert : alerts_->List()) {
      const size_t at = alert.payload_json.find("\"threshold_pct\":");
      const size_t start = alert.payload_json.find("\"period_start\":\"");
      out.push_back(alert.payload_json.substr(at + 16, alert.payload_json.find(',', at) - at - 16) + "@" +
                    alert.payload_json.substr(start + 16, 10));
    }
    return out;
  }

  std::filesystem::path dir_;
  store::Memtable memtable_;
  std::unique_ptr<BudgetStore> budgets_;
  std::unique_ptr<alerts::AlertLog> alerts_;
  std::unique_ptr<BudgetMonitor> monitor_;
};

TEST_F(BudgetMonitorTest, EachThresholdFiresOncePerPeriod) {
  Append({Spend(kNow - 1000, "ml", 30), Spend(kNow - 900, "web", 500)});
  EXPECT_EQ(Fired(), std::vector<std::string>());
  Append({Spend(kNow - 800, "ml", 25)});  // 55
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2026-01-01"}));
  const EventBatch to_85 = {Spend(kNow - 700, "ml", 30)};
  Append(to_85);  // 85
  Append({Spend(kNow - 600, "ml", 10)});  // 95: nothing new
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2026-01-01", "80@2026-01-01"}));
  Append({Spend(kNow - 500, "ml", 10)});  // 105
  Append({Spend(kNow - 400, "ml", 50)});  // 155: nothing new
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2026-01-01", "80@2026-01-01", "100@2026-01-01"}));
  // The same batch told twice (a retried batch the store deduplicated) fires nothing.
  monitor_->OnAppend(to_85);
  monitor_->Settle();
  EXPECT_EQ(alerts_->List().size(), 3u);
}

TEST_F(BudgetMonitorTest, LateEventsCountToTheirOwnPeriod) {
  Append({Spend(kNow - 1000, "ml", 45)});
  Append({Spend(kDecember, "ml", 60)});  // December: 60 of 100
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2025-12-01"}));
  Append({Spend(kDecember + 1000, "ml", 25)});  // December 85; January still 45
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2025-12-01", "80@2025-12-01"}));
}

// Late events of many periods in runs (a backfill), more periods than the monitor keeps
// estimates for, then the same periods again in the other order: each period fires its own
// thresholds once, whichever period's state the monitor looked up last or dropped.
TEST_F(BudgetMonitorTest, RunsOfLateEventsOfManyPeriodsFireEachPeriodsThresholds) {
  constexpr int kMonths = 70;  // more than a watch keeps (Watch::kMaxPeriods)
  auto in_month = [](int back) {  // noon on the 15th, `back` months before December 2025
    using namespace std::chrono;
    const year_month_day day = year{2025} / December / 15 - months{back};
    return duration_cast<milliseconds>((sys_days{day} + hours{12}).time_since_epoch()).count();
  };
  EventBatch first;
  for (int back = kMonths - 1; back >= 0; --back) {  // oldest first
    for (int call = 0; call < 3; ++call) first.push_back(Spend(in_month(back) + call * 1000, "ml", 20));  // 60
  }
  Append(first);
  EventBatch second;
  for (int back = 0; back < kMonths; ++back) {  // newest first
    second.push_back(Spend(in_month(back) + 5000, "ml", 15));
    second.push_back(Spend(in_month(back) + 6000, "ml", 10));  // 85
  }
  Append(second);
  std::map<std::string, int> per_period;
  std::set<std::string> distinct;
  for (const std::string& fired : Fired()) {
    ++per_period[fired.substr(fired.find('@') + 1)];
    distinct.insert(fired);
  }
  EXPECT_EQ(distinct.size(), Fired().size());  // none twice
  ASSERT_EQ(per_period.size(), static_cast<size_t>(kMonths));
  for (const auto& [period, fired] : per_period) EXPECT_EQ(fired, 2) << period;  // 50 and 80, not 100
}

TEST_F(BudgetMonitorTest, ARestartFiresWhatACrashKeptBackAndNothingTwice) {
  Append({Spend(kNow - 1000, "ml", 55)});
  ASSERT_EQ(alerts_->List().size(), 1u);
  // Events stored while no monitor listened (a crash between the append and the evaluation).
  monitor_.reset();
  memtable_.Append(EventBatch{Spend(kNow - 900, "ml", 30)});
  StartMonitor();
  monitor_->Settle();
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2026-01-01", "80@2026-01-01"}));
  StartMonitor();
  monitor_->Settle();
  EXPECT_EQ(alerts_->List().size(), 2u);
}

TEST_F(BudgetMonitorTest, ALatePeriodWithSpendFromBeforeTheMonitorIsCountedExactly) {
  // December held $45 before this monitor began counting; a late $10 makes it 55 %.
  monitor_.reset();
  memtable_.Append(EventBatch{Spend(kDecember, "ml", 45)});
  StartMonitor();
  monitor_->Settle();
  EXPECT_TRUE(Fired().empty());
  Append({Spend(kDecember + 1000, "ml", 10)});
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2025-12-01"}));
}

TEST_F(BudgetMonitorTest, ABudgetEditedBelowItsSpendFiresTheNewlyReachedThresholds) {
  Append({Spend(kNow - 1000, "ml", 40)});
  EXPECT_TRUE(Fired().empty());
  BudgetInput smaller = *budgets_->Get("b-1");
  smaller.amount = 45 * kNanoPerUsd;  // 40 of 45: 88.9 %
  ASSERT_TRUE(budgets_->Update("b-1", smaller).ok());
  monitor_->Reload();
  monitor_->Settle();
  EXPECT_EQ(Fired(), (std::vector<std::string>{"50@2026-01-01", "80@2026-01-01"}));
}

TEST_F(BudgetMonitorTest, AnEnforcedBudgetClosesTheGateAtItsAmountEvenWithoutA100PctThreshold) {
  BudgetInput input;
  input.name = "ml hard cap";
  input.scope = BudgetScope{FieldRef{FieldId::kTeam, {}}, "ml"};
  input.amount = 20 * kNanoPerUsd;
  input.thresholds = {Threshold{50'000}};  // alerts at 50 % only: the amount must still be watched
  input.enforce = true;
  ASSERT_TRUE(budgets_->Create(input, kNow).ok());  // b-2; b-1 (not enforced, $100) stays
  monitor_->Reload();
  monitor_->Settle();
  Event ml_call;
  ml_call.team = "ml";
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));

  Append({Spend(kNow - 1000, "ml", 15)});  // 75 % of the cap: open
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));
  Append({Spend(kNow - 900, "web", 500)});  // another team's spend counts nothing here
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));
  Append({Spend(kNow - 800, "ml", 5)});  // 20 of 20: spent
  std::optional<SpentBudget> spent = monitor_->gate().Check(ml_call, kNow);
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->budget.id, "b-2");
  EXPECT_EQ(spent->spend, 20 * kNanoPerUsd);
  EXPECT_EQ(spent->period.start_ms, 1'767'225'600'000);  // 2026-01-01
  Event web_call;
  web_call.team = "web";
  EXPECT_FALSE(monitor_->gate().Check(web_call, kNow));

  // Raising the amount opens the gate as soon as the store has the change.
  input.amount = 30 * kNanoPerUsd;
  ASSERT_TRUE(budgets_->Update("b-2", input).ok());
  monitor_->Reload();
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));
  monitor_->Settle();
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));
  // Lowering it below the spend closes it again once evaluated.
  input.amount = 19 * kNanoPerUsd;
  ASSERT_TRUE(budgets_->Update("b-2", input).ok());
  monitor_->Reload();
  monitor_->Settle();
  EXPECT_TRUE(monitor_->gate().Check(ml_call, kNow));
}

TEST_F(BudgetMonitorTest, ASpentBudgetThatIsNotEnforcedNeverClosesTheGate) {
  Append({Spend(kNow - 1000, "ml", 150)});  // b-1: 150 of 100, alerts only
  EXPECT_EQ(alerts_->List().size(), 3u);
  Event ml_call;
  ml_call.team = "ml";
  EXPECT_FALSE(monitor_->gate().Check(ml_call, kNow));
}

// Budgets scoped on a string dimension held in the event (a value too long to live inside the
// string object, one short enough to), on a tag, and on nothing: each counts exactly its events,
// in a batch longer than the monitor's look-ahead. The store was empty when they were defined, so
// the spend their alerts report is what the monitor counted.
TEST_F(BudgetMonitorTest, EachKindOfScopeCountsItsOwnEvents) {
  const std::pair<const char*, std::optional<BudgetScope>> scoped[] = {
      {"long experiment", BudgetScope{FieldRef{FieldId::kExperiment, {}}, "an-experiment-named-at-length"}},
      {"model", BudgetScope{FieldRef{FieldId::kModel, {}}, "gpt-4o"}},
      {"feature tag", BudgetScope{FieldRef{FieldId::kTag, "feature"}, "chat"}},
      {"everything", std::nullopt},
  };
  for (const auto& [name, scope] : scoped) {
    BudgetInput input;
    input.name = name;
    input.scope = scope;
    input.amount = 100 * kNanoPerUsd;
    input.thresholds = {Threshold{50'000}};
    ASSERT_TRUE(budgets_->Create(input, kNow).ok());
  }
  monitor_->Reload();
  monitor_->Settle();
  // 40 events of $15: every 4th in the long experiment, every 2nd with the feature tag (among
  // other tags), all but the last 8 of model gpt-4o; then one free and one unpriced event.
  EventBatch batch;
  for (int i = 0; i < 40; ++i) {
    Event event = Spend(kNow - 10'000 + i, "web", 15);
    if (i % 4 == 0) event.experiment = "an-experiment-named-at-length";
    event.tags = {{"env", "prod"}, {"feature", i % 2 == 0 ? "chat" : "search"}, {"region", "eu"}};
    if (i >= 32) event.model = "gpt-4o-mini";
    batch.push_back(std::move(event));
  }
  batch.push_back(Spend(kNow - 1000, "web", 0));
  batch.push_back(Spend(kNow - 900, "web", 1));
  batch.back().cost_nano_usd.reset();
  Append(batch);
  std::map<std::string, std::string> spend_by_budget;
  for (const alerts::Alert& alert : alerts_->List()) {
    auto member = [&](const std::string& key) {  // its value's text, quotes dropped
      const size_t at = alert.payload_json.find("\"" + key + "\":") + key.size() + 3;
      std::string value = alert.payload_json.substr(at, alert.payload_json.find_first_of(",}", at) - at);
      std::erase(value, '"');
      return value;
    };
    spend_by_budget[member("budget_name")] = member("spend_usd");
  }
  EXPECT_EQ(spend_by_budget, (std::map<std::string, std::string>{
                                 {"long experiment", "150"}, {"model", "480"}, {"feature tag", "300"}, {"everything", "600"}}));
  const BudgetMonitorStats stats = monitor_->stats();
  EXPECT_EQ(stats.events_counted, 40);  // not the free one, nor the unpriced one
  EXPECT_GT(stats.counting_seconds, 0);
}

}  // namespace
}  // namespace mltrack::analytics
