#pragma once
// Budget definitions, kept in <dir>/budgets.json: a checksummed document replaced atomically on
// every change (docs/alerts_format.md), so a SIGKILL at any moment loses no acknowledged budget.
// Thread-safe.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/durable_list.h"
#include "analytics/budget.h"
#include "core/status.h"

namespace mltrack::analytics {

class BudgetStore {
 public:
  // Reads <dir>/budgets.json (none = no budgets). kCorruption when it fails its checksum.
  static Result<std::unique_ptr<BudgetStore>> Open(const std::filesystem::path& dir);

  // Each change is durable when it returns; NotFound for an unknown id.
  Result<Budget> Create(const BudgetInput& input, int64_t now_ms);
  Result<Budget> Update(std::string_view id, const BudgetInput& input);
  Status Delete(std::string_view id);
  std::optional<Budget> Get(std::string_view id) const;
  std::vector<Budget> List() const;

  // Called after every change, on the changing thread (the monitor re-reads the budgets).
  void SetChangeListener(std::function<void()> listener);

 private:
  explicit BudgetStore(std::filesystem::path path);
  Status Save(const std::vector<Budget>& budgets, uint64_t next_id) const;
  void Changed();

  const std::filesystem::path path_;
  alerts::DurableList<Budget> budgets_;
  mutable std::mutex listener_mutex_;
  std::function<void()> listener_;
};

}  // namespace mltrack::analytics
