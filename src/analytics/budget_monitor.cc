#include "analytics/budget_monitor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "analytics/budget_status.h"
#include "analytics/dashboard_support.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

constexpr NanoUsd kNever = std::numeric_limits<NanoUsd>::max();
constexpr auto kRetryAfterError = std::chrono::seconds(5);

// The value of a string dimension or tag of `event` ("" when absent).
std::string_view FieldValue(const Event& event, const FieldRef& field) {
  switch (field.id) {
    case FieldId::kExperiment: return event.experiment;
    case FieldId::kRunId: return event.run_id;
    case FieldId::kSessionId: return event.session_id;
    case FieldId::kTraceId: return event.trace_id;
    case FieldId::kUser: return event.user;
    case FieldId::kTeam: return event.team;
    case FieldId::kProvider: return event.provider;
    case FieldId::kModel: return event.model;
    case FieldId::kEndpoint: return event.endpoint;
    case FieldId::kErrorType: return event.error_type;
    case FieldId::kPromptName: return event.prompt_name;
    case FieldId::kPromptVersion: return event.prompt_version;
    case FieldId::kTag:
      for (const auto& [key, value] : event.tags) {
        if (key == field.key) return value;
      }
      return {};
    default: return {};
  }
}

void WriteBudgetRef(JsonWriter& json, const Budget& budget, const Period& period) {
  json.Key("budget_id");
  json.String(budget.id);
  json.Key("budget_name");
  json.String(budget.name);
  json.Key("period");
  json.String(BudgetPeriodName(budget.period));
  json.Key("period_start");
  json.String(FormatRfc3339(period.start_ms));
  json.Key("period_end");
  json.String(FormatRfc3339(period.end_ms));
  json.Key("amount_usd");
  json.Money(budget.amount);
}

std::string PeriodKey(const Budget& budget, const Period& period) {
  return "budget:" + budget.id + ":" + std::to_string(period.start_ms);
}

}  // namespace

// The running estimate of one (budget, period): ≥ its exact spend (see the header).
struct PeriodState {
  NanoUsd estimate = 0;
  NanoUsd next_trigger = 0;  // 0 until the first exact evaluation: any spend queues one
};

struct BudgetMonitor::Watch {
  // Periods whose estimates are kept; older ones are dropped (a late event then queues an exact
  // evaluation again, which is correct, only slower).
  static constexpr size_t kMaxPeriods = 64;

  Budget budget;
  Period current;
  PeriodState* current_state = nullptr;  // periods[current.start_ms]
  Period last_late;                      // the period of the last late event (events come in runs)
  std::map<int64_t, PeriodState> periods;  // by period start
};

BudgetMonitor::BudgetMonitor(BudgetStore& budgets, alerts::AlertLog& alerts, std::function<QueryRunner()> reader,
                             BudgetMonitorOptions options)
    : budgets_(budgets), alerts_(alerts), reader_(std::move(reader)), options_(std::move(options)) {}

BudgetMonitor::~BudgetMonitor() { Stop(); }

int64_t BudgetMonitor::Now() const { return options_.now_ms ? options_.now_ms() : NowMs(); }

void BudgetMonitor::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void BudgetMonitor::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  settled_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BudgetMonitor::Reload() {
  {
    std::lock_guard lock(mutex_);
    reload_ = true;
  }
  wake_.notify_all();
}

void BudgetMonitor::Settle() {
  std::unique_lock lock(mutex_);
  settled_.wait(lock, [this] { return stopping_ || (!reload_ && pending_.empty() && !busy_); });
}

int64_t BudgetMonitor::evaluations() const {
  std::lock_guard lock(mutex_);
  return evaluations_;
}

void BudgetMonitor::Rebuild(int64_t now_ms) {
  watches_.clear();
  by_id_.clear();
  by_scope_.clear();
  unscoped_.clear();
  next_rollover_ms_ = kNever;
  for (Budget& budget : budgets_.List()) {
    auto watch = std::make_unique<Watch>();
    watch->current = PeriodAt(budget.period, budget.timezone, now_ms);
    watch->budget = std::move(budget);
    watch->current_state = &watch->periods[watch->current.start_ms];
    next_rollover_ms_ = std::min(next_rollover_ms_, watch->current.end_ms);
    if (watch->budget.scope) {
      auto& [field, by_value] = by_scope_[watch->budget.scope->field.Name()];
      field = watch->budget.scope->field;
      by_value[watch->budget.scope->value].push_back(watch.get());
    } else {
      unscoped_.push_back(watch.get());
    }
    pending_.insert({watch->budget.id, watch->current.start_ms});
    by_id_[watch->budget.id] = watch.get();
    watches_.push_back(std::move(watch));
  }
}

