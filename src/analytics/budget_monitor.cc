#include "analytics/budget_monitor.h"

#include <time.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "analytics/budget_status.h"
#include "analytics/dashboard_support.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

constexpr NanoUsd kNever = std::numeric_limits<NanoUsd>::max();

// The calling thread's CPU time so far.
int64_t ThreadCpuNs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}
constexpr auto kRetryAfterError = std::chrono::seconds(5);

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

// The smallest spend above `spend` that needs an exact evaluation: the next threshold it does
// not reach, and for an enforced budget the amount (the proxy's gate closes there).
NanoUsd NextTrigger(const Budget& budget, NanoUsd spend) {
  NanoUsd next = kNever;
  for (const Threshold& threshold : budget.thresholds) {
    if (!threshold.ReachedBy(spend, budget.amount)) next = std::min(next, threshold.SpendToReach(budget.amount));
  }
  if (budget.enforce && spend < budget.amount) next = std::min(next, budget.amount);
  return next;
}

std::string PeriodKey(const Budget& budget, const Period& period) {
  return "budget:" + budget.id + ":" + std::to_string(period.start_ms);
}

}  // namespace

// The running estimate of one (budget, period): ≥ its exact spend (see the header).
struct PeriodState {
  NanoUsd estimate = 0;
  NanoUsd next_trigger = 0;  // 0 until the first exact evaluation: any spend queues one
  // Every event of the period went through Count, once, since the store was empty, and the
  // estimate was never restarted: it is the spend itself, and no query is needed.
  bool exact = false;
};

struct BudgetMonitor::Watch {
  // Periods whose estimates are kept; older ones are dropped (a late event then queues an exact
  // evaluation again, which is correct, only slower).
  static constexpr size_t kMaxPeriods = 64;

