#pragma once
// Which enforced budgets are spent: the state the proxy checks before it forwards a call
// (docs/integrations/proxy.md, "Budget enforcement"). The BudgetMonitor keeps it from its exact
// evaluations of each budget's current period, so checking a call never queries: it costs one
// atomic load while no enforced budget is spent, and a short lock and one scope comparison per
// spent budget otherwise.
//
// Spend counts stored events: a call is refused only once the events that spent the budget are
// stored and evaluated (within the monitor's coalescing delay), so calls in flight can overshoot.
//
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analytics/budget.h"
#include "analytics/local_calendar.h"
#include "core/event.h"

namespace mltrack::analytics {

// An enforced budget whose spend in `period` reached its amount.
struct SpentBudget {
  Budget budget;
  Period period;
  NanoUsd spend = 0;

  // Whole seconds from `now_ms` until the period ends (at least 1): a Retry-After.
  int64_t SecondsToReset(int64_t now_ms) const;
  // "budget b-3 (\"Platform monthly\") is spent: $12.50 of $10.00 this month; it resets at
  // 2026-02-01T00:00:00Z (in 86400 s)" — for the refusal a client reads.
  std::string Describe(int64_t now_ms) const;
};

class BudgetGate {
 public:
  BudgetGate() = default;
  BudgetGate(const BudgetGate&) = delete;
  BudgetGate& operator=(const BudgetGate&) = delete;

  // The first spent enforced budget whose scope holds `call` (the event a call would record, as
  // far as it is known before it is sent) in a period that has not ended at `now_ms`; nullopt
  // when the call may pass.
  std::optional<SpentBudget> Check(const Event& call, int64_t now_ms) const;

  // The exact spend of `budget` in `period` (its current one): marks it spent when it is enforced
  // and the spend reaches the amount, clears it otherwise.
  void Update(const Budget& budget, const Period& period, NanoUsd spend);

  // The budgets were changed to `budgets`: a spent mark stays only for a budget that still exists,
  // is still enforced with the same scope, period and time zone, and whose known spend still
  // reaches its (maybe new) amount. So raising the amount or turning enforcement off unblocks at
  // once; marking new ones waits for the monitor's evaluation.
  void Retain(const std::vector<Budget>& budgets);

  // The budgets marked spent (ended periods included until they are updated), for tests.
  std::vector<SpentBudget> Spent() const;

 private:
  void Publish();  // under mutex_

  mutable std::mutex mutex_;
  std::vector<SpentBudget> spent_;
  std::atomic<bool> any_{false};  // !spent_.empty(): the lock-free fast path of Check
};

}  // namespace mltrack::analytics
