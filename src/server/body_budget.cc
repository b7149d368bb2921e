#include "server/body_budget.h"

#include <utility>

namespace mltrack::server {

BodyBudget::Reservation& BodyBudget::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    Release();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool BodyBudget::Reservation::GrowTo(size_t total_bytes) {
  if (budget_ == nullptr) return false;
  if (total_bytes <= bytes_) return true;
  if (!budget_->TryTake(total_bytes - bytes_)) return false;
  bytes_ = total_bytes;
  return true;
}

void BodyBudget::Reservation::Release() {
  if (budget_ != nullptr && bytes_ > 0) budget_->Give(bytes_);
  bytes_ = 0;
}

bool BodyBudget::TryTake(size_t bytes) {
  size_t current = in_use_.load(std::memory_order_relaxed);
  for (;;) {
    // Written to avoid overflow: a huge `bytes` must fail, not wrap.
    if (limit_ != 0 && (bytes > limit_ || current > limit_ - bytes)) return false;
    if (in_use_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed)) return true;
  }
}

}  // namespace mltrack::server
