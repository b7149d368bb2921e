#include "analytics/budget_store.h"

#include <simdjson.h>

#include <algorithm>

#include "alerts/durable_file.h"

namespace mltrack::analytics {

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
  store->next_id_ = static_cast<uint64_t>(next_id);
  for (simdjson::dom::element item : list) {
    Result<Budget> budget = ParseBudgetRecord(simdjson::minify(item));
    if (!budget.ok()) return Status::Corruption(store->path_.string() + ": " + budget.status().message());
    store->budgets_.push_back(std::move(*budget));
  }
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
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void BudgetStore::Changed() {
  std::function<void()> listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener();
}

Result<Budget> BudgetStore::Create(const BudgetInput& input, int64_t now_ms) {
  Budget budget;
  {
    std::lock_guard lock(mutex_);
    static_cast<BudgetInput&>(budget) = input;
    budget.id = "b-" + std::to_string(next_id_);
    budget.created_at_ms = now_ms;
    std::vector<Budget> next = budgets_;
    next.push_back(budget);
    // Durable first: the list in memory changes only once the new document is on disk.
    MLTRACK_RETURN_IF_ERROR(Save(next, next_id_ + 1));
    budgets_ = std::move(next);
    ++next_id_;
  }
  Changed();
  return budget;
}

Result<Budget> BudgetStore::Update(std::string_view id, const BudgetInput& input) {
  Budget updated;
  {
    std::lock_guard lock(mutex_);
    std::vector<Budget> next = budgets_;
    auto found = std::find_if(next.begin(), next.end(), [&](const Budget& b) { return b.id == id; });
    if (found == next.end()) return Status::NotFound("no budget " + std::string(id));
    static_cast<BudgetInput&>(*found) = input;
    updated = *found;
    MLTRACK_RETURN_IF_ERROR(Save(next, next_id_));
    budgets_ = std::move(next);
  }
  Changed();
  return updated;
}

Status BudgetStore::Delete(std::string_view id) {
  {
    std::lock_guard lock(mutex_);
    std::vector<Budget> next = budgets_;
    auto found = std::find_if(next.begin(), next.end(), [&](const Budget& b) { return b.id == id; });
    if (found == next.end()) return Status::NotFound("no budget " + std::string(id));
    next.erase(found);
    MLTRACK_RETURN_IF_ERROR(Save(next, next_id_));
    budgets_ = std::move(next);
  }
  Changed();
  return Status::OK();
}

std::optional<Budget> BudgetStore::Get(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const Budget& budget : budgets_) {
    if (budget.id == id) return budget;
  }
  return std::nullopt;
}

std::vector<Budget> BudgetStore::List() const {
  std::lock_guard lock(mutex_);
  return budgets_;
}

}  // namespace mltrack::analytics
