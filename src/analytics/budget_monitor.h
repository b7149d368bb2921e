#pragma once
// Fires budget alerts exactly once per budget, threshold and period (docs/api.md, "Alerts").
//
// Two parts:
// - OnAppend, called by the backend after every durable append (an AppendListener), adds each
//   priced event's cost to a running estimate of its budgets' spend in the event's period
//   (integer nano-USD, a few comparisons per event and budget, one lock per batch) and queues an
//   evaluation of that (budget, period) when the estimate reaches its next threshold, or when the
//   period has no exact figure yet (a late event of an older period, a new period). It never
//   scans and never queries.
// - A background thread that decides, in rounds: it waits `coalesce` for more work, then computes
//   the exact spend of every queued (budget, period) from the store (PeriodSpends: one bucketed
//   query per period kind and scope field) and records an alert in the AlertLog for every
//   threshold that spend reaches. The log keeps one alert per key
//   "budget:<id>:<period start>:threshold:<milli-pct>", so repeated evaluations, restarts and
//   replays can never fire one twice.
//
// A period's estimate is exact when every event of it went through OnAppend since the store was
// empty (Calibrate): then no query at all is needed, which makes a backfill into a new store cost
// no query per period. Otherwise an estimate never lags the truth: before each exact evaluation it restarts from zero, and every
// batch whose listener runs after that is added to it again on top of the exact sum (a batch may
// be counted twice, never missed), so an estimate below a threshold proves the exact spend is
// below it too. Duplicates (events stored before) only make it larger.
//
// Periods are recomputed from the store when the monitor starts (the current and the previous
// period of every budget: alerts a crash kept from firing fire then) and when a period rolls
// over (the ended period once more, then the new one). Forecast alerts (budget.forecast_alert)
// are checked every `forecast_interval`.
//
// Enforced budgets (budget.enforce) also trigger an exact evaluation when their estimate reaches
// the amount; each exact evaluation of a current period updates the BudgetGate (gate()) that the
// proxy checks before forwarding a call.
//
// Thread-safe: OnAppend from any number of appending threads; Reload from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "alerts/alert_log.h"
#include "analytics/budget.h"
#include "analytics/budget_gate.h"
#include "analytics/budget_store.h"
#include "analytics/local_calendar.h"
#include "analytics/query_runner.h"
#include "core/event.h"

namespace mltrack::analytics {

// What the monitor has cost so far (GET /metrics; the bench's "ingest with 20 budgets").
struct BudgetMonitorStats {
  int64_t events_counted = 0;     // priced events OnAppend added to budgets' estimates
  double counting_seconds = 0;    // time appends spent in OnAppend (with budgets defined)
  double thread_cpu_seconds = 0;  // CPU time of the monitor's thread: exact evaluations, forecasts
  int64_t evaluations = 0;        // exact evaluations run
};

struct BudgetMonitorOptions {
  std::chrono::milliseconds forecast_interval{60'000};
  // How long a round waits for more work before it queries (bounds queries during a backfill).
  std::chrono::milliseconds coalesce{250};
  std::function<int64_t()> now_ms;  // the clock; the system clock when empty
};

class BudgetMonitor {
 public:
  // `reader` gives a runner over the current events (backend::Backend::Reader).
  BudgetMonitor(BudgetStore& budgets, alerts::AlertLog& alerts, std::function<QueryRunner()> reader,
                BudgetMonitorOptions options = {});
  ~BudgetMonitor();
  BudgetMonitor(const BudgetMonitor&) = delete;
  BudgetMonitor& operator=(const BudgetMonitor&) = delete;

  // Starts the thread, which first evaluates every budget's current and previous period.
  void Start();
  void Stop();

  // The append listener: new durable events. Cheap; never blocks on a query.
  void OnAppend(const EventBatch& batch);

  // The budgets changed: re-read them and evaluate each one's current period exactly.
  void Reload();

  // Waits until every evaluation asked for so far has run (tests, and the demo setup).
  void Settle();

  // Which enforced budgets are spent in their current period; lives as long as the monitor.
  const BudgetGate& gate() const { return gate_; }

  // Exact evaluations run so far (for tests and the bench: how often ingest woke the monitor).
  int64_t evaluations() const;
  BudgetMonitorStats stats() const;

 private:
  struct Watch;  // one budget: its current period and the estimates of the periods it saw

  int64_t Now() const;
  void Loop();
  void Rebuild(int64_t now_ms);  // under mutex_
  // One round: the exact spend of every queued (budget, period), then their alerts.
  void EvaluatePending(std::unique_lock<std::mutex>& lock);
  void FireThresholds(const Budget& budget, const Period& period, NanoUsd spend);
  void CheckForecasts(int64_t now_ms);
  void Count(Watch& watch, const Event& event, NanoUsd cost);
  // Checks whether the store is still empty for watches that began counting since the last check:
  // if it is, every event of their budgets goes through Count, so a period's estimate counted from
  // zero is its exact spend and needs no query (a backfill into a new store costs none); if not, a
  // period is evaluated exactly when it first sees spend.
  void Calibrate(std::unique_lock<std::mutex>& lock);

  BudgetStore& budgets_;
  alerts::AlertLog& alerts_;
  std::function<QueryRunner()> reader_;
  BudgetMonitorOptions options_;
  BudgetGate gate_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable settled_;
  std::vector<std::unique_ptr<Watch>> watches_;
  std::unordered_map<std::string, Watch*> by_id_;
  // The watches of one scope field by value. Budgets have a handful of values per field, so a
  // scan that rejects on length first beats hashing every event's value.
  struct ScopeValue {
    std::string value;
    std::vector<Watch*> watches;
  };
  struct ScopeField {
    FieldRef field;
    std::string Event::*member;  // where the value is (EventStringMember); nullptr for a tag
    std::vector<ScopeValue> values;
  };
  std::vector<ScopeField> by_scope_;
  std::vector<Watch*> unscoped_;
  std::set<std::pair<std::string, int64_t>> pending_;  // (budget id, period start) to evaluate
  bool reload_ = true;
  bool stopping_ = false;
  bool busy_ = false;
  int64_t evaluations_ = 0;
  int64_t events_counted_ = 0;
  int64_t counting_ns_ = 0;
  int64_t thread_cpu_ns_ = 0;  // read by the thread itself after each round
  int64_t next_rollover_ms_ = 0;
  int64_t next_forecast_ms_ = 0;
  std::thread thread_;
};

}  // namespace mltrack::analytics
