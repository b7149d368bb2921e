#include "store/local_strings.h"

namespace mltrack::store {

std::shared_ptr<const std::vector<uint32_t>> LocalStrings::GlobalIds(Dictionary& global) const {
  std::lock_guard lock(mutex_);
  const size_t count = size();
  if (global_ids_ && global_ids_->size() == count + 1) return global_ids_;
  auto ids = std::make_shared<std::vector<uint32_t>>();
  ids->reserve(count + 1);
  if (global_ids_) {
    ids->assign(global_ids_->begin(), global_ids_->end());
  } else {
    ids->push_back(kAbsentId);
  }
  for (size_t local_id = ids->size(); local_id <= count; ++local_id) {
    ids->push_back(global.GetOrAdd(Get(static_cast<uint32_t>(local_id))));
  }
  global_ids_ = std::move(ids);
  return global_ids_;
}

size_t LocalStrings::GlobalIdsBytes() const {
  std::lock_guard lock(mutex_);
  return global_ids_ ? global_ids_->capacity() * sizeof(uint32_t) : 0;
}

}  // namespace mltrack::store
