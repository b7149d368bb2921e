#include "analytics/budget_store.h"

#include <simdjson.h>

#include <algorithm>

#include "alerts/durable_file.h"

namespace mltrack::analytics {

BudgetStore::BudgetStore(std::filesystem::path path)
    : path_(std::move(path)),
      budgets_("b-", "budget", [this](const std::vector<Budget>& budgets, uint64_t next_id) { return Save(budgets, next_id); }) {}

Result<std::unique_ptr<BudgetStore>> BudgetStore::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  std::unique_ptr<BudgetStore> store(new BudgetStore(dir / "budgets.json"));
  Result<std::optional<std::string>> text = alerts::ReadDocument(store->path_);
  if (!text.ok()) return text.status();
  if (!*text) return store;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array list;
  int64_t next_id = 0;
  if (parser.parse(**text).get(root) || root["next_id"].get(next_id) || root["budgets"].get(list)) {
    return Status::Corruption(store->path_.string() + ": not a budget document");
  }
  std::vector<Budget> budgets;
  for (simdjson::dom::element item : list) {
    Result<Budget> budget = ParseBudgetRecord(simdjson::minify(item));
    if (!budget.ok()) return Status::Corruption(store->path_.string() + ": " + budget.status().message());
    budgets.push_back(std::move(*budget));
  }
  store->budgets_.Load(std::move(budgets), static_cast<uint64_t>(next_id));
  return store;
}

Status BudgetStore::Save(const std::vector<Budget>& budgets, uint64_t next_id) const {
  std::string body = "{\"version\":1,\"next_id\":" + std::to_string(next_id) + ",\"budgets\":[\n";
  for (size_t idx = 0; idx < budgets.size(); ++idx) {
    body += BudgetRecordJson(budgets[idx]) + (idx + 1 < budgets.size() ? ",\n" : "\n");
  }
  body += "]}\n";
  return alerts::WriteDocument(path_, body);
}

void BudgetStore::SetChangeListener(std::function<void()> listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void BudgetStore::Changed() {
  std::function<void()> listener;
  {
    std::lock_guard lock(listener_mutex_);
    listener = listener_;
  }
  if (listener) listener();
}

Result<Budget> BudgetStore::Create(const BudgetInput& input, int64_t now_ms) {
  Budget budget;
  static_cast<BudgetInput&>(budget) = input;
  budget.created_at_ms = now_ms;
  Result<Budget> created = budgets_.Add(std::move(budget));
  if (created.ok()) Changed();
  return created;
}

Result<Budget> BudgetStore::Update(std::string_view id, const BudgetInput& input) {
  Result<Budget> updated = budgets_.Modify(id, [&](Budget& budget) { static_cast<BudgetInput&>(budget) = input; });
  if (updated.ok()) Changed();
  return updated;
}

Status BudgetStore::Delete(std::string_view id) {
  Status deleted = budgets_.Remove(id);
  if (deleted.ok()) Changed();
  return deleted;
}

std::optional<Budget> BudgetStore::Get(std::string_view id) const { return budgets_.Get(id); }

std::vector<Budget> BudgetStore::List() const { return budgets_.List(); }

}  // namespace mltrack::analytics