void BudgetMonitor::Count(Watch& watch, const Event& event, NanoUsd cost) {
  PeriodState* state = watch.current_state;
  int64_t period_start = watch.current.start_ms;
  if (event.ts_ms < watch.current.start_ms || event.ts_ms >= watch.current.end_ms) {
    // Events of a future period are counted when it begins (the rollover evaluates it exactly).
    if (event.ts_ms >= watch.current.end_ms) return;
    // A late event counts to its own period.
    if (event.ts_ms < watch.last_late.start_ms || event.ts_ms >= watch.last_late.end_ms) {
      watch.last_late = PeriodAt(watch.budget.period, watch.budget.timezone, event.ts_ms);
    }
    period_start = watch.last_late.start_ms;
    if (watch.periods.size() >= Watch::kMaxPeriods && !watch.periods.count(period_start)) {
      auto oldest = watch.periods.begin();
      if (oldest->first != watch.current.start_ms) watch.periods.erase(oldest);
    }
    state = &watch.periods[period_start];
  }
  state->estimate += cost;
  if (state->estimate >= state->next_trigger) {
    pending_.insert({watch.budget.id, period_start});
    state->next_trigger = kNever;  // queued; the evaluation sets the next one
  }
}

void BudgetMonitor::OnAppend(const EventBatch& batch) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (watches_.empty()) return;
    const size_t pending_before = pending_.size();
    for (const Event& event : batch) {
      if (!event.cost_nano_usd || *event.cost_nano_usd <= 0) continue;
      const NanoUsd cost = *event.cost_nano_usd;
      for (Watch* watch : unscoped_) Count(*watch, event, cost);
      for (auto& [name, scope] : by_scope_) {
        const std::string_view value = FieldValue(event, scope.first);
        if (value.empty()) continue;
        auto found = scope.second.find(std::string(value));
        if (found == scope.second.end()) continue;
        for (Watch* watch : found->second) Count(*watch, event, cost);
      }
    }
    wake = pending_.size() != pending_before;
  }
  if (wake) wake_.notify_all();
}

void BudgetMonitor::FireThresholds(const Budget& budget, const Period& period, NanoUsd spend) {
  for (const Threshold& threshold : budget.thresholds) {
    if (!threshold.ReachedBy(spend, budget.amount)) continue;
    JsonWriter payload;
    payload.BeginObject();
    WriteBudgetRef(payload, budget, period);
    payload.Key("threshold_pct");
    payload.Double(threshold.pct());
    payload.Key("spend_usd");
    payload.Money(spend);
    payload.EndObject();
    const std::string key = PeriodKey(budget, period) + ":threshold:" + std::to_string(threshold.milli_pct);
    Result<std::pair<alerts::Alert, bool>> recorded =
        alerts_.Record("budget_threshold", key, std::move(payload).Take(), Now());
    if (!recorded.ok()) {
      spdlog::error("budget {}: cannot record an alert: {}", budget.id, recorded.status().ToString());
      std::lock_guard lock(mutex_);
      pending_.insert({budget.id, period.start_ms});  // tried again: the key keeps it once
    } else if (recorded->second) {
      spdlog::info("budget {} ({}): {}% reached in the period from {}: alert {}", budget.id, budget.name,
                   threshold.pct(), FormatRfc3339(period.start_ms), recorded->first.id);
    }
  }
}

void BudgetMonitor::EvaluatePending(std::unique_lock<std::mutex>& lock) {
  // Restart the estimates of what is evaluated, then take the snapshot (see the header).
  std::vector<Budget> budgets;
  std::vector<PeriodRequest> requests;
  budgets.reserve(pending_.size());
  for (const auto& [budget_id, period_start] : pending_) {
    auto found = by_id_.find(budget_id);
    if (found == by_id_.end()) continue;  // deleted since
    Watch& watch = *found->second;
    watch.periods[period_start].estimate = 0;
    budgets.push_back(watch.budget);
  }
  size_t budget_idx = 0;
  for (const auto& [budget_id, period_start] : pending_) {
    if (!by_id_.count(budget_id)) continue;
    const Budget& budget = budgets[budget_idx++];
    requests.push_back({&budget, PeriodAt(budget.period, budget.timezone, period_start)});
  }
  pending_.clear();
  busy_ = true;
  lock.unlock();

  Result<std::vector<NanoUsd>> spends = PeriodSpends(requests, reader_());
  if (spends.ok()) {
    for (size_t idx = 0; idx < requests.size(); ++idx) FireThresholds(*requests[idx].budget, requests[idx].period, (*spends)[idx]);
  } else {
    spdlog::error("budgets: cannot compute their spend: {}", spends.status().ToString());
    std::this_thread::sleep_for(kRetryAfterError);
  }

  lock.lock();
  busy_ = false;
  evaluations_ += static_cast<int64_t>(requests.size());
  for (size_t idx = 0; idx < requests.size(); ++idx) {
    const Budget& budget = *requests[idx].budget;
    const int64_t period_start = requests[idx].period.start_ms;
    auto found = by_id_.find(budget.id);
    if (found == by_id_.end()) continue;  // reloaded meanwhile: the new watch evaluates afresh
    if (!spends.ok()) {
      pending_.insert({budget.id, period_start});
      continue;
    }
    const NanoUsd spend = (*spends)[idx];
    NanoUsd next_trigger = kNever;
    for (const Threshold& threshold : budget.thresholds) {
      if (!threshold.ReachedBy(spend, budget.amount)) next_trigger = std::min(next_trigger, threshold.SpendToReach(budget.amount));
    }
    PeriodState& state = found->second->periods[period_start];
    state.estimate += spend;
    state.next_trigger = next_trigger;
    if (state.estimate >= state.next_trigger) pending_.insert({budget.id, period_start});
  }
}

