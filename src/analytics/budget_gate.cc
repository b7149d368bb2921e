#include "analytics/budget_gate.h"

#include <algorithm>

#include "core/time.h"

namespace mltrack::analytics {
namespace {

// Exact dollars from nano-USD, at least two decimals: "12.50", "0.000015".
std::string Dollars(NanoUsd nano) {
  const bool negative = nano < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(nano) : static_cast<uint64_t>(nano);
  std::string fraction = std::to_string(magnitude % static_cast<uint64_t>(kNanoPerUsd));
  fraction.insert(0, 9 - fraction.size(), '0');
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return std::string(negative ? "-$" : "$") + std::to_string(magnitude / static_cast<uint64_t>(kNanoPerUsd)) + "." +
         fraction;
}

bool SameWatch(const Budget& a, const Budget& b) {
  const bool same_scope = a.scope.has_value() == b.scope.has_value() &&
                          (!a.scope || (a.scope->field == b.scope->field && a.scope->value == b.scope->value));
  return same_scope && a.period == b.period && a.timezone == b.timezone;
}

}  // namespace

int64_t SpentBudget::SecondsToReset(int64_t now_ms) const {
  return std::max<int64_t>(1, (period.end_ms - now_ms + 999) / 1000);
}

std::string SpentBudget::Describe(int64_t now_ms) const {
  return "budget " + budget.id + " (\"" + budget.name + "\") is spent: " + Dollars(spend) + " of " +
         Dollars(budget.amount) + " in the " + std::string(BudgetPeriodName(budget.period)) + " from " +
         FormatRfc3339(period.start_ms) + "; it resets at " + FormatRfc3339(period.end_ms) + " (in " +
         std::to_string(SecondsToReset(now_ms)) + " s)";
}

std::optional<SpentBudget> BudgetGate::Check(const Event& call, int64_t now_ms) const {
  if (!any_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard lock(mutex_);
  for (const SpentBudget& spent : spent_) {
    if (now_ms >= spent.period.start_ms && now_ms < spent.period.end_ms && InScope(spent.budget, call)) return spent;
  }
  return std::nullopt;
}

void BudgetGate::Update(const Budget& budget, const Period& period, NanoUsd spend) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(spent_.begin(), spent_.end(), [&](const SpentBudget& s) { return s.budget.id == budget.id; });
  if (budget.enforce && spend >= budget.amount) {
    if (found == spent_.end()) found = spent_.insert(spent_.end(), SpentBudget{});
    *found = SpentBudget{budget, period, spend};
  } else if (found != spent_.end()) {
    spent_.erase(found);
  }
  Publish();
}

void BudgetGate::Retain(const std::vector<Budget>& budgets) {
  std::lock_guard lock(mutex_);
  std::erase_if(spent_, [&](SpentBudget& spent) {
    auto now = std::find_if(budgets.begin(), budgets.end(), [&](const Budget& b) { return b.id == spent.budget.id; });
    if (now == budgets.end() || !now->enforce || !SameWatch(*now, spent.budget) || spent.spend < now->amount) return true;
    spent.budget = *now;
    return false;
  });
  Publish();
}

std::vector<SpentBudget> BudgetGate::Spent() const {
  std::lock_guard lock(mutex_);
  return spent_;
}

void BudgetGate::Publish() { any_.store(!spent_.empty(), std::memory_order_release); }

}  // namespace mltrack::analytics
