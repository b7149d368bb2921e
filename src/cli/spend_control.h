#pragma once
// The serve command's spend control: the budget store, the alert log, webhooks and their
// delivery, and the budget monitor listening to the backend's appends, all kept in
// <data>/alerts/ (docs/alerts_format.md). Owned by RunServe; outlives the HTTP server.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "alerts/alert_log.h"
#include "alerts/webhook_delivery.h"
#include "alerts/webhook_store.h"
#include "analytics/anomaly_monitor.h"
#include "analytics/budget_monitor.h"
#include "analytics/budget_store.h"
#include "backend/backend.h"
#include "core/status.h"

namespace mltrack::cli {

struct SpendControl {
  std::unique_ptr<alerts::AlertLog> alert_log;
  std::unique_ptr<alerts::WebhookStore> webhooks;
  std::unique_ptr<analytics::BudgetStore> budgets;
  std::unique_ptr<alerts::WebhookDelivery> delivery;
  std::unique_ptr<analytics::BudgetMonitor> monitor;
  // Anomaly alerts on the default watched metrics, into the same log and webhooks.
  std::unique_ptr<analytics::AnomalyMonitor> anomaly_monitor;
  // The monitor listens to appends only once a budget exists: a server without budgets pays
  // nothing per ingested batch (the backend copies every batch for its listeners).
  std::once_flag listening;

  ~SpendControl();  // stops the monitor and the delivery thread first
};

// Opens the state under `data_dir`/alerts and wires it to `backend` (an append listener that
// feeds the monitor). Nothing runs until Start().
Result<std::unique_ptr<SpendControl>> OpenSpendControl(const std::filesystem::path& data_dir,
                                                       backend::Backend& backend,
                                                       alerts::DeliveryOptions delivery_options);

void StartSpendControl(SpendControl& spend);

// For `serve --demo` on a new store: two monthly budgets whose amounts put them at ~78 % and
// ~45 % of their current period's spend (so one is about to cross 80 %), defined from the demo
// traffic already stored; the monitor's first pass then fires the alerts their current and
// previous periods have earned, which is the demo's alert history.
Status CreateDemoBudgets(SpendControl& spend, backend::Backend& backend, int64_t now_ms);

}  // namespace mltrack::cli