void BudgetMonitor::CheckForecasts(int64_t now_ms) {
  std::vector<Budget> budgets;
  for (Budget& budget : budgets_.List()) {
    if (budget.forecast_alert) budgets.push_back(std::move(budget));
  }
  if (budgets.empty()) return;
  Result<std::vector<BudgetStatus>> statuses = ComputeBudgetStatuses(budgets, reader_(), now_ms);
  if (!statuses.ok()) {
    spdlog::error("budget forecasts: {}", statuses.status().ToString());
    return;
  }
  for (const BudgetStatus& status : *statuses) {
    const SpendProjection& projection = status.projection;
    // A week of history at least, so that every weekday has a rate of its own or a neighbour's.
    if (projection.history_days < 7 || projection.projected < status.budget.amount) continue;
    JsonWriter payload;
    payload.BeginObject();
    WriteBudgetRef(payload, status.budget, status.period);
    payload.Key("spend_usd");
    payload.Money(projection.spent);
    payload.Key("projected_usd");
    payload.Money(projection.projected);
    payload.Key("projected_low_usd");
    payload.Money(projection.low);
    payload.Key("projected_high_usd");
    payload.Money(projection.high);
    payload.Key("exceeds_on");
    if (projection.exceeds_on_ms) {
      payload.String(LocalDate(status.budget.timezone, *projection.exceeds_on_ms));
    } else {
      payload.Null();
    }
    payload.EndObject();
    Result<std::pair<alerts::Alert, bool>> recorded = alerts_.Record(
        "budget_forecast", PeriodKey(status.budget, status.period) + ":forecast", std::move(payload).Take(), now_ms);
    if (!recorded.ok()) spdlog::error("budget {}: cannot record a forecast alert: {}", status.budget.id,
                                      recorded.status().ToString());
  }
}

void BudgetMonitor::Loop() {
  std::unique_lock lock(mutex_);
  bool first = true;
  while (!stopping_) {
    const int64_t now_ms = Now();
    if (reload_ || now_ms >= next_rollover_ms_) {
      // A period ended: it is evaluated once more (late events), as is the new one.
      for (const auto& watch : watches_) {
        if (watch->current.end_ms <= now_ms) pending_.insert({watch->budget.id, watch->current.start_ms});
      }
      Rebuild(now_ms);
      if (first) {  // after a restart: the previous periods too (a crash may have kept an alert)
        for (const auto& watch : watches_) {
          const Period previous = PeriodAt(watch->budget.period, watch->budget.timezone, watch->current.start_ms - 1);
          pending_.insert({watch->budget.id, previous.start_ms});
        }
        next_forecast_ms_ = now_ms;
      }
      reload_ = false;
    }
    if (!pending_.empty()) {
      // Gather what arrives meanwhile into the same round (not at start: alerts a crash kept
      // from firing go out at once).
      if (!first) {
        wake_.wait_for(lock, options_.coalesce, [this] { return stopping_; });
        if (stopping_) break;
      }
      EvaluatePending(lock);
      first = false;
      continue;
    }
    first = false;
    if (now_ms >= next_forecast_ms_) {
      busy_ = true;
      lock.unlock();
      CheckForecasts(now_ms);
      lock.lock();
      busy_ = false;
      next_forecast_ms_ = Now() + options_.forecast_interval.count();
      continue;
    }
    settled_.notify_all();
    const int64_t wake_at = std::min(next_rollover_ms_, next_forecast_ms_);
    wake_.wait_for(lock, std::chrono::milliseconds(std::clamp<int64_t>(wake_at - now_ms, 1, 60'000)),
                   [this] { return stopping_ || reload_ || !pending_.empty(); });
  }
  settled_.notify_all();
}

}  // namespace mltrack::analytics
