#include "cli/spend_control.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "analytics/budget_status.h"

namespace mltrack::cli {

SpendControl::~SpendControl() {
  if (monitor) monitor->Stop();
  if (anomaly_monitor) anomaly_monitor->Stop();
  if (delivery) delivery->Stop();
}

Result<std::unique_ptr<SpendControl>> OpenSpendControl(const std::filesystem::path& data_dir,
                                                       backend::Backend& backend,
                                                       alerts::DeliveryOptions delivery_options) {
  const std::filesystem::path dir = data_dir / "alerts";
  auto spend = std::make_unique<SpendControl>();
  std::vector<std::string> problems;
  Result<std::unique_ptr<alerts::AlertLog>> alert_log = alerts::AlertLog::Open(dir, &problems);
  if (!alert_log.ok()) return alert_log.status();
  spend->alert_log = std::move(*alert_log);
  Result<std::unique_ptr<alerts::WebhookStore>> webhooks = alerts::WebhookStore::Open(dir);
  if (!webhooks.ok()) return webhooks.status();
  spend->webhooks = std::move(*webhooks);
  Result<std::unique_ptr<analytics::BudgetStore>> budgets = analytics::BudgetStore::Open(dir);
  if (!budgets.ok()) return budgets.status();
  spend->budgets = std::move(*budgets);
  Result<std::unique_ptr<alerts::WebhookDelivery>> delivery =
      alerts::WebhookDelivery::Open(dir, *spend->alert_log, *spend->webhooks, delivery_options, &problems);
  if (!delivery.ok()) return delivery.status();
  spend->delivery = std::move(*delivery);
  for (const std::string& problem : problems) spdlog::error("spend control: {}", problem);

  spend->monitor = std::make_unique<analytics::BudgetMonitor>(*spend->budgets, *spend->alert_log,
                                                              [&backend] { return backend.Reader(); });
  spend->anomaly_monitor = std::make_unique<analytics::AnomalyMonitor>(*spend->alert_log,
                                                                      [&backend] { return backend.Reader(); });
  alerts::WebhookDelivery* delivery_ptr = spend->delivery.get();
  analytics::BudgetMonitor* monitor = spend->monitor.get();
  SpendControl* control = spend.get();
  auto listen = [control, monitor, &backend] {
    std::call_once(control->listening, [&] {
      backend.AddAppendListener(
          [monitor](const EventBatch& batch, const backend::AppendResult&) { monitor->OnAppend(batch); });
    });
  };
  spend->alert_log->AddListener([delivery_ptr](const alerts::Alert&) { delivery_ptr->Wake(); });
  // Listening starts before the monitor re-reads the budgets, so the exact evaluation that
  // follows (a snapshot taken after it) and the counting between them see every event.
  spend->budgets->SetChangeListener([listen, monitor] {
    listen();
    monitor->Reload();
  });
  if (!spend->budgets->List().empty()) listen();
  return spend;
}

void StartSpendControl(SpendControl& spend) {
  spend.monitor->Start();
  spend.anomaly_monitor->Start();
  spend.delivery->Start();
}

Status CreateDemoBudgets(SpendControl& spend, backend::Backend& backend, int64_t now_ms) {
  struct Plan {
    const char* name;
    const char* team;  // nullptr = every event
    double share;      // of the amount spent so far this month
  };
  for (const Plan& plan : {Plan{"Platform team monthly", "platform", 0.78}, Plan{"All LLM spend monthly", nullptr, 0.45}}) {
    analytics::BudgetInput input;
    input.name = plan.name;
    if (plan.team) input.scope = analytics::BudgetScope{FieldRef{FieldId::kTeam, {}}, plan.team};
    input.period = analytics::BudgetPeriod::kMonth;
    input.thresholds = {analytics::Threshold{50'000}, analytics::Threshold{80'000}, analytics::Threshold{100'000}};
    input.forecast_alert = plan.team != nullptr;
    analytics::Budget probe;
    static_cast<analytics::BudgetInput&>(probe) = input;
    probe.amount = 1;
    Result<NanoUsd> spent = analytics::PeriodSpend(
        probe, analytics::PeriodAt(input.period, input.timezone, now_ms), backend.Reader());
    if (!spent.ok()) return spent.status();
    // Whole dollars, at least $10, so the figures read like a budget someone set.
    const double amount_usd = std::max(10.0, std::ceil(static_cast<double>(*spent) / 1e9 / plan.share));
    input.amount = static_cast<NanoUsd>(amount_usd) * kNanoPerUsd;
    Result<analytics::Budget> created = spend.budgets->Create(input, now_ms);
    if (!created.ok()) return created.status();
  }
  return Status::OK();
}

}  // namespace mltrack::cli
