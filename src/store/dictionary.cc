#include "store/dictionary.h"

#include <cassert>
#include <mutex>

namespace mltrack::store {

uint32_t Dictionary::GetOrAdd(std::string_view value) {
  if (value.empty()) return kAbsentId;
  {
    std::shared_lock lock(mutex_);
    auto it = index_.find(value);
    if (it != index_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  auto it = index_.find(value);
  if (it != index_.end()) return it->second;
  strings_.emplace_back(value);
  uint32_t id = static_cast<uint32_t>(strings_.size());
  index_.emplace(std::string_view(strings_.back()), id);
  // Heap bytes only when the string does not fit the small-string buffer.
  if (value.size() >= sizeof(std::string)) string_bytes_ += value.size() + 1;
  return id;
}

std::optional<uint32_t> Dictionary::Find(std::string_view value) const {
  if (value.empty()) return kAbsentId;
  std::shared_lock lock(mutex_);
  auto it = index_.find(value);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string_view Dictionary::Get(uint32_t id) const {
  if (id == kAbsentId) return {};
  std::shared_lock lock(mutex_);
  assert(id <= strings_.size());
  return strings_[id - 1];
}

size_t Dictionary::size() const {
  std::shared_lock lock(mutex_);
  return strings_.size();
}

size_t Dictionary::MemoryBytes() const {
  std::shared_lock lock(mutex_);
  // deque slot + hash node (view, id, next pointer, cached hash) + bucket pointer.
  constexpr size_t kPerEntry = sizeof(std::string) + 48 + sizeof(void*);
  return strings_.size() * kPerEntry + string_bytes_;
}

}  // namespace mltrack::store