  Budget budget;
  std::string definition;  // BudgetRecordJson: an edited budget starts afresh
  Period current;
  PeriodState* current_state = nullptr;  // periods[current.start_ms]
  // Every event of this budget since the store was empty went through Count, so a period it has
  // no state for held no spend before (see calibrated_ in the header).
  bool counted_from_empty = false;
  bool calibrated = false;  // counted_from_empty was decided (Calibrate)
  Period last_late;                      // the period of the last late event (events come in runs)
  PeriodState* last_late_state = nullptr;  // periods[last_late.start_ms], once looked up
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
  gate_.Retain(budgets_.List());  // an unblocking change takes effect before this returns
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

BudgetMonitorStats BudgetMonitor::stats() const {
  std::lock_guard lock(mutex_);
  return BudgetMonitorStats{events_counted_, double(counting_ns_) / 1e9, double(thread_cpu_ns_) / 1e9, evaluations_};
}

void BudgetMonitor::Rebuild(int64_t now_ms) {
  // Unchanged budgets keep their periods' estimates (and whether they were counted from an empty
  // store); new and edited ones start afresh.
  std::unordered_map<std::string, std::unique_ptr<Watch>> previous;
  for (auto& watch : watches_) previous[watch->budget.id] = std::move(watch);
  watches_.clear();
  by_id_.clear();
  by_scope_.clear();
  unscoped_.clear();
  next_rollover_ms_ = kNever;
  for (Budget& budget : budgets_.List()) {
    auto watch = std::make_unique<Watch>();
    watch->definition = BudgetRecordJson(budget);
    auto kept = previous.find(budget.id);
    if (kept != previous.end() && kept->second->definition == watch->definition) {
      watch->periods = std::move(kept->second->periods);
      watch->counted_from_empty = kept->second->counted_from_empty;
      watch->calibrated = kept->second->calibrated;
    }
    watch->current = PeriodAt(budget.period, budget.timezone, now_ms);
    watch->budget = std::move(budget);
    watch->current_state = &watch->periods[watch->current.start_ms];
    next_rollover_ms_ = std::min(next_rollover_ms_, watch->current.end_ms);
    if (const std::optional<BudgetScope>& scope = watch->budget.scope) {
      auto field = std::find_if(by_scope_.begin(), by_scope_.end(), [&](const ScopeField& f) { return f.field == scope->field; });
      if (field == by_scope_.end()) {
        field = by_scope_.insert(by_scope_.end(), ScopeField{scope->field, EventStringMember(scope->field.id), {}});
      }
      auto value = std::find_if(field->values.begin(), field->values.end(),
                                [&](const ScopeValue& v) { return v.value == scope->value; });
      if (value == field->values.end()) value = field->values.insert(field->values.end(), ScopeValue{scope->value, {}});
      value->watches.push_back(watch.get());
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
    // A late event counts to its own period; late events come in runs of one period, whose
    // state is looked up once per run.
    const bool other_period = event.ts_ms < watch.last_late.start_ms || event.ts_ms >= watch.last_late.end_ms;
    if (other_period) watch.last_late = PeriodAt(watch.budget.period, watch.budget.timezone, event.ts_ms);
    if (other_period || watch.last_late_state == nullptr) {
      auto [found, inserted] = watch.periods.try_emplace(watch.last_late.start_ms);
      if (inserted) {
        if (watch.counted_from_empty) {
          found->second.next_trigger = NextTrigger(watch.budget, 0);
          found->second.exact = true;
        }
        if (watch.periods.size() > Watch::kMaxPeriods) {
          auto oldest = watch.periods.begin();
          if (oldest->first != watch.current.start_ms && oldest != found) {
            watch.periods.erase(oldest);
            watch.counted_from_empty = false;  // that period's count is gone: evaluate new ones exactly
          }
        }
      }
      watch.last_late_state = &found->second;  // the only erase is above, of another period
    }
    period_start = watch.last_late.start_ms;
    state = watch.last_late_state;
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
    const auto started = std::chrono::steady_clock::now();
    const size_t pending_before = pending_.size();
    int64_t counted = 0;
    // Events are ~600 bytes apart and no longer in cache: fetch a few ahead (the event's lines
    // that are read, and two steps later, once those lines are there to say where they are, the
    // tags and the values too long to live inside the event).
    constexpr size_t kAhead = 8;
    for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
      if (event_idx + kAhead < batch.size()) {
        const Event& ahead = batch[event_idx + kAhead];
        __builtin_prefetch(&ahead.ts_ms);
        __builtin_prefetch(&ahead.cost_nano_usd);
        __builtin_prefetch(&ahead.tags);
        for (const ScopeField& scope : by_scope_) {
          if (scope.member != nullptr) __builtin_prefetch(&(ahead.*scope.member));
        }
      }
      if (event_idx + kAhead / 2 < batch.size()) {
        const Event& near = batch[event_idx + kAhead / 2];
        if (!near.tags.empty()) {
          __builtin_prefetch(near.tags.data());
          __builtin_prefetch(near.tags.data() + near.tags.size() - 1);
        }
        for (const ScopeField& scope : by_scope_) {
          if (scope.member != nullptr) __builtin_prefetch((near.*scope.member).data());
        }
      }
      const Event& event = batch[event_idx];
      if (!event.cost_nano_usd || *event.cost_nano_usd <= 0) continue;
      const NanoUsd cost = *event.cost_nano_usd;
      ++counted;
      for (Watch* watch : unscoped_) Count(*watch, event, cost);
      for (ScopeField& scope : by_scope_) {
        const std::string_view value =
            scope.member != nullptr ? std::string_view(event.*scope.member) : EventFieldValue(event, scope.field);
        if (value.empty()) continue;
        for (ScopeValue& candidate : scope.values) {
          if (candidate.value.size() != value.size() || candidate.value != value) continue;
          for (Watch* watch : candidate.watches) Count(*watch, event, cost);
          break;
        }
      }
    }
    wake = pending_.size() != pending_before;
    events_counted_ += counted;
    counting_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
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
  // Periods whose estimate is their spend (PeriodState::exact) need no query; for the others the
  // estimate restarts before the snapshot is taken (see the header).
  std::vector<Budget> budgets;
  std::vector<PeriodRequest> requests;
  std::vector<std::pair<PeriodRequest, NanoUsd>> counted;  // exact: (period, spend)
  budgets.reserve(pending_.size());
  for (const auto& [budget_id, period_start] : pending_) {
    auto found = by_id_.find(budget_id);
    if (found == by_id_.end()) continue;  // deleted since
    Watch& watch = *found->second;
    budgets.push_back(watch.budget);
    const Budget& budget = budgets.back();
    const PeriodRequest request{&budget, PeriodAt(budget.period, budget.timezone, period_start)};
    PeriodState& state = watch.periods[period_start];
    if (state.exact) {
      counted.push_back({request, state.estimate});
    } else {
      state.estimate = 0;
      requests.push_back(request);
    }
  }
  pending_.clear();
  busy_ = true;
  lock.unlock();

  for (const auto& [request, spend] : counted) FireThresholds(*request.budget, request.period, spend);
  Result<std::vector<NanoUsd>> spends = PeriodSpends(requests, reader_());
  if (spends.ok()) {
    for (size_t idx = 0; idx < requests.size(); ++idx) FireThresholds(*requests[idx].budget, requests[idx].period, (*spends)[idx]);
  } else {
    spdlog::error("budgets: cannot compute their spend: {}", spends.status().ToString());
    std::this_thread::sleep_for(kRetryAfterError);
  }
  // Exact periods take their next trigger from their own (still exact) estimate.
  for (const auto& [request, spend] : counted) {
    requests.push_back(request);
    if (spends.ok()) spends->push_back(spend);
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
    const NanoUsd next_trigger = NextTrigger(budget, spend);
    Watch& watch = *found->second;
    // Only an evaluation of the budget as it is now defined, in its current period, moves the gate
    // (with a reload pending the definition may have changed; the reload evaluates it again).
    if (budget.enforce && !reload_ && period_start == watch.current.start_ms &&
        watch.definition == BudgetRecordJson(budget)) {
      gate_.Update(budget, watch.current, spend);
    }
    PeriodState& state = watch.periods[period_start];
    if (!state.exact) state.estimate += spend;
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

void BudgetMonitor::Calibrate(std::unique_lock<std::mutex>& lock) {
  // The watches exist, so every later append is counted; a snapshot taken now holds every event
  // appended before (and maybe some counted too, which only overestimates).
  lock.unlock();
  query::QuerySpec spec;
  spec.from_ms = std::numeric_limits<int64_t>::min() / 2;
  spec.to_ms = std::numeric_limits<int64_t>::max() / 2;
  Status added = AddMetrics(spec, {"count"});
  Result<query::QueryResult> result = added.ok() ? reader_()(spec) : Result<query::QueryResult>(added);
  lock.lock();
  const bool empty = result.ok() && CellInt(SingleCell(*result, "count")).value_or(-1) == 0;
  for (auto& watch : watches_) {
    if (watch->calibrated) continue;
    watch->calibrated = true;
    if (!empty) continue;
    watch->counted_from_empty = true;
    for (auto& [start, state] : watch->periods) state.exact = true;
  }
}

void BudgetMonitor::Loop() {
  std::unique_lock lock(mutex_);
  bool first = true;
  while (!stopping_) {
    thread_cpu_ns_ = ThreadCpuNs();
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
      const bool uncalibrated = std::any_of(watches_.begin(), watches_.end(), [](const auto& w) { return !w->calibrated; });
      if (uncalibrated) Calibrate(lock);
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
