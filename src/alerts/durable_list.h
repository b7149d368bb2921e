#pragma once
// The copy-on-write list behind the definition stores (BudgetStore, WebhookStore): items with ids
// "<prefix><n>" kept in memory and, on every change, written whole to their document by `save`
// (a checksummed file replaced atomically, durable_file.h) before the list in memory changes, so
// a failed write changes nothing and a reader never sees an item that is not on disk. Ids are
// never reused (`next_id` is stored with the items).
//
// Thread-safe: every method takes one lock, held across the write of a change.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mltrack::alerts {

// T has a `std::string id`.
template <typename T>
class DurableList {
 public:
  // Writes the whole document: the items and the next id to hand out. Durable when it returns OK.
  using Save = std::function<Status(const std::vector<T>& items, uint64_t next_id)>;

  // `kind` names an item in errors ("no budget b-7").
  DurableList(std::string prefix, std::string kind, Save save)
      : prefix_(std::move(prefix)), kind_(std::move(kind)), save_(std::move(save)) {}
  DurableList(const DurableList&) = delete;
  DurableList& operator=(const DurableList&) = delete;

  // The state read at open (nothing is written).
  void Load(std::vector<T> items, uint64_t next_id) {
    std::lock_guard lock(mutex_);
    items_ = std::move(items);
    next_id_ = next_id;
  }

  // Adds `item` under the next id (which this sets); the stored item, or the write's error.
  Result<T> Add(T item) {
    std::lock_guard lock(mutex_);
    item.id = prefix_ + std::to_string(next_id_);
    std::vector<T> next = items_;
    next.push_back(item);
    MLTRACK_RETURN_IF_ERROR(save_(next, next_id_ + 1));
    items_ = std::move(next);
    ++next_id_;
    return item;
  }

  // Applies `change` to the item `id` (which it must not change); NotFound for an unknown id.
  Result<T> Modify(std::string_view id, const std::function<void(T&)>& change) {
    std::lock_guard lock(mutex_);
    std::vector<T> next = items_;
    auto found = Find(next, id);
    if (found == next.end()) return NotFound(id);
    change(*found);
    T changed = *found;
    MLTRACK_RETURN_IF_ERROR(save_(next, next_id_));
    items_ = std::move(next);
    return changed;
  }

  // NotFound for an unknown id.
  Status Remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    std::vector<T> next = items_;
    auto found = Find(next, id);
    if (found == next.end()) return NotFound(id);
    next.erase(found);
    MLTRACK_RETURN_IF_ERROR(save_(next, next_id_));
    items_ = std::move(next);
    return Status::OK();
  }

  std::optional<T> Get(std::string_view id) const {
    std::lock_guard lock(mutex_);
    auto found = std::find_if(items_.begin(), items_.end(), [&](const T& item) { return item.id == id; });
    if (found == items_.end()) return std::nullopt;
    return *found;
  }

  std::vector<T> List() const {
    std::lock_guard lock(mutex_);
    return items_;
  }

 private:
  static typename std::vector<T>::iterator Find(std::vector<T>& items, std::string_view id) {
    return std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  }
  Status NotFound(std::string_view id) const { return Status::NotFound("no " + kind_ + " " + std::string(id)); }

  const std::string prefix_;
  const std::string kind_;
  const Save save_;
  mutable std::mutex mutex_;
  std::vector<T> items_;
  uint64_t next_id_ = 1;
};

}  // namespace mltrack::alerts
