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
  ForEach(static_cast<uint32_t>(ids->size()), [&](uint32_t local_id, std::string_view value) {
    if (local_id <= count) ids->push_back(global.GetOrAdd(value));
  });
  global_ids_ = std::move(ids);
  return global_ids_;
}

void LocalStrings::ForEach(uint32_t first, const std::function<void(uint32_t, std::string_view)>& fn) const {
  const size_t count = size();
  for (size_t local_id = first; local_id <= count; ++local_id) {
    fn(static_cast<uint32_t>(local_id), Get(static_cast<uint32_t>(local_id)));
  }
}

std::string_view LocalStrings::Find(uint32_t local_id, StringPieces* /*pieces*/) const { return Get(local_id); }

const StringPieces::Piece* StringPieces::Find(const void* owner, size_t index) const {
  auto found = pieces_.find({owner, index});
  return found == pieces_.end() ? nullptr : &found->second;
}

StringPieces::Piece& StringPieces::Add(const void* owner, size_t index) { return pieces_[{owner, index}]; }

size_t LocalStrings::GlobalIdsBytes() const {
  std::lock_guard lock(mutex_);
  return global_ids_ ? global_ids_->capacity() * sizeof(uint32_t) : 0;
}

}  // namespace mltrack::store
