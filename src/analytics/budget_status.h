#pragma once
// What GET /api/v1/budgets shows of each budget: the spend of its current period and where the
// spend is heading (spend_projection.h), from QuerySpecs through the runner.

#include <cstdint>
#include <vector>

#include "analytics/budget.h"
#include "analytics/local_calendar.h"
#include "analytics/query_runner.h"
#include "analytics/spend_projection.h"
#include "core/json_writer.h"
#include "core/status.h"

namespace mltrack::analytics {

struct BudgetStatus {
  Budget budget;
  Period period;  // the current one, in the budget's time zone
  SpendProjection projection;  // projection.spent is the period's spend so far
};

// One daily-bucketed query per (time zone, scope field) serves all the budgets that share them.
// Thread-safe when `run` is.
Result<std::vector<BudgetStatus>> ComputeBudgetStatuses(const std::vector<Budget>& budgets,
                                                        const QueryRunner& run, int64_t now_ms);

// The spend of `budget`'s events in [period.start_ms, period.end_ms): exact, one query.
Result<NanoUsd> PeriodSpend(const Budget& budget, const Period& period, const QueryRunner& run);

// The exact spend of many (budget, period) pairs at once: one query per (period kind, time zone,
// scope field), bucketed by the period and grouped by the scope value. Returned in the order
// asked. The periods must be periods of their budgets (PeriodAt).
struct PeriodRequest {
  const Budget* budget = nullptr;
  Period period;
};
Result<std::vector<NanoUsd>> PeriodSpends(const std::vector<PeriodRequest>& requests, const QueryRunner& run);

// A budget as the API returns it: its definition, then spend_usd, share_pct, period_start,
// period_end, projected_usd, projected_low_usd, projected_high_usd, exceeds_on (a local date or
// null), as one JSON object.
void WriteBudgetStatus(JsonWriter& json, const BudgetStatus& status);

}  // namespace mltrack::analytics
